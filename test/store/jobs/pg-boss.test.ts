/**
 * The pg-boss JobQueue: the contract, and what only a shared database shows — replicas that share
 * a schedule, compete for jobs, and die mid-job (SIGKILL) leaving the job for another replica.
 * One database per run of this file (on CERTIFY_TEST_DATABASE_URL's server, default the local one), dropped at the end.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PgBoss } from 'pg-boss';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { createPgBossJobQueue, DEFAULT_JOBS_SCHEMA } from '../../../store/jobs/pg-boss.js';
import {
  SCHEDULE_SINGLETON_KEY,
  type Job,
  type JobDefinition,
  type JobLog,
  type JobQueue,
} from '../../../store/jobs/types.js';
import { definition, jobName, jobQueueContract } from './contract.js';
import { createTestDatabase, gate, sleep, waitFor, type TestDatabase } from './support.js';
import { captureChildOutput } from '../../support/child-log.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

/** Fast enough for tests: pg-boss's floor for polling is 0.5 s, for its passes 1 s. */
const replica = (log: JobLog = () => undefined, schema?: string): JobQueue =>
  createPgBossJobQueue({
    connection: { connectionString: db.url, max: 4 },
    log,
    ...(schema ? { schema } : {}),
    pollingIntervalSeconds: 0.5,
    superviseIntervalSeconds: 1,
    cronMonitorIntervalSeconds: 1,
    cronWorkerIntervalSeconds: 1,
  });

jobQueueContract('pg-boss', {
  durable: true,
  // A `* * * * *` schedule is due at once: the next cron pass (every second here) fires it.
  create: (log) => ({ queue: replica(log), tick: () => undefined }),
});

