/**
 * What both JobQueue adapters must agree on, in one place: which names, definitions and cron
 * expressions are accepted (pg-boss's own limits, so a definition that works in-process never fails
 * on PostgreSQL) and how long a retry waits.
 */
import type { JobData, JobDefinition, JobLog } from './types.js';

/** pg-boss's rule for queue names; the in-process queue holds to it too. */
const JOB_NAME = /^[\w.\-/]+$/;
const MAX_EXPIRE_SECONDS = 24 * 3600;

export function assertJobName(name: string): void {
  if (!JOB_NAME.test(name)) {
    throw new TypeError(`job name "${name}": only letters, digits, "_", ".", "-" and "/" are allowed`);
  }
}

function assertInteger(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

export interface ResolvedDefinition extends JobDefinition {
  concurrency: number;
}

export function resolveDefinition(name: string, options: JobDefinition): ResolvedDefinition {
  const at = `job "${name}":`;
  assertInteger(options.retryLimit, `${at} retryLimit`, 0);
  assertInteger(options.retryDelaySeconds, `${at} retryDelaySeconds`, 0);
  if (typeof options.retryBackoff !== 'boolean') throw new TypeError(`${at} retryBackoff must be a boolean`);
  assertInteger(options.expireInSeconds, `${at} expireInSeconds`, 1, MAX_EXPIRE_SECONDS);
  const concurrency = options.concurrency ?? 1;
  assertInteger(concurrency, `${at} concurrency`, 1, 100);
  if (options.heartbeatSeconds !== undefined) {
    assertInteger(options.heartbeatSeconds, `${at} heartbeatSeconds`, 10, MAX_EXPIRE_SECONDS);
  }
  return { ...options, concurrency };
}

/**
 * Adds job `name` to an adapter's `definitions`, as `make` builds it from the checked options:
 * each name once, and only before the queue starts (`open` false once it has).
 */
export function addDefinition<D>(
  definitions: Map<string, D>,
  open: boolean,
  name: string,
  options: JobDefinition,
  make: (resolved: ResolvedDefinition) => D,
): void {
  if (!open) throw new Error(`define "${name}" before start()`);
  assertJobName(name);
  if (definitions.has(name)) throw new Error(`job "${name}" is defined twice`);
  definitions.set(name, make(resolveDefinition(name, options)));
}

/** The definition of job `name`; an Error for a job never defined. */
export function definitionOf<D>(definitions: ReadonlyMap<string, D>, name: string): D {
  const found = definitions.get(name);
  if (!found) throw new Error(`job "${name}" is not defined`);
  return found;
}

/** Both adapters' `jobs.job_failed` line for a failed attempt of a job. */
export function logJobFailed(
  log: JobLog,
  job: { name: string; id: string; attempt: number },
  error: unknown,
  retryable: boolean,
  willRetry: boolean,
): void {
  log('jobs.job_failed', {
    level: willRetry ? 'warn' : 'error',
    job: job.name,
    id: job.id,
    attempt: job.attempt,
    retryable,
    willRetry,
    error: errorMessage(error),
  });
}

/**
 * pg-boss also reads 6-field (seconds) expressions and RFC 5545 rules, but fires at most once a
 * minute while node-cron would fire every second: only the common ground is accepted.
 */
export function assertCron(expression: string): void {
  if (typeof expression !== 'string' || expression.trim().split(/\s+/).length !== 5) {
    throw new TypeError(
      `cron expression "${String(expression)}": 5 fields expected (minute hour day month weekday)`,
    );
  }
}

/** node-cron checks a zone only once a task runs; pg-boss when it is scheduled: both are told here. */
export function assertTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new TypeError(`time zone "${tz}" is not an IANA zone this runtime knows`);
  }
}

export function assertData(name: string, data: unknown): asserts data is JobData {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`job "${name}": data must be a JSON object`);
  }
}

/**
 * Seconds before the retry that follows failed attempt `attempt` (1-based): pg-boss's formula, so
 * both adapters space retries alike.
 */
export function retryDelaySeconds(
  definition: JobDefinition,
  attempt: number,
  random: () => number = Math.random,
): number {
  if (!definition.retryBackoff) return definition.retryDelaySeconds;
  const base = Math.max(definition.retryDelaySeconds, 1);
  const step = 2 ** Math.min(16, attempt) / 2;
  return base * (step + step * random());
}

/** pg-boss reports some errors as plain objects spread from an Error. */
export function errorMessage(error: unknown): string {
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    return (error as { message: string }).message;
  }
  return String(error);
}
