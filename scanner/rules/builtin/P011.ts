import {
  verifyCertificate,
  type CertificateCheck,
  type ProvenancePayload,
} from '../../../provenance/certificate.js';
import { PROVENANCE_TAG } from '../../../provenance/writer.js';
import type { Inventory, ProvenanceSection, Secret } from '../../inventory/types.js';
import { assetFacts, ENABLED, idsAt, MANAGED } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/** What P011 found for one secret; the provenance-register report shows the same verdicts. */
export type ProvenanceVerdict =
  | { kind: 'untagged' }
  /** The tag names a certificate the section does not hold. */
  | { kind: 'missing'; certificateId: string }
  /**
   * The certificate the tag names, checked against this secret. `payload` is there whenever the
   * signature held up, even if the certificate names another secret, so a reader sees its claims.
   */
  | { kind: 'checked'; certificateId: string; payload: ProvenancePayload | null; problems: string[] };

/** A secret P011 judges: enabled and not backing a certificate. */
export function inProvenanceScope(s: Secret): boolean {
  return s.enabled && !s.managed;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Checks secrets against one provenance section. The signature is checked once per certificate
 * id and the target per secret, so a certificate cited by several secrets (a copied tag) costs
 * one verification: ECDSA dominates, and a large tenant may cite thousands of certificates.
 */
export class ProvenanceJudge {
  private readonly jws = new Map<string, string>();
  private readonly checks = new Map<string, CertificateCheck>();

  constructor(private readonly section: ProvenanceSection) {
    // The validator refuses duplicate ids; with hand-built data the first one stands.
    for (const c of section.certificates) if (!this.jws.has(c.id)) this.jws.set(c.id, c.jws);
  }

  /** The certificate's own verification (signature, key, shape, preset), without a target. */
  check(id: string): CertificateCheck | null {
    let check = this.checks.get(id);
    if (check === undefined) {
      const jws = this.jws.get(id);
      if (jws === undefined) return null;
      check = verifyCertificate(jws, this.section.jwks);
      this.checks.set(id, check);
    }
    return check;
  }

  judge(s: Secret): ProvenanceVerdict {
    const certificateId = Object.hasOwn(s.tags, PROVENANCE_TAG) ? s.tags[PROVENANCE_TAG] : undefined;
    if (certificateId === undefined) return { kind: 'untagged' };
    const check = this.check(certificateId);
    if (check === null) return { kind: 'missing', certificateId };
    const problems = [...check.problems];
    const payload = check.payload;
    if (payload !== null) {
      // The same comparison verifyCertificate makes with expectTarget, done here so the
      // signature check above can be shared between secrets.
      const t = payload.target;
      const secret = `${s.vault}/${s.name}`;
      if (t === null) problems.push(`the certificate names no target but the secret is ${secret}`);
      else if (!sameName(t.vault, s.vault) || !sameName(t.secret, s.name)) {
        problems.push(
          `target is ${t.vault}/${t.secret}${t.version ? `@${t.version}` : ''} but the secret is ${secret}`,
        );
      }
      // A store entry filed under another certificate's id would let one certificate vouch twice.
      if (payload.id !== certificateId) {
        problems.push(`the certificate stored as ${certificateId} is certificate ${payload.id}`);
      }
    }
    return { kind: 'checked', certificateId, payload, problems };
  }

  /**
   * `provenanceFails(this.judge(s))` without building the verdict: P011 asks it of every secret
   * in scope, most of them untagged, and only wants the yes or no.
   */
  fails(s: Secret): boolean {
    const certificateId = Object.hasOwn(s.tags, PROVENANCE_TAG) ? s.tags[PROVENANCE_TAG] : undefined;
    if (certificateId === undefined) return true;
    const check = this.check(certificateId);
    if (check === null || check.problems.length > 0) return true;
    const payload = check.payload;
    if (payload === null) return false;
    const t = payload.target;
    return (
      t === null || !sameName(t.vault, s.vault) || !sameName(t.secret, s.name) || payload.id !== certificateId
    );
  }
}

const judges = new WeakMap<ProvenanceSection, ProvenanceJudge>();

/**
 * One judge per provenance section, so a scan and the evidence reports built from the same
 * inventory verify each certificate once. Inventories are read-only, so sharing it is pure.
 */
export function provenanceJudge(section: ProvenanceSection): ProvenanceJudge {
  let judge = judges.get(section);
  if (judge === undefined) {
    judge = new ProvenanceJudge(section);
    judges.set(section, judge);
  }
  return judge;
}

export function provenanceFails(v: ProvenanceVerdict): boolean {
  return v.kind !== 'checked' || v.problems.length > 0;
}

export default defineRule(
  {
    id: 'P011',
    name: 'Secrets carry a valid provenance certificate',
    severity: 'Medium',
    class: 'framework',
    category: 'secrets',
    description:
      'A secret should be tagged with a Certify provenance certificate that verifies against the signing key and names this very secret, so an auditor can see it was generated to a stated preset rather than typed by hand.',
    remediation:
      'Rotate the secret with `/certify rotate <vault>/<secret> --preset <p>`: Certify generates a credential to the preset, writes it and tags the new version with a signed certificate.',
    needs: ['provenance'],
  },
  (inv: Inventory) => {
    const judge = provenanceJudge(inv.provenance!);
    const list = inv.secrets;
    // The flags say what inProvenanceScope says: enabled and not managed.
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      const s = list[i]!;
      if (judge.fails(s)) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
