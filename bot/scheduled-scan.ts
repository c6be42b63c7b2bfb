/**
 * The scan of a scheduled run (and of the playground's "run the scheduled scan now"): saved, and
 * recorded in the operator audit log as the scheduler's, like every saved scan.
 */
import { createScanService, type CertifyPorts, type ScanRun } from '../services/scan.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../evidence/types.js';
import type { Source } from '../scanner/sources/types.js';

/** Who the audit log names for a scheduled scan. */
export const SCHEDULER_ACTOR: Actor = { id: 'scheduler', name: 'Scheduled scan', channel: 'scheduler' };

export function scheduledScan(deps: {
  ports: CertifyPorts;
  source: Source;
  audit: Pick<AuditLog, 'append'>;
  clock: () => number;
}): Promise<ScanRun> {
  const scans = createScanService({ ports: deps.ports, source: () => deps.source, audit: deps.audit });
  return scans.run({ now: deps.clock(), save: true, by: { actor: SCHEDULER_ACTOR, clock: deps.clock } });
}
