/**
 * The JobQueue port: named jobs run in the background, retried, delayed, deduplicated by key and
 * fired on a cron schedule. Two adapters hold to one contract (test/store/jobs/contract.ts):
 * `in-process.ts` for the embedded store (one process, nothing survives a restart) and `pg-boss.ts`
 * for PostgreSQL (durable, shared by every replica).
 *
 * Delivery is AT LEAST ONCE, so every handler must be idempotent. A job runs again when its
 * handler throws a retryable error, when it outlives `expireInSeconds`, when a graceful stop's
 * timeout cuts it short, and — with PostgreSQL — when the replica running it dies: the job stays
 * active in the database until it expires (or misses its heartbeat), and then another replica
 * runs it from the start. A handler can therefore be cut off at any point, and a rerun must not
 * see, nor show anyone, what the interrupted run had half done. Write a job's results in one
 * transaction or one atomic save at the end, and make that save safe to repeat (keyed by the
 * job's own input, not by "append one more").
 */

/** A job's payload: a JSON object. It is stored as JSON, so what a handler receives is what survived `JSON.stringify` (a Date arrives as its ISO string). */
export type JobData = Record<string, unknown>;

export interface Job<T extends JobData = JobData> {
  /** Stable over every attempt of one job. */
  id: string;
  name: string;
  data: T;
  /** 1 on the first run, 2 on the first retry, … up to `retryLimit + 1`. */
  attempt: number;
  /**
   * Aborted when this attempt no longer owns the job: it outlived `expireInSeconds` (the job is
   * already failed and may be running elsewhere), or a stop gave up waiting for it. Check it before
   * the final save; a handler that ignores it only wastes work, since its job is settled already.
   * (pg-boss also aborts it once the handler has returned: read it while the handler runs.)
   */
  signal: AbortSignal;
}

/** Resolves when the job is done; a throw fails this attempt (see RetryableError). */
export type JobHandler<T extends JobData = JobData> = (job: Job<T>) => Promise<void>;

export interface JobDefinition {
  /** Retries after the first attempt for a retryable failure or an expiry; 0 runs a job at most once (unless its replica dies: see expireInSeconds). */
  retryLimit: number;
  /** Wait before a retry, in whole seconds. */
  retryDelaySeconds: number;
  /**
   * Exponential backoff from `retryDelaySeconds` (at least 1): attempt n waits
   * `delay × 2^(n−1) × (1 + jitter)`, jitter uniform in [0, 1), pg-boss's own formula.
   */
  retryBackoff: boolean;
  /**
   * How long one attempt may run, 1 s to 24 h. An attempt past it is failed and retried (it counts
   * against `retryLimit`): that is how the job of a replica that died comes back, so a job must be
   * allowed at least one retry for that to happen. Set it well above the longest honest run: a slow
   * attempt that is still alive when it expires goes on beside the retry.
   */
  expireInSeconds: number;
  /** Attempts of this job run at once, per process (per replica). Default 1. */
  concurrency?: number;
  /**
   * PostgreSQL only (10 or more; the in-process queue has no other process to hand the job to): the
   * running replica touches the job this often, and a job not touched for this long is failed and
   * retried, so a dead replica's job comes back in about this time, not after `expireInSeconds`.
   */
  heartbeatSeconds?: number;
}

export interface SendOptions {
  /**
   * At most one job per (name, key) is queued, waiting to retry or running: a send while one is
   * returns null and adds nothing. The key is free again once that job completes or fails for good.
   */
  singletonKey?: string;
  /** Not before this time. */
  startAfter?: Date;
}

export interface StopOptions {
  /** Wait for running attempts (up to `timeoutMs`) rather than cutting them off at once. */
  graceful: boolean;
  /**
   * How long a graceful stop waits (pg-boss: at least 1 s). Attempts still running then are
   * aborted and failed as retryable: pg-boss runs them again on any replica; the in-process queue,
   * like every job it still held, drops them.
   */
  timeoutMs: number;
}

/**
 * The key every scheduled run of a job is sent with, so a tick that comes while the previous run is
 * queued, running or waiting to retry adds nothing. Send with it to run "the scheduled job, now"
 * under the same rule.
 */
export const SCHEDULE_SINGLETON_KEY = 'scheduled';

export interface JobQueue {
  /** Registers a job and its handler, before `start()`. Every process that sends or schedules a job defines it. */
  define<T extends JobData>(name: string, handler: JobHandler<T>, options: JobDefinition): void;
  /** Queues a job (after `start()`); its id, or null when `singletonKey` is held. */
  send<T extends JobData>(name: string, data: T, options?: SendOptions): Promise<string | null>;
  /**
   * Runs `name` with `data` on a 5-field cron expression read in the IANA zone `tz`, one schedule
   * per job name (a second call replaces it). Every tick is sent with SCHEDULE_SINGLETON_KEY. With
   * PostgreSQL the schedule is kept in the database and fired once per tick for all replicas
   * together; it survives restarts until `unschedule`. Ticks that fall while nothing runs are skipped.
   */
  schedule<T extends JobData>(name: string, cron: string, tz: string, data: T): Promise<void>;
  unschedule(name: string): Promise<void>;
  /** When `name`'s schedule next fires (as set by this process), or null. */
  nextRun(name: string): Date | null;
  /** Connects (PostgreSQL: creates or migrates its schema) and starts the workers. */
  start(): Promise<void>;
  /** Stops taking jobs; see StopOptions. The queue cannot be started again. */
  stop(options: StopOptions): Promise<void>;
}

/** One structured log line; the same shape as the bot's `Log`. */
export type JobLog = (event: string, fields?: Record<string, unknown>) => void;

/**
 * The one kind of handler failure that is retried: a throttled or unavailable service (HTTP 429 or
 * 5xx, a reset connection). Any other error fails the job at once, because running the same input
 * again would fail the same way — and, for an alert, might post it twice.
 */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a RetryableError, or any error that says `retryable: true` (an SDK's own error types). */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof RetryableError ||
    (typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true)
  );
}

/** HTTP statuses worth retrying: throttled, or the server's own failure. */
export function isTransientHttpStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}
