/**
 * The JobQueue on PostgreSQL through pg-boss 12: durable jobs shared by every replica, in a schema of
 * their own (`certify_jobs` unless told otherwise), one pg-boss queue per job name.
 *
 * How the port's promises are kept:
 * - Singleton keys: every queue has pg-boss's `exclusive` policy, a unique index over (queue, key)
 *   for jobs created, waiting to retry or active. A send without a key gets a key of its own (its
 *   id), so only the jobs that name a key ever collide.
 * - Schedules: pg-boss keeps them in the database; each cron pass is claimed by one replica and
 *   each occurrence is filed under a per-minute slot, so a tick sends once however many replicas
 *   run. The occurrence is sent with SCHEDULE_SINGLETON_KEY, so while the previous scheduled run is
 *   queued, running or waiting to retry, the tick adds nothing.
 * - Retries: a handler's RetryableError settles the job as `failed` (pg-boss retries it after
 *   `retryDelay`, with its backoff); any other error settles it as `deadletter`, which fails it at
 *   once whatever retries remain (the queues have no dead-letter queue).
 * - A replica that dies leaves its job `active`; the supervisor of any replica fails it once it is
 *   `expireInSeconds` old (or `heartbeatSeconds` without a heartbeat) and it is retried elsewhere,
 *   which uses up one retry. The same happens, on the replica itself, to an attempt that outlives
 *   `expireInSeconds`: its signal is aborted, and its worker takes no other job until it returns.
 * - A graceful stop waits for running attempts up to its timeout, then fails them (to be retried).
 *
 * Needs, on first start (and on an upgrade of pg-boss that changes its schema): CREATE on the
 * database (the schema is created) or a pre-created schema the role owns. Later starts only migrate.
 */
import { randomUUID } from 'node:crypto';
import { PgBoss, type ConstructorOptions, type Job as BossJob, type JobResult } from 'pg-boss';
import {
  addDefinition,
  assertCron,
  assertData,
  assertTimeZone,
  definitionOf,
  errorMessage,
  logJobFailed,
  type ResolvedDefinition,
} from './common.js';
import {
  isRetryable,
  SCHEDULE_SINGLETON_KEY,
  type JobData,
  type JobDefinition,
  type JobHandler,
  type JobLog,
  type JobQueue,
  type SendOptions,
  type StopOptions,
} from './types.js';

export const DEFAULT_JOBS_SCHEMA = 'certify_jobs';

/** Where pg-boss connects: a connection string, or the `pg` pool settings (TLS, an Entra token as `password` function). */
export type PgBossConnection = Pick<
  ConstructorOptions,
  | 'connectionString'
  | 'host'
  | 'port'
  | 'database'
  | 'user'
  | 'password'
  | 'ssl'
  | 'max'
  | 'connectionTimeoutMillis'
  | 'application_name'
>;

export interface PgBossJobQueueOptions {
  connection: PgBossConnection;
  log: JobLog;
  /** Default `certify_jobs`. */
  schema?: string;
  /** How often an idle worker looks for a job; pg-boss's floor is 0.5 s. Default 2. */
  pollingIntervalSeconds?: number;
  /**
   * How often a replica tries to claim the supervisor's pass, which fails expired jobs (and keeps
   * queue counts): a dead replica's job comes back up to this long after it expired. Default 60.
   */
  superviseIntervalSeconds?: number;
  /** How often a replica tries to claim the cron pass (1–45). Default 30. */
  cronMonitorIntervalSeconds?: number;
  /** How often a due tick is turned into its job (1–45). Default 5. */
  cronWorkerIntervalSeconds?: number;
}

interface Definition {
  handler: JobHandler;
  options: ResolvedDefinition;
}

const QUEUE_POLICY = 'exclusive';

