/**
 * Rotation with provenance: `/certify rotate <vault>/<secret> --preset <p>` asks; an approver
 * (never the requester) approves; then a credential is generated to the preset, written as a
 * new Key Vault secret version tagged with its certificate, and the certificate is signed and
 * kept. The credential lives in one local variable between generation and the write: it is
 * never logged, stored, shown or put in the audit log. Every step, refusals included, is audited.
 */
import { approvalGate, personOf } from './approval-gate.js';
import { randomBytes } from 'node:crypto';
import type { Jwks, Signer } from '../base/jws.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../evidence/types.js';
import { CertifyError, isCertifyError } from '../base/errors.js';
import type { DeepReadonly } from '../store/json-file.js';
import type { ProvenanceStore, RotationRequest, StoredCertificate } from '../store/provenance.js';
import {
  issueCertificate,
  newCertificateId,
  verifyCertificate,
  type CertificateCheck,
} from '../provenance/certificate.js';
import { generateCredential } from '../provenance/generate.js';
import { findPreset, type Preset } from '../provenance/presets.js';
import { SECRET_NAME, VAULT_NAME } from '../scanner/sources/azure/names.js';
import {
  MAX_TAG_VALUE,
  PRESET_TAG,
  PROVENANCE_TAG,
  PROVENANCE_URL_TAG,
  type SecretWriter,
} from '../provenance/writer.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

export interface ProvenanceServiceDeps {
  store: ProvenanceStore;
  signer: Signer & { jwks(): Jwks };
  writer: SecretWriter;
  audit: AuditLog;
  approvers: readonly string[];
  /** Base URL for certificate links (`<publicUrl>/certs/<id>`) and the JWKS. */
  publicUrl: string;
}

export interface CertificateLookup {
  stored: DeepReadonly<StoredCertificate>;
  check: CertificateCheck;
  url: string;
}

export interface ProvenanceService {
  readonly writerKind: 'azure' | 'demo';
  certificateUrl(id: string): string;
  jwksUrl(): string;
  /** Parses `kv-prod/db-password`; throws BAD_INPUT naming what is wrong. */
  parseTarget(text: string): { vault: string; secret: string };
  request(args: {
    vault: string;
    secret: string;
    preset: Preset;
    requester: Actor;
    channel: { kind: string; id: string };
    now: number;
  }): Promise<DeepReadonly<RotationRequest>>;
  checkCanDecide(id: string, actor: Actor, now: number): Promise<DeepReadonly<RotationRequest>>;
  /** Generates, writes and certifies. A repeat click by the approver changes nothing. */
  approve(
    id: string,
    actor: Actor,
    now: number,
  ): Promise<{ request: DeepReadonly<RotationRequest>; repeated: boolean }>;
  reject(id: string, actor: Actor, reason: string, now: number): Promise<DeepReadonly<RotationRequest>>;
  rotation(id: string): Promise<DeepReadonly<RotationRequest> | null>;
  /** A stored certificate and its verification against the service's key, or null. */
  certificate(id: string, now: number): Promise<CertificateLookup | null>;
  /** `certify generate`: a credential (returned once, to print) and its certificate, no target. */
  generate(
    preset: Preset,
    now: number,
    actor: Actor,
  ): Promise<{ credential: string; jws: string; id: string }>;
}

export function newRotationId(): string {
  return `rot-${randomBytes(8).toString('hex')}`;
}

