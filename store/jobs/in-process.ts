/**
 * The JobQueue for the embedded store: one process, jobs held in memory, schedules on node-cron
 * (read in the zone given, never the host's), retries on timers. It keeps the pg-boss adapter's
 * rules — singleton keys held while a job is queued, running or waiting to retry; an attempt past
 * `expireInSeconds` failed and retried while it keeps its concurrency slot until it returns; the
 * same retry spacing — so code written against one runs unchanged on the other.
 *
 * Nothing here is durable: jobs queued, delayed or waiting to retry when the process stops are
 * dropped (and logged), as the bot's own scheduler always did. A handler starts on a later turn of
 * the event loop than the `send` that queued it, as it would from a database.
 */
import { randomUUID } from 'node:crypto';
import cron from 'node-cron';
import {
  addDefinition,
  assertCron,
  assertData,
  assertTimeZone,
  definitionOf,
  errorMessage,
  logJobFailed,
  retryDelaySeconds,
  type ResolvedDefinition,
} from './common.js';
import {
  isRetryable,
  RetryableError,
  SCHEDULE_SINGLETON_KEY,
  type JobData,
  type JobDefinition,
  type JobHandler,
  type JobLog,
  type JobQueue,
  type SendOptions,
  type StopOptions,
} from './types.js';

export interface CronTask {
  stop(): unknown;
  getNextRun?: () => Date | null;
}

/** Starts `fn` on `expression` read in `timezone`; node-cron unless replaced (tests). */
export type CronScheduler = (expression: string, timezone: string, fn: () => void) => CronTask;

export interface InProcessJobQueueDeps {
  log: JobLog;
  cron?: CronScheduler;
  /** Jitter of backoff delays, [0, 1). */
  random?: () => number;
}

interface Definition {
  name: string;
  handler: JobHandler;
  options: ResolvedDefinition;
  ready: Entry[];
  running: number;
}

interface Entry {
  id: string;
  name: string;
  /** JSON text: every attempt gets its own copy, as from a database. */
  data: string;
  key: string | null;
  attempt: number;
}

interface Attempt {
  /** Settled once the handler has returned or thrown, whether or not it still owned the job. */
  finished: Promise<void>;
  /** Gives the job up: it is failed (and maybe retried) without waiting for the handler. */
  abandon(reason: Error): void;
}

const nodeCron: CronScheduler = (expression, timezone, fn) => cron.schedule(expression, fn, { timezone });

