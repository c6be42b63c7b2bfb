/**
 * The scheduled scan as a job: one at a time across every replica (a singleton), its alerts
 * after it. A replica killed mid-scan saved nothing (a scan is saved in one step at its end), and
 * the job comes back on another replica. Each job's scan id ends in a digest of the job's id, so
 * a retry of a job whose scan was saved before its replica died finds that scan and goes on to
 * the alerts, rather than saving a second one.
 */
import { createHash } from 'node:crypto';
import { NO_TELEMETRY, type Telemetry } from '../../base/telemetry.js';
import type { AuditLog } from '../../store/audit-log.js';
import type { JobDefinition, JobQueue } from '../../store/jobs/types.js';
import type { Source } from '../../scanner/sources/types.js';
import { defaultScanId, type CertifyPorts } from '../../services/scan.js';
import { scheduledScan } from '../scheduled-scan.js';
import type { Log } from '../types.js';

export const SCHEDULED_SCAN_JOB = 'scheduled-scan';

/**
 * An hour per attempt, two retries; a replica that stops touching the job for 30 s is taken as
 * dead and the job goes to another.
 */
export const SCHEDULED_SCAN_OPTIONS: JobDefinition = {
  retryLimit: 2,
  retryDelaySeconds: 10,
  retryBackoff: false,
  expireInSeconds: 3600,
  heartbeatSeconds: 30,
};

/** The last part of the scan ids this job saves: the same on every attempt. */
export function jobScanSuffix(jobId: string): string {
  return createHash('sha256').update(jobId).digest('hex').slice(0, 8);
}

export function defineScheduledScan(
  jobs: JobQueue,
  deps: {
    ports: CertifyPorts;
    source: Source;
    audit: Pick<AuditLog, 'append'>;
    clock: () => number;
    log: Log;
    /** What follows a saved scan: the alerts. */
    afterScan: () => Promise<unknown>;
    /**
     * What runs first, under the job's singleton: the demo history's seeding on PostgreSQL, so
     * that of several replicas starting together only one seeds (app/demo-history.ts).
     */
    beforeScan?: () => Promise<unknown>;
    options?: JobDefinition;
    /** A span `certify.job.scheduled_scan` per attempt, its scan and alert run below it. */
    telemetry?: Telemetry;
  },
): void {
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  jobs.define(
    SCHEDULED_SCAN_JOB,
    (job) =>
      telemetry.span('certify.job.scheduled_scan', { 'certify.job.attempt': job.attempt }, () => runJob(job)),
    deps.options ?? SCHEDULED_SCAN_OPTIONS,
  );

  async function runJob(job: { id: string; attempt: number }): Promise<void> {
    deps.log('scheduled_scan.started', { job: job.id, attempt: job.attempt });
    await deps.beforeScan?.();
    const suffix = jobScanSuffix(job.id);
    const saved = (await deps.ports.scans.history(20)).find((s) => s.scanId.endsWith(`-${suffix}`));
    if (saved) {
      deps.log('scheduled_scan.already_saved', { scanId: saved.scanId, attempt: job.attempt });
    } else {
      const ports: CertifyPorts = {
        ...deps.ports,
        newScanId: (now) => `${defaultScanId(now).slice(0, -suffix.length)}${suffix}`,
      };
      const { result } = await scheduledScan({
        ports,
        source: deps.source,
        audit: deps.audit,
        clock: deps.clock,
      });
      deps.log('scheduled_scan', { scanId: result.scanId, score: result.score, attempt: job.attempt });
    }
    await deps.afterScan();
  }
}
