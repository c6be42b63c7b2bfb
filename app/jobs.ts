/**
 * The job queue the bot runs its background work on: pg-boss in the shared database when there
 * is one (a job goes to whichever replica is free and survives the death of the one running it),
 * else in this process, as a single instance always did.
 */
import { CertifyError } from '../base/errors.js';
import { createInProcessJobQueue } from '../store/jobs/in-process.js';
import { createPgBossJobQueue } from '../store/jobs/pg-boss.js';
import type { JobLog, JobQueue } from '../store/jobs/types.js';
import { pgPoolConfig } from '../store/pg/pool.js';
import { databaseAuth } from './database-auth.js';
import type { ServiceConfig } from './config.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface JobTuning {
  /**
   * How often a replica looks for jobs whose replica died (CERTIFY_JOBS_SUPERVISE_SECONDS,
   * default 60): such a job comes back within about this long after its heartbeat stopped.
   */
  superviseSeconds: number;
  /** How long a running job's replica may be silent before the job goes to another (CERTIFY_JOBS_HEARTBEAT_SECONDS, default 30, at least 10). */
  heartbeatSeconds: number;
}

/** Pure: the job settings from the environment, every mistake named. */
export function readJobTuning(env: Env): JobTuning {
  const problems: string[] = [];
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const text = env[name]?.trim();
    if (!text) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: "${text}" is not a whole number of seconds from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const tuning = {
    superviseSeconds: whole('CERTIFY_JOBS_SUPERVISE_SECONDS', 60, 1, 3600),
    heartbeatSeconds: whole('CERTIFY_JOBS_HEARTBEAT_SECONDS', 30, 10, 3600),
  };
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the job settings have problems',
      problems,
      'fix the variables named above',
    );
  }
  return tuning;
}

export async function openJobQueue(
  config: Pick<ServiceConfig, 'database'>,
  deps: { env: Env; log: JobLog; tuning: JobTuning },
): Promise<JobQueue> {
  const { database } = config;
  if (database === null) return createInProcessJobQueue({ log: deps.log });
  const { config: connection } = await pgPoolConfig(database.url, {
    ...databaseAuth(database, deps.env),
    // pg-boss keeps its own few connections beside the store's pool.
    max: 4,
  });
  return createPgBossJobQueue({
    connection: { ...connection, application_name: 'certify-jobs' },
    log: deps.log,
    superviseIntervalSeconds: deps.tuning.superviseSeconds,
  });
}