export function createInProcessJobQueue(deps: InProcessJobQueueDeps): JobQueue {
  const { log } = deps;
  const random = deps.random ?? Math.random;
  const schedule = deps.cron ?? nodeCron;
  const definitions = new Map<string, Definition>();
  /** `name\0key` → the job holding that key. */
  const held = new Map<string, Entry>();
  /** Delayed sends and retries waiting for their time, so a stop can drop them. */
  const waiting = new Map<NodeJS.Timeout, Entry>();
  const attempts = new Set<Attempt>();
  const tasks = new Map<string, CronTask>();
  let state: 'new' | 'started' | 'stopped' = 'new';

  const heldKey = (name: string, key: string) => `${name}\0${key}`;
  const release = (entry: Entry) => {
    if (entry.key !== null && held.get(heldKey(entry.name, entry.key)) === entry) {
      held.delete(heldKey(entry.name, entry.key));
    }
  };

  const definition = (name: string): Definition => definitionOf(definitions, name);

  const requireStarted = (what: string) => {
    if (state !== 'started') {
      throw new Error(`${what}: the job queue is ${state === 'new' ? 'not started yet' : 'stopped'}`);
    }
  };

  const enqueueAt = (entry: Entry, at: number) => {
    const delay = at - Date.now();
    if (delay <= 0) {
      definition(entry.name).ready.push(entry);
      setImmediate(() => pump(entry.name));
      return;
    }
    const timer = setTimeout(() => {
      waiting.delete(timer);
      enqueueAt(entry, 0);
    }, delay);
    waiting.set(timer, entry);
  };

  const fail = (def: Definition, entry: Entry, error: unknown) => {
    const retryable = isRetryable(error);
    const willRetry = retryable && entry.attempt <= def.options.retryLimit && state === 'started';
    logJobFailed(log, entry, error, retryable, willRetry);
    if (willRetry)
      enqueueAt(entry, Date.now() + retryDelaySeconds(def.options, entry.attempt, random) * 1000);
    else release(entry);
  };

  const run = (def: Definition, entry: Entry) => {
    entry.attempt++;
    def.running++;
    const controller = new AbortController();
    // Whoever settles the job first — the handler, its expiry, a stop — decides; the others find it taken.
    let owned = true;
    const settle = (outcome: () => void) => {
      if (!owned) return;
      owned = false;
      outcome();
    };
    const abandon = (reason: Error) =>
      settle(() => {
        controller.abort(reason);
        fail(def, entry, reason);
      });
    const expiry = setTimeout(
      () => abandon(new RetryableError(`job timed out after ${def.options.expireInSeconds}s`)),
      def.options.expireInSeconds * 1000,
    );
    const finish = async () => {
      try {
        await def.handler({
          id: entry.id,
          name: entry.name,
          data: JSON.parse(entry.data) as JobData,
          attempt: entry.attempt,
          signal: controller.signal,
        });
        settle(() => release(entry));
      } catch (error) {
        settle(() => fail(def, entry, error));
      } finally {
        clearTimeout(expiry);
        // The slot is held until the handler returns, even past its expiry: the concurrency
        // limit bounds what actually runs.
        def.running--;
        attempts.delete(attempt);
        pump(def.name);
      }
    };
    const attempt: Attempt = { abandon, finished: Promise.resolve() };
    attempts.add(attempt);
    attempt.finished = finish();
  };

  const pump = (name: string) => {
    const def = definitions.get(name);
    if (!def || state !== 'started') return;
    while (def.running < def.options.concurrency && def.ready.length > 0) run(def, def.ready.shift()!);
  };

  const send = async <T extends JobData>(name: string, data: T, options: SendOptions = {}) => {
    requireStarted(`send "${name}"`);
    definition(name);
    assertData(name, data);
    const key = options.singletonKey ?? null;
    if (key !== null && held.has(heldKey(name, key))) return null;
    const entry: Entry = { id: randomUUID(), name, data: JSON.stringify(data), key, attempt: 0 };
    if (key !== null) held.set(heldKey(name, key), entry);
    enqueueAt(entry, options.startAfter?.getTime() ?? 0);
    return entry.id;
  };

  const unschedule = async (name: string) => {
    const task = tasks.get(name);
    if (!task) return;
    tasks.delete(name);
    await task.stop();
  };

  return {
    define<T extends JobData>(name: string, handler: JobHandler<T>, options: JobDefinition) {
      addDefinition(definitions, state === 'new', name, options, (resolved) => ({
        name,
        handler: handler as JobHandler,
        options: resolved,
        ready: [],
        running: 0,
      }));
    },

    send,

    async schedule<T extends JobData>(name: string, expression: string, tz: string, data: T) {
      requireStarted(`schedule "${name}"`);
      definition(name);
      assertCron(expression);
      if (!cron.validate(expression)) throw new TypeError(`cron expression "${expression}" is not valid`);
      assertTimeZone(tz);
      assertData(name, data);
      const task = schedule(expression, tz, () => {
        send(name, data, { singletonKey: SCHEDULE_SINGLETON_KEY }).then(
          (id) => {
            if (id === null) {
              log('jobs.tick_skipped', { level: 'warn', job: name, why: 'the previous run is still going' });
            }
          },
          (error: unknown) =>
            log('jobs.tick_failed', { level: 'error', job: name, error: errorMessage(error) }),
        );
      });
      await unschedule(name);
      tasks.set(name, task);
    },

    unschedule,

    nextRun: (name) => tasks.get(name)?.getNextRun?.() ?? null,

    async start() {
      if (state !== 'new') return;
      state = 'started';
      log('jobs.started', { adapter: 'in-process', jobs: [...definitions.keys()] });
      for (const name of definitions.keys()) pump(name);
    },

    async stop({ graceful, timeoutMs }: StopOptions) {
      if (state !== 'started') {
        state = 'stopped';
        return;
      }
      state = 'stopped';
      await Promise.all([...tasks.keys()].map(unschedule));
      const dropped = [...waiting.values(), ...[...definitions.values()].flatMap((def) => def.ready)];
      for (const timer of waiting.keys()) clearTimeout(timer);
      waiting.clear();
      for (const def of definitions.values()) def.ready = [];
      for (const entry of dropped) release(entry);
      if (graceful && attempts.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all([...attempts].map((a) => a.finished)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
      }
      const cut = attempts.size;
      for (const attempt of attempts)
        attempt.abandon(new RetryableError('the job queue stopped while it ran'));
      log('jobs.stopped', { adapter: 'in-process', dropped: dropped.length, cut });
    },
  };
}
