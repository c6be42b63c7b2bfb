/**
 * Report 11: the provenance register: each secret that claims (or is claimed by) a Certify
 * provenance certificate, what the certificate says and whether it holds. The verdicts are
 * those of rule P011 (the same judge), so this table and the rule never disagree.
 */
import { PROVENANCE_TAG } from '../../provenance/writer.js';
import type { Secret } from '../../scanner/inventory/types.js';
import {
  inProvenanceScope,
  provenanceJudge,
  type ProvenanceVerdict,
} from '../../scanner/rules/builtin/P011.js';
import type { ProvenancePayload } from '../../provenance/certificate.js';
import type { Cell } from '../types.js';
import { col, count, iso, type ReportSpec } from './common.js';

const NO_TAG = `the secret has no ${PROVENANCE_TAG} tag`;

const targetKey = (vault: string, secret: string): string => `${vault.toLowerCase()}/${secret.toLowerCase()}`;

function statusOf(v: ProvenanceVerdict): string {
  if (v.kind === 'untagged') return `invalid: ${NO_TAG}`;
  if (v.kind === 'missing') return 'missing certificate';
  return v.problems.length === 0 ? 'valid' : `invalid: ${v.problems[0]}`;
}

function row(s: Secret, certificateId: string, payload: ProvenancePayload | null, status: string): Cell[] {
  return [
    s.id,
    s.vault,
    s.name,
    certificateId,
    payload?.preset.id ?? null,
    payload?.preset.version ?? null,
    iso(payload?.generatedAt),
    payload?.entropyBits ?? null,
    iso(payload?.expiresAt),
    status,
  ];
}

export const provenanceRegister: ReportSpec = {
  id: 'provenance-register',
  title: 'Provenance register',
  basis: 'snapshot',
  describe: (ctx) =>
    `Each secret in ${ctx.scan} that is enabled, does not back a certificate, and carries a ` +
    `${PROVENANCE_TAG} tag or is named by a certificate Certify issued: the certificate, the preset the ` +
    'credential was generated to and whether the certificate verifies against Certify’s signing keys for ' +
    'that very vault and secret (rule P011). Secrets with neither are only counted, in the notes.',
  columns: [
    col('asset_id', 'URL of the secret without version.'),
    col('vault', 'Name of the vault holding it.'),
    col('secret', 'Name of the secret.'),
    col(
      'certificate_id',
      `The certificate its ${PROVENANCE_TAG} tag names; for an untagged secret, the latest certificate naming it.`,
    ),
    col('preset', 'Id of the compliance preset the certificate says the credential was generated to.'),
    col('preset_version', 'Version of that preset.'),
    col('generated_at', 'When the credential was generated and certified (ISO 8601 UTC).'),
    col('entropy_bits', 'Entropy of the generation in bits, as certified.'),
    col('expires_at', 'End of the certified lifetime (ISO 8601 UTC).'),
    col(
      'status',
      '"valid", "missing certificate" (the tag names no certificate Certify holds) or "invalid: " and the first problem found. The certificate columns are empty when its signature could not be trusted.',
    ),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const section = inv.provenance;
    if (section === undefined) {
      return {
        rows: [],
        notes: [
          'This scan carries no provenance section (Certify’s certificate store was not part of it), so this report has no rows; this is not evidence that no secret is certified.',
        ],
      };
    }
    const judge = provenanceJudge(section);
    // Latest certificate naming each secret, for secrets whose tag was lost or never written.
    const named = new Map<string, { id: string; payload: ProvenancePayload }>();
    for (const c of section.certificates) {
      const payload = judge.check(c.id)?.payload ?? null;
      if (payload === null || payload.target === null) continue;
      const key = targetKey(payload.target.vault, payload.target.secret);
      const seen = named.get(key);
      if (seen === undefined || Date.parse(seen.payload.generatedAt) <= Date.parse(payload.generatedAt)) {
        named.set(key, { id: c.id, payload });
      }
    }
    const rows: Cell[][] = [];
    const cited = new Set<string>();
    let inScope = 0;
    let valid = 0;
    let missing = 0;
    let invalid = 0;
    for (const s of inv.secrets) {
      if (!inProvenanceScope(s)) continue;
      inScope++;
      const v = judge.judge(s);
      if (v.kind === 'untagged') {
        const claim = named.get(targetKey(s.vault, s.name));
        if (claim === undefined) continue;
        invalid++;
        rows.push(row(s, claim.id, claim.payload, statusOf(v)));
        continue;
      }
      const status = statusOf(v);
      if (status === 'valid') valid++;
      else if (v.kind === 'missing') missing++;
      else invalid++;
      if (v.kind === 'checked') cited.add(v.certificateId);
      rows.push(row(s, v.certificateId, v.kind === 'checked' ? v.payload : null, status));
    }
    const certificates = new Set(section.certificates.map((c) => c.id)).size;
    const uncited = certificates - cited.size;
    return {
      rows,
      notes: [
        `${count(inScope, 'secret')} in scope (enabled, not backing a certificate): ${valid} valid, ${invalid} invalid, ${missing} naming a missing certificate; ${count(inScope - rows.length, 'secret')} without any certificate, not listed.`,
        `${count(certificates, 'certificate')} held, signed by ${count(section.jwks.keys.length, 'key')}; ${uncited} named by no secret’s tag (earlier versions of rotated secrets, or secrets since deleted or disabled).`,
        'A row that is not valid is a failure of rule P011; so is every secret in scope without a certificate.',
      ],
    };
  },
};
