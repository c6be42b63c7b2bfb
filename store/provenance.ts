/**
 * Provenance state over two documents: `certificates.json` (every certificate Certify issued —
 * the compact JWS and what it is about; never the credential) and `rotations.json` (rotation
 * requests: who asked, who approved or rejected, what was written).
 */
import { join } from 'node:path';
import { cappedList } from './capped-list.js';
import { updateById } from './json-file.js';
import type { DeepReadonly } from './json-file.js';

export const CERTIFICATES_FILE = 'certificates.json';
export const ROTATIONS_FILE = 'rotations.json';

export interface StoredCertificate {
  id: string;
  /** The certificate itself, as issued (compact JWS). */
  jws: string;
  presetId: string;
  generatedAt: string;
  /** `kv-prod/db-password@version`, or null for a CLI `generate`. */
  target: { vault: string; secret: string; version: string | null } | null;
  /** The rotation that produced it, when one did. */
  rotationId: string | null;
}

export interface RotationPerson {
  id: string;
  name: string;
  channel: string;
}

export interface RotationRequest {
  id: string;
  vault: string;
  secret: string;
  presetId: string;
  requestedBy: RotationPerson;
  channel: { kind: string; id: string };
  createdAt: string;
  status: 'pending' | 'rotating' | 'rotated' | 'rejected' | 'failed';
  approval: { by: RotationPerson; at: string } | null;
  rejection: { by: RotationPerson; reason: string; at: string } | null;
  /** What was written: never the value. */
  result: {
    certificateId: string;
    secretId: string;
    version: string;
    expiresAt: string | null;
    entropyBits: number;
    writer: 'azure' | 'demo';
    finishedAt: string;
  } | null;
  error: string | null;
}

export interface ProvenanceStore {
  certificate(id: string): Promise<DeepReadonly<StoredCertificate> | null>;
  /** Oldest first. */
  certificates(): Promise<DeepReadonly<StoredCertificate>[]>;
  addCertificate(cert: StoredCertificate): Promise<void>;
  rotation(id: string): Promise<DeepReadonly<RotationRequest> | null>;
  /** Oldest first. */
  rotations(): Promise<DeepReadonly<RotationRequest>[]>;
  addRotation(request: RotationRequest): Promise<void>;
  /** Serialised read-modify-write of one rotation; the mutator sees the stored state. */
  updateRotation<T>(id: string, mutator: (r: RotationRequest) => T): Promise<T>;
  /** Re-reads the files if another process changed them (reads do so themselves). */
  reload(): Promise<void>;
}

/** The most certificates, and the most rotation requests, kept; the oldest go first. */
export const MAX_KEPT = 100_000;

export function createProvenanceStore(dir: string): ProvenanceStore {
  const certs = cappedList<'certificates', StoredCertificate>({
    path: join(dir, CERTIFICATES_FILE),
    kind: 'certify.certificates',
    version: 1,
    key: 'certificates',
    max: MAX_KEPT,
  });
  const rotations = cappedList<'rotations', RotationRequest>({
    path: join(dir, ROTATIONS_FILE),
    kind: 'certify.rotations',
    version: 1,
    key: 'rotations',
    max: MAX_KEPT,
  });
  return {
    certificate: async (id) => (await certs.items()).find((c) => c.id === id) ?? null,
    certificates: async () => [...(await certs.items())],
    addCertificate: (cert) => certs.append(cert),
    rotation: async (id) => (await rotations.items()).find((r) => r.id === id) ?? null,
    rotations: async () => [...(await rotations.items())],
    addRotation: (request) => rotations.append(request),
    updateRotation: (id, mutator) => updateById(rotations.doc, (d) => d.rotations, id, mutator),
    async reload() {
      await certs.doc.reload();
      await rotations.doc.reload();
    },
  };
}
