/**
 * Wires rotation with provenance from configuration: the certificate and rotation stores, the
 * secret writer (Azure Key Vault through the SDK when the source is `azure`; the demo tenant's
 * metadata-only writer otherwise), and the scan extras that let every scan see what Certify
 * issued and rotated.
 */
import type { AuditLog } from '../store/audit-log.js';
import { createDemoWriter } from '../store/demo-writer.js';
import { createProvenanceService, type ProvenanceService } from '../services/rotation.js';
import type { SecretWriter } from '../provenance/writer.js';
import { createProvenanceStore, type ProvenanceStore } from '../store/provenance.js';
import type { ScanExtras } from '../services/enrich.js';
import type { SigningKey } from '../store/signing-key.js';

export interface ProvenanceWiring {
  store: ProvenanceStore;
  service: ProvenanceService;
  writer: SecretWriter;
  /** For `ports.extras`: what every scan should see of this wiring's certificates and rotations. */
  extras: ScanExtras;
}

export function scanExtras(
  store: ProvenanceStore,
  signer: Pick<SigningKey, 'jwks'> | (() => Promise<Pick<SigningKey, 'jwks'>>),
  demoWrites?: () => ReturnType<NonNullable<ScanExtras['demoWrites']>>,
): ScanExtras {
  return {
    provenance: async () => {
      const certificates = (await store.certificates()).map((c) => ({ id: c.id, jws: c.jws }));
      if (certificates.length === 0) return null;
      // A Key Vault key is opened only when a scan has certificates to check against it.
      const key = typeof signer === 'function' ? await signer() : signer;
      return { jwks: key.jwks(), certificates };
    },
    rotations: async () =>
      (await store.rotations())
        .filter((r) => (r.status === 'rotated' || r.status === 'failed') && r.approval)
        .map((r) => ({
          id: r.id,
          vault: r.vault,
          secret: r.secret,
          status: r.status === 'rotated' ? ('succeeded' as const) : ('failed' as const),
          startedAt: r.approval!.at,
          finishedAt: r.result?.finishedAt ?? r.approval!.at,
        })),
    ...(demoWrites ? { demoWrites } : {}),
  };
}

export function openProvenance(opts: {
  dataDir: string;
  signer: SigningKey;
  audit: AuditLog;
  approvers: readonly string[];
  publicUrl: string;
  /** The Azure writer when the source is azure (built at the edge); otherwise the demo writer. */
  azureWriter: (() => SecretWriter) | null;
  /** Certificates and rotations (default: the data dir's). */
  store?: ProvenanceStore;
}): ProvenanceWiring {
  const store = opts.store ?? createProvenanceStore(opts.dataDir);
  const demo = opts.azureWriter ? null : createDemoWriter(opts.dataDir);
  const writer = opts.azureWriter ? opts.azureWriter() : demo!;
  const service = createProvenanceService({
    store,
    signer: opts.signer,
    writer,
    audit: opts.audit,
    approvers: opts.approvers,
    publicUrl: opts.publicUrl,
  });
  const extras = scanExtras(store, opts.signer, demo ? () => demo.writes() : undefined);
  return { store, service, writer, extras };
}