export function createProvenanceService(deps: ProvenanceServiceDeps): ProvenanceService {
  const gate = approvalGate(deps.audit, deps.approvers, 'approve or reject a rotation');
  const { log, refuse, mayDecide } = gate;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const certificateUrl = (id: string) => `${base}/certs/${id}`;
  const jwksUrl = () => `${base}/.well-known/jwks.json`;

  async function requireRotation(id: string, actor: Actor, action: string, now: number) {
    const r = await deps.store.rotation(id);
    if (!r) return refuse('NOT_FOUND', `there is no rotation request ${id}`, action, actor, id, now);
    return r;
  }

  /** Signs the provenance certificate of a generated credential and keeps it (never the credential). */
  async function certify(
    preset: Preset,
    generated: ReturnType<typeof generateCredential>,
    now: number,
    target: StoredCertificate['target'],
    ids: { id?: string; rotationId: string | null },
  ) {
    const issued = await issueCertificate({
      signer: deps.signer,
      preset,
      credential: generated.value,
      generated,
      now,
      target,
      jwksUrl: jwksUrl(),
      ...(ids.id !== undefined ? { id: ids.id } : {}),
    });
    await deps.store.addCertificate({
      id: issued.id,
      jws: issued.jws,
      presetId: preset.id,
      generatedAt: issued.payload.generatedAt,
      target,
      rotationId: ids.rotationId,
    });
    return issued;
  }

  function settled(r: DeepReadonly<RotationRequest>): string {
    switch (r.status) {
      case 'rotated':
      case 'rotating':
        return `${r.id} was already approved by ${r.approval?.by.name ?? '?'} at ${r.approval?.at ?? '?'}`;
      case 'rejected':
        return `${r.id} was rejected by ${r.rejection?.by.name ?? '?'} at ${r.rejection?.at ?? '?'}`;
      case 'failed':
        return `${r.id} failed: ${r.error ?? 'unknown error'}`;
      default:
        return `${r.id} is ${r.status}`;
    }
  }

  return {
    writerKind: deps.writer.kind,
    certificateUrl,
    jwksUrl,

    parseTarget(text) {
      const m = /^([^/\s]+)\/([^/\s]+)$/.exec(text.trim());
      if (!m) {
        throw new CertifyError(
          'BAD_USAGE',
          `"${text.trim()}" is not <vault>/<secret>`,
          [],
          'e.g. /certify rotate kv-prod/db-password --preset pci',
        );
      }
      const [, vault, secret] = m as unknown as [string, string, string];
      // Key Vault's naming rules, checked before anything is asked of anyone.
      const problems: string[] = [];
      if (!VAULT_NAME.test(vault))
        problems.push(`vault "${vault}": 3–24 letters, digits and hyphens, starting with a letter`);
      if (!SECRET_NAME.test(secret)) problems.push(`secret "${secret}": 1–127 letters, digits and hyphens`);
      if (problems.length > 0) throw new CertifyError('BAD_INPUT', 'not a Key Vault secret name', problems);
      return { vault: vault.toLowerCase(), secret };
    },

    async request({ vault, secret, preset, requester, channel, now }) {
      const id = newRotationId();
      await deps.store.addRotation({
        id,
        vault,
        secret,
        presetId: preset.id,
        requestedBy: personOf(requester),
        channel,
        createdAt: iso(now),
        status: 'pending',
        approval: null,
        rejection: null,
        result: null,
        error: null,
      });
      await log(
        'rotation.requested',
        requester,
        id,
        { vault, secretName: secret, preset: `${preset.id}@${preset.version}` },
        now,
      );
      return (await deps.store.rotation(id))!;
    },

    async checkCanDecide(id, actor, now) {
      const r = await requireRotation(id, actor, 'rotation.approve', now);
      await mayDecide(r, actor, 'rotation.approve', now);
      if (r.status !== 'pending') await refuse('CONFLICT', settled(r), 'rotation.approve', actor, id, now);
      return r;
    },

    async approve(id, actor, now) {
      const r = await requireRotation(id, actor, 'rotation.approve', now);
      await mayDecide(r, actor, 'rotation.approve', now);
      if (r.status !== 'pending') {
        if (r.approval?.by.id === actor.id) return { request: r, repeated: true };
        await refuse('CONFLICT', settled(r), 'rotation.approve', actor, id, now);
      }
      // Claimed before any work: a concurrent second click or second approver is refused.
      const claimed = await deps.store.updateRotation(id, (x) => {
        if (x.status !== 'pending') return false;
        x.status = 'rotating';
        x.approval = { by: personOf(actor), at: iso(now) };
        return true;
      });
      if (!claimed) {
        const current = (await deps.store.rotation(id))!;
        if (current.approval?.by.id === actor.id) return { request: current, repeated: true };
        await refuse('CONFLICT', settled(current), 'rotation.approve', actor, id, now);
      }
      await log('rotation.approved', actor, id, { vault: r.vault, secretName: r.secret }, now);

      const preset = findPreset(r.presetId);
      // The rotation-events report and VM004 read this entry, succeeded or failed.
      const rotatedEntry = (details: Record<string, string | number | boolean | null>) =>
        log(
          'credential.rotated',
          actor,
          id,
          {
            vault: r.vault,
            secretName: r.secret,
            preset: `${preset.id}@${preset.version}`,
            fullStack: true,
            startedAt: iso(now),
            ...details,
          },
          now,
        );
      const certificateId = newCertificateId();
      const url = certificateUrl(certificateId);
      const expiresAt = now + preset.maxLifetimeDays * DAY_MS;
      try {
        const generated = generateCredential(preset);
        const written = await deps.writer.write({
          vault: r.vault,
          name: r.secret,
          value: generated.value,
          tags: {
            [PROVENANCE_TAG]: certificateId,
            [PRESET_TAG]: `${preset.id}@${preset.version}`,
            ...(url.length <= MAX_TAG_VALUE ? { [PROVENANCE_URL_TAG]: url } : {}),
          },
          expiresOn: new Date(expiresAt),
          contentType: `text/plain; certify-preset=${preset.id}`,
        });
        const issued = await certify(
          preset,
          generated,
          now,
          { vault: r.vault, secret: r.secret, version: written.version },
          { id: certificateId, rotationId: id },
        );
        const finishedAt = iso(now);
        await deps.store.updateRotation(id, (x) => {
          x.status = 'rotated';
          x.result = {
            certificateId,
            secretId: written.id,
            version: written.version,
            expiresAt: iso(expiresAt),
            entropyBits: issued.payload.entropyBits,
            writer: deps.writer.kind,
            finishedAt,
          };
        });
        await rotatedEntry({
          version: written.version,
          certificateId,
          status: 'succeeded',
          finishedAt,
          writer: deps.writer.kind,
        });
      } catch (e) {
        const message = isCertifyError(e) ? e.message : ((e as Error).message ?? String(e));
        await deps.store.updateRotation(id, (x) => {
          x.status = 'failed';
          x.error = message;
        });
        await rotatedEntry({ status: 'failed', finishedAt: iso(now), reason: message });
      }
      return { request: (await deps.store.rotation(id))!, repeated: false };
    },

    async reject(id, actor, reason, now) {
      const r = await requireRotation(id, actor, 'rotation.reject', now);
      return gate.reject('rotation', r, actor, reason, now, {
        update: (mutate) => deps.store.updateRotation(id, mutate),
        current: async () => (await deps.store.rotation(id))!,
        settled,
      });
    },

    rotation: (id) => deps.store.rotation(id),

    async certificate(id, now) {
      const stored = await deps.store.certificate(id);
      if (!stored) return null;
      const check = verifyCertificate(stored.jws, deps.signer.jwks(), {
        ...(stored.target ? { expectTarget: stored.target } : {}),
        now,
      });
      return { stored, check, url: certificateUrl(id) };
    },

    async generate(preset, now, actor) {
      const generated = generateCredential(preset);
      const issued = await certify(preset, generated, now, null, { rotationId: null });
      await log(
        'credential.generated',
        actor,
        issued.id,
        { preset: `${preset.id}@${preset.version}`, entropyBits: issued.payload.entropyBits },
        now,
      );
      return { credential: generated.value, jws: issued.jws, id: issued.id };
    },
  };
}
