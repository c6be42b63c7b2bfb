/**
 * The evidence build as a job ('evidence-build', data `{ id }`), so that any replica can run it:
 * a replica killed mid-build loses nothing, because the job is retried and the build saves its
 * files before it makes the request 'pending' (EvidenceService.build). A time-stamping authority
 * or a store that fails for a moment is tried again with backoff; any other failure, or the last
 * attempt's, marks the request 'failed'. One job per request at a time (keyed by its id).
 */
import { RetryableError, type JobDefinition, type JobLog, type JobQueue } from '../store/jobs/types.js';
import { errorMessage } from '../store/jobs/common.js';
import type { EvidenceRequest } from '../store/evidence-requests.js';
import type { DeepReadonly } from '../store/json-file.js';
import type { EvidenceBuildQueue, EvidenceService } from './evidence.js';
import { NO_TELEMETRY, secondsSince, type Telemetry } from '../base/telemetry.js';

export const EVIDENCE_BUILD_JOB = 'evidence-build';

/**
 * Two retries, 10 s then about 20–40 s apart; a quarter of an hour per attempt (a 100 k-asset
 * bundle stages in seconds). A replica silent for 30 s is taken as dead and the job goes to another.
 */
export const EVIDENCE_BUILD_OPTIONS: JobDefinition = {
  retryLimit: 2,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 900,
  heartbeatSeconds: 30,
};

/** A build settled by this attempt; `postCard`: the requester waits for the card in `request.channel`. */
export interface SettledBuild {
  request: DeepReadonly<EvidenceRequest>;
  postCard: boolean;
}

/** Defines the job on `jobs` (before it starts); the queue request() hands builds to. */
export function defineEvidenceBuildJob(
  jobs: JobQueue,
  deps: {
    evidence: Pick<EvidenceService, 'build'>;
    /** After a build this attempt settled, built or failed (the bot posts the card). */
    settled?: (build: SettledBuild) => Promise<void>;
    log?: JobLog;
    options?: JobDefinition;
    /** A span `certify.evidence.build` per attempt, and its duration (default: none). */
    telemetry?: Telemetry;
  },
): EvidenceBuildQueue {
  const options = deps.options ?? EVIDENCE_BUILD_OPTIONS;
  const log = deps.log ?? (() => undefined);
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  /** The build itself, traced and timed by outcome (built, failed, retry, nothing, abandoned). */
  const build: Pick<EvidenceService, 'build'>['build'] = (id, attempt) => {
    const t0 = performance.now();
    return telemetry.span('certify.evidence.build', {}, async (span) => {
      let outcome = 'error';
      try {
        const result = await deps.evidence.build(id, attempt);
        outcome = result.kind;
        return result;
      } finally {
        span.set({ 'certify.outcome': outcome });
        telemetry.record('certify.evidence.build.duration', secondsSince(t0), { 'certify.outcome': outcome });
      }
    });
  };
  jobs.define<{ id: string }>(
    EVIDENCE_BUILD_JOB,
    async (job) => {
      const { id } = job.data;
      const outcome = await build(id, {
        final: job.attempt > options.retryLimit,
        signal: job.signal,
      });
      switch (outcome.kind) {
        case 'retry':
          throw new RetryableError(`evidence build ${id}: ${errorMessage(outcome.error)}`, {
            cause: outcome.error,
          });
        case 'built':
        case 'failed':
          log(`evidence.build_${outcome.kind}`, {
            ...(outcome.kind === 'failed' ? { level: 'error', error: outcome.request.error } : {}),
            id,
            attempt: job.attempt,
          });
          await deps.settled?.(outcome);
          return;
        case 'nothing':
          log('evidence.build_skipped', {
            id,
            attempt: job.attempt,
            status: outcome.request?.status ?? null,
          });
          return;
        case 'abandoned':
          return;
      }
    },
    options,
  );
  return {
    async enqueue(id) {
      await jobs.send(EVIDENCE_BUILD_JOB, { id }, { singletonKey: id });
    },
  };
}