/** pg-boss checks options with `'key' in config`, so an unset one must be absent, not undefined. */
function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function createPgBossJobQueue(options: PgBossJobQueueOptions): JobQueue {
  const { log } = options;
  const schema = options.schema ?? DEFAULT_JOBS_SCHEMA;
  const definitions = new Map<string, Definition>();
  const schedules = new Map<string, { cron: string; tz: string }>();
  let state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  let boss: PgBoss | null = null;
  let starting: Promise<void> | null = null;

  const definition = (name: string): Definition => definitionOf(definitions, name);

  const started = (what: string): PgBoss => {
    if (state !== 'started' || boss === null) {
      throw new Error(`${what}: the job queue is ${state === 'stopped' ? 'stopped' : 'not started yet'}`);
    }
    return boss;
  };

  const queueOptions = (def: ResolvedDefinition) => ({
    retryLimit: def.retryLimit,
    retryDelay: def.retryDelaySeconds,
    retryBackoff: def.retryBackoff,
    expireInSeconds: def.expireInSeconds,
  });

  const runOne = async (name: string, def: Definition, job: BossJob<JobData>): Promise<JobResult> => {
    const attempt = job.retryCount + 1;
    const failed = (error: unknown, retryable: boolean): JobResult => {
      const willRetry = retryable && attempt <= def.options.retryLimit;
      logJobFailed(log, { name, id: job.id, attempt }, error, retryable, willRetry);
      return {
        id: job.id,
        status: retryable ? 'failed' : 'deadletter',
        output: { message: errorMessage(error), retryable },
      };
    };
    let thrown: { error: unknown } | null = null;
    try {
      await def.handler({ id: job.id, name, data: job.data, attempt, signal: job.signal });
    } catch (error) {
      thrown = { error };
    }
    // pg-boss failed this attempt already (its expiry, or a stop that gave up on it) and settles
    // nothing more for it; said here because pg-boss itself only says so when a handler overruns.
    if (job.signal.aborted) {
      return failed(`job timed out after ${job.expireInSeconds}s, or the queue stopped while it ran`, true);
    }
    if (thrown === null) return { id: job.id, status: 'completed' };
    return failed(thrown.error, isRetryable(thrown.error));
  };

  const startQueue = async (b: PgBoss, name: string, def: Definition) => {
    const settings = queueOptions(def.options);
    const heartbeat = def.options.heartbeatSeconds;
    await b.createQueue(name, {
      policy: QUEUE_POLICY,
      ...settings,
      ...(heartbeat !== undefined ? { heartbeatSeconds: heartbeat } : {}),
    });
    // createQueue leaves an existing queue as it was: this deploy's settings replace the last one's.
    await b.updateQueue(name, { ...settings, heartbeatSeconds: heartbeat ?? null });
    const queue = await b.getQueue(name);
    if (queue?.policy !== QUEUE_POLICY) {
      throw new Error(
        `job queue "${name}" in schema ${schema} has policy "${queue?.policy ?? 'none'}", not "${QUEUE_POLICY}": ` +
          'singleton keys would not hold. Delete the queue (its jobs with it) and start again.',
      );
    }
    await b.work(
      name,
      {
        batchSize: 1,
        localConcurrency: def.options.concurrency,
        perJobResults: true,
        ...defined({ pollingIntervalSeconds: options.pollingIntervalSeconds }),
      },
      async (jobs: BossJob<JobData>[]) => Promise.all(jobs.map((job) => runOne(name, def, job))),
    );
  };

  return {
    define<T extends JobData>(name: string, handler: JobHandler<T>, jobOptions: JobDefinition) {
      addDefinition(definitions, state === 'new', name, jobOptions, (resolved) => ({
        handler: handler as JobHandler,
        options: resolved,
      }));
    },

    async send<T extends JobData>(name: string, data: T, sendOptions: SendOptions = {}) {
      const b = started(`send "${name}"`);
      definition(name);
      assertData(name, data);
      const id = randomUUID();
      return b.send(name, data, {
        id,
        singletonKey: sendOptions.singletonKey ?? `job:${id}`,
        ...defined({ startAfter: sendOptions.startAfter }),
      });
    },

    async schedule<T extends JobData>(name: string, cron: string, tz: string, data: T) {
      const b = started(`schedule "${name}"`);
      definition(name);
      assertCron(cron);
      assertTimeZone(tz);
      assertData(name, data);
      try {
        b.previewSchedule(cron, { tz, count: 1 });
      } catch (error) {
        throw new TypeError(`cron expression "${cron}" is not valid: ${errorMessage(error)}`, {
          cause: error,
        });
      }
      await b.schedule(name, cron, data, { tz, singletonKey: SCHEDULE_SINGLETON_KEY });
      schedules.set(name, { cron, tz });
    },

    async unschedule(name: string) {
      await started(`unschedule "${name}"`).unschedule(name);
      schedules.delete(name);
    },

    nextRun(name: string) {
      const schedule = schedules.get(name);
      if (!schedule || boss === null || state !== 'started') return null;
      return boss.previewSchedule(schedule.cron, { tz: schedule.tz, count: 1 })[0] ?? null;
    },

    start() {
      starting ??= (async () => {
        state = 'starting';
        const b = new PgBoss({
          ...options.connection,
          schema,
          ...defined({
            superviseIntervalSeconds: options.superviseIntervalSeconds,
            // The supervisor's pass only fails a queue's expired jobs once this is also due.
            monitorIntervalSeconds: options.superviseIntervalSeconds,
            cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds,
            cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds,
          }),
        });
        // Without a listener an 'error' event would throw out of pg-boss's timers and end the process.
        b.on('error', (error) => log('jobs.error', { level: 'error', error: errorMessage(error) }));
        b.on('warning', (warning) => log('jobs.warning', { level: 'warn', message: warning.message }));
        boss = b;
        try {
          await b.start();
          for (const [name, def] of definitions) await startQueue(b, name, def);
        } catch (error) {
          state = 'stopped';
          await b.stop({ graceful: false, close: true }).catch(() => undefined);
          throw error;
        }
        state = 'started';
        log('jobs.started', { adapter: 'pg-boss', schema, jobs: [...definitions.keys()] });
      })();
      return starting;
    },

    async stop({ graceful, timeoutMs }: StopOptions) {
      await starting?.catch(() => undefined);
      const b = boss;
      const was = state;
      state = 'stopped';
      if (was !== 'started' || b === null) return;
      await b.stop({ graceful, timeout: timeoutMs, close: true });
      log('jobs.stopped', { adapter: 'pg-boss' });
    },
  };
}
