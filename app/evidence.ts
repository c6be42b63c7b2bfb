/**
 * Wires the evidence workflow from configuration: the bot's signing key, the time-stamping
 * authority (a third party at CERTIFY_TSA_URL, else the embedded local one), the operator audit
 * log, the request store and the bundles' files. Shared by the bot service and the CLI, so both
 * sign with one key and append to one log. Builds run on an in-process job queue of their own
 * until the bot hands them to its queue (EvidenceService.withBuildQueue).
 */
import {
  createEvidenceService,
  type EvidenceBuildQueue,
  type EvidenceService,
} from '../services/evidence.js';
import { defineEvidenceBuildJob } from '../services/evidence-build.js';
import { createEvidenceFiles, type EvidenceFiles } from '../store/evidence-files.js';
import { createInProcessJobQueue } from '../store/jobs/in-process.js';
import { openAuditLog, type AuditLog } from '../store/audit-log.js';
import { createLocalTsa, createRemoteTsa } from '../adapters/tsa/index.js';
import type { TimestampAuthority } from '../evidence/timestamp/index.js';
import type { Source } from '../scanner/sources/types.js';
import { createEvidenceRequestStore, type EvidenceRequestStore } from '../store/evidence-requests.js';
import type { CertifyPorts } from '../services/scan.js';
import { packageInfo } from '../base/package-info.js';
import { loadOrCreateSigningKey, type SigningKey } from '../store/signing-key.js';

export interface EvidenceWiring {
  signer: SigningKey;
  audit: AuditLog;
  tsa: TimestampAuthority;
  service: EvidenceService;
}

export async function openEvidence(opts: {
  dataDir: string;
  ports: CertifyPorts;
  source: Source;
  approvers: readonly string[];
  publicUrl: string;
  tsaUrl: string | null;
  linkTtlMs?: number;
  /** Epoch ms, real time: the local TSA's certificate starts here. */
  now: number;
  onNotice?: (message: string) => void;
  /** The signing key and the audit log when the caller has them open already (the composition root). */
  signer?: SigningKey;
  audit?: AuditLog;
  /** The evidence requests (default: the data dir's). */
  requests?: EvidenceRequestStore;
  /** The bundles' files (default: the data dir's). */
  files?: EvidenceFiles;
}): Promise<EvidenceWiring> {
  const signer = opts.signer ?? (await loadOrCreateSigningKey(opts.dataDir));
  const audit =
    opts.audit ?? openAuditLog(opts.dataDir, signer, opts.onNotice ? { onNotice: opts.onNotice } : {});
  const tsa = opts.tsaUrl ? createRemoteTsa(opts.tsaUrl) : await createLocalTsa(opts.dataDir, opts.now);
  const service: EvidenceService = createEvidenceService({
    ports: opts.ports,
    source: opts.source,
    requests: opts.requests ?? createEvidenceRequestStore(opts.dataDir),
    files: opts.files ?? createEvidenceFiles(opts.dataDir),
    builds: inProcessBuilds(() => service),
    signer,
    tsa,
    audit,
    approvers: opts.approvers,
    publicUrl: opts.publicUrl,
    ...(opts.linkTtlMs !== undefined ? { linkTtlMs: opts.linkTtlMs } : {}),
    productVersion: packageInfo().version,
  });
  return { signer, audit, tsa, service };
}

/** Builds in this process, as a single instance always ran them; the queue is made at the first. */
function inProcessBuilds(service: () => EvidenceService): EvidenceBuildQueue {
  let queue: Promise<EvidenceBuildQueue> | null = null;
  const open = async () => {
    const jobs = createInProcessJobQueue({ log: () => undefined });
    const builds = defineEvidenceBuildJob(jobs, { evidence: service() });
    await jobs.start();
    return builds;
  };
  return {
    enqueue: async (id) => (await (queue ??= open())).enqueue(id),
  };
}