describe('pg-boss JobQueue across replicas', () => {
  const open: JobQueue[] = [];
  const children: ChildProcess[] = [];
  const make = (log?: JobLog) => {
    const queue = replica(log);
    open.push(queue);
    return queue;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(
      open.splice(0).map((q) => q.stop({ graceful: false, timeoutMs: 1000 }).catch(() => undefined)),
    );
  });

  /** A schedule's occurrences are filed per UTC minute: keep a test's window inside one. */
  const withinOneMinute = async (seconds: number) => {
    const into = (Date.now() % 60_000) / 1000;
    if (into > 60 - seconds) await sleep((60 - into) * 1000 + 300);
  };

  it('keeps its tables in a schema of its own', async () => {
    const queue = make();
    queue.define(jobName('schema'), async () => undefined, definition());
    await queue.start();
    const schemas = await db.query<{ schema: string }>(
      `SELECT DISTINCT table_schema AS schema FROM information_schema.tables WHERE table_name = 'job'`,
    );
    assert.deepEqual(
      schemas.map((s) => s.schema),
      [DEFAULT_JOBS_SCHEMA],
    );
  });

  it('runs one tick of a schedule set by two replicas once; a tick or run-now while it runs adds nothing', async () => {
    await withinOneMinute(12);
    const name = jobName('replicated-schedule');
    const runs: { replica: string; job: Job }[] = [];
    const release = gate();
    const replicas = ['a', 'b'].map((label) => {
      const queue = make();
      queue.define(
        name,
        async (job) => {
          runs.push({ replica: label, job });
          await release.promise;
        },
        definition({ retryLimit: 1 }),
      );
      return queue;
    });
    await Promise.all(replicas.map((q) => q.start()));
    // Every replica sets the schedule at start, as the bot does.
    for (const queue of replicas) await queue.schedule(name, '* * * * *', 'Etc/UTC', { reason: 'scheduled' });
    await waitFor('the scheduled run', () => runs.length === 1);
    await sleep(2500);
    assert.equal(runs.length, 1, 'a second run while the first goes');
    for (const queue of replicas) {
      assert.equal(
        await queue.send(name, { reason: 'forced' }, { singletonKey: SCHEDULE_SINGLETON_KEY }),
        null,
      );
    }
    release.open();
    // Cron passes go on every second on both replicas: the minute's tick is spent.
    await sleep(2500);
    assert.equal(runs.length, 1, `ran ${runs.length} times`);
    assert.deepEqual(runs[0]!.job.data, { reason: 'scheduled' });
    for (const queue of replicas) await queue.unschedule(name);
  });

  it('runs each job once when replicas compete for them', async () => {
    const name = jobName('compete');
    const runs = new Map<string, string[]>();
    const replicas = ['a', 'b', 'c'].map((label) => {
      const queue = make();
      queue.define(
        name,
        async (job) => {
          runs.set(job.id, [...(runs.get(job.id) ?? []), label]);
          await sleep(50);
        },
        definition({ concurrency: 2 }),
      );
      return queue;
    });
    await Promise.all(replicas.map((q) => q.start()));
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.send(name, { i })));
    await waitFor('every job', () => runs.size === 30);
    await sleep(1500);
    assert.deepEqual([...runs.keys()].sort(), [...ids].sort());
    for (const [id, by] of runs) assert.equal(by.length, 1, `${id} ran on ${by.join(', ')}`);
  });

  /** Starts a replica in its own process that takes the job and hangs; resolves once it works on it. */
  const doomedReplica = async (name: string, def: JobDefinition) => {
    const child = captureChildOutput(
      spawn(
        process.execPath,
        ['--import', 'tsx', join(HERE, 'fixtures', 'hang-worker.ts'), db.url, name, JSON.stringify(def)],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      ),
      'hang-worker',
    );
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    const started = await new Promise<{ started: string; attempt: number; pid: number }>(
      (resolve, reject) => {
        lines.once('line', (line) =>
          resolve(JSON.parse(line) as { started: string; attempt: number; pid: number }),
        );
        child.once('exit', (code) =>
          reject(new Error(`the doomed replica exited (${code}) before taking the job`)),
        );
      },
    );
    return { child, ...started };
  };

  const killed = (child: ChildProcess) =>
    new Promise<NodeJS.Signals | null>((resolve) => {
      child.once('exit', (_code, signal) => resolve(signal));
      child.kill('SIGKILL');
    });

  /** The killed replica's job, run again by a survivor: resolves with the survivor's runs. */
  const recovered = async (bound: string, def: JobDefinition, within: number) => {
    const name = jobName('killed');
    const { child, started, attempt } = await doomedReplica(name, def);
    assert.equal(attempt, 1);
    assert.equal(await killed(child), 'SIGKILL');
    const t0 = Date.now();
    const runs: Job[] = [];
    const survivor = make();
    survivor.define(name, async (job) => void runs.push(job), def);
    await survivor.start();
    await waitFor(`the retry after ${bound}`, () => runs.length === 1, within);
    const waited = Date.now() - t0;
    await sleep(1500);
    assert.equal(runs.length, 1, `${bound}: ran ${runs.length} times on the survivor`);
    assert.equal(runs[0]!.id, started);
    assert.equal(runs[0]!.attempt, 2);
    assert.deepEqual(runs[0]!.data, { from: 'doomed replica' });
    const [row] = await db.query<{ state: string; retry_count: number }>(
      `SELECT state, retry_count FROM ${DEFAULT_JOBS_SCHEMA}.job WHERE id = $1`,
      [started],
    );
    assert.deepEqual(row, { state: 'completed', retry_count: 1 });
    console.log(`the killed replica's job ran again ${waited} ms after the kill (${bound})`);
  };

  it('retries the job of a replica killed mid-job (SIGKILL) on another, after its expiry or a missed heartbeat, and completes it once', async () => {
    await Promise.all([
      recovered('its expiry', definition({ retryLimit: 1, expireInSeconds: 3 }), 10_000),
      recovered(
        'a missed heartbeat',
        definition({ retryLimit: 1, expireInSeconds: 600, heartbeatSeconds: 10 }),
        20_000,
      ),
    ]);
  });

  it('refuses to start on a queue made with another policy, where singleton keys would not hold', async () => {
    const name = jobName('wrong-policy');
    const boss = new PgBoss({
      connectionString: db.url,
      schema: DEFAULT_JOBS_SCHEMA,
      supervise: false,
      schedule: false,
    });
    boss.on('error', () => undefined);
    await boss.start();
    await boss.createQueue(name, { policy: 'standard' });
    await boss.stop({ graceful: false });
    const lines: string[] = [];
    const queue = make((event) => void lines.push(event));
    queue.define(name, async () => undefined, definition());
    await assert.rejects(queue.start(), /policy "standard", not "exclusive"/);
    await assert.rejects(queue.send(name, {}), /stopped/);
    assert.equal(lines.includes('jobs.started'), false);
  });

  it('takes another schema when told', async () => {
    const queue = createPgBossJobQueue({
      connection: { connectionString: db.url },
      log: () => undefined,
      schema: 'certify_jobs_other',
    });
    open.push(queue);
    const name = jobName('other-schema');
    const done = gate();
    queue.define(name, async () => done.open(), definition());
    await queue.start();
    await queue.send(name, {});
    await done.promise;
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM certify_jobs_other.job WHERE name = $1`,
      [name],
    );
    assert.equal(row!.n, 1);
  });
});
