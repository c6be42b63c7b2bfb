/**
 * The JobQueue contract, run against every adapter (in-process.test.ts, pg-boss.test.ts): what
 * the bot may rely on whichever store it runs on. Real time throughout, kept short: retry delays of
 * a second, expiries of one or two.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'vitest';
import {
  RetryableError,
  SCHEDULE_SINGLETON_KEY,
  type Job,
  type JobData,
  type JobDefinition,
  type JobLog,
  type JobQueue,
} from '../../../store/jobs/types.js';
import { gate, sleep, waitFor } from './support.js';

export interface ContractHarness {
  /** A new queue; every queue of one harness shares its store (one database). */
  create(log?: JobLog): { queue: JobQueue; tick: () => void };
  /** Jobs outlive a stopped queue, and another queue on the same store runs them. */
  durable: boolean;
}

export const definition = (overrides: Partial<JobDefinition> = {}): JobDefinition => ({
  retryLimit: 0,
  retryDelaySeconds: 0,
  retryBackoff: false,
  expireInSeconds: 30,
  ...overrides,
});

let serial = 0;
/** Job names differ per test: queues of one file share a database. */
export const jobName = (what: string) => `${what}-${process.pid}-${++serial}`;

const quietStop = (queue: JobQueue) =>
  queue.stop({ graceful: false, timeoutMs: 1000 }).catch(() => undefined);

export function jobQueueContract(label: string, harness: ContractHarness): void {
  describe(`JobQueue contract: ${label}`, () => {
    const open: JobQueue[] = [];
    const make = (log?: JobLog) => {
      const made = harness.create(log);
      open.push(made.queue);
      return made;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map(quietStop));
    });

    it('runs a job once, with its id, its data as JSON and attempt 1', async () => {
      const { queue } = make();
      const name = jobName('once');
      const runs: Job[] = [];
      let abortedWhileRunning: boolean | null = null;
      queue.define(
        name,
        async (job) => {
          runs.push(job);
          abortedWhileRunning = job.signal.aborted;
        },
        definition(),
      );
      await queue.start();
      const at = new Date('2026-07-01T00:00:00Z');
      const id = await queue.send(name, { n: 1, at, nested: { list: [1, 'two'] } });
      assert.equal(typeof id, 'string');
      await waitFor('the run', () => runs.length === 1);
      await sleep(1200);
      assert.equal(runs.length, 1, 'ran once');
      const [run] = runs;
      assert.equal(run!.id, id);
      assert.equal(run!.name, name);
      assert.equal(run!.attempt, 1);
      assert.deepEqual(run!.data, { n: 1, at: at.toISOString(), nested: { list: [1, 'two'] } });
      assert.equal(abortedWhileRunning, false);
    });

    it('retries a retryable error up to retryLimit, then fails the job for good (its key is free again)', async () => {
      const { queue } = make();
      const name = jobName('retry-limit');
      const attempts: number[] = [];
      queue.define(
        name,
        async (job) => {
          attempts.push(job.attempt);
          throw new RetryableError('HTTP 503');
        },
        definition({ retryLimit: 2 }),
      );
      await queue.start();
      assert.ok(await queue.send(name, {}, { singletonKey: 'k' }));
      await waitFor('three attempts', () => attempts.length === 3);
      await sleep(1000);
      assert.deepEqual(attempts, [1, 2, 3]);
      await waitFor(
        'the key freed',
        async () => (await queue.send(name, { again: true }, { singletonKey: 'k' })) !== null,
      );
    });

    it('spaces retries with exponential backoff from retryDelaySeconds', async () => {
      const { queue } = make();
      const name = jobName('backoff');
      const times: number[] = [];
      queue.define(
        name,
        async () => {
          times.push(Date.now());
          throw new RetryableError('HTTP 429');
        },
        definition({ retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true }),
      );
      await queue.start();
      await queue.send(name, {});
      await waitFor('three attempts', () => times.length === 3, 20_000);
      const [first, second] = [times[1]! - times[0]!, times[2]! - times[1]!];
      // Attempt n waits 1 s × 2^(n−1) × (1 + jitter), jitter in [0, 1); plus up to a polling interval.
      assert.ok(first >= 950 && first < 3200, `first retry after ${first} ms`);
      assert.ok(second >= 1950 && second < 5200, `second retry after ${second} ms`);
    });

    it('fails a plain error (or retryable: false) at once, whatever retries remain', async () => {
      const { queue } = make();
      const plain = jobName('plain');
      const notRetryable = jobName('not-retryable');
      const attempts = { [plain]: 0, [notRetryable]: 0 };
      queue.define(
        plain,
        async () => {
          attempts[plain]!++;
          throw new Error('HTTP 400: invalid_blocks');
        },
        definition({ retryLimit: 3 }),
      );
      queue.define(
        notRetryable,
        async () => {
          attempts[notRetryable]!++;
          throw Object.assign(new Error('HTTP 403'), { retryable: false });
        },
        definition({ retryLimit: 3 }),
      );
      await queue.start();
      await queue.send(plain, {}, { singletonKey: 'k' });
      await queue.send(notRetryable, {});
      await waitFor('both attempts', () => attempts[plain] === 1 && attempts[notRetryable] === 1);
      await sleep(1000);
      assert.deepEqual(attempts, { [plain]: 1, [notRetryable]: 1 });
      assert.ok(await queue.send(plain, {}, { singletonKey: 'k' }), 'the key is free once the job failed');
    });

    it('retries an error that says retryable: true (an SDK error type)', async () => {
      const { queue } = make();
      const name = jobName('sdk-retryable');
      const attempts: number[] = [];
      queue.define(
        name,
        async (job) => {
          attempts.push(job.attempt);
          if (job.attempt === 1) throw Object.assign(new Error('socket hang up'), { retryable: true });
        },
        definition({ retryLimit: 1 }),
      );
      await queue.start();
      await queue.send(name, {});
      await waitFor('the retry', () => attempts.length === 2);
      assert.deepEqual(attempts, [1, 2]);
    });

    it('logs every failed attempt, and whether it will be retried', async () => {
      const lines: [string, Record<string, unknown> | undefined][] = [];
      const { queue } = make((event, fields) => void lines.push([event, fields]));
      const name = jobName('log');
      queue.define(
        name,
        async (job) => {
          throw job.attempt === 1 ? new RetryableError('HTTP 500') : new Error('HTTP 404');
        },
        definition({ retryLimit: 2 }),
      );
      await queue.start();
      const id = await queue.send(name, {});
      const failed = () => lines.filter(([e]) => e === 'jobs.job_failed').map(([, f]) => f);
      await waitFor('two failures', () => failed().length === 2);
      assert.deepEqual(failed(), [
        { level: 'warn', job: name, id, attempt: 1, retryable: true, willRetry: true, error: 'HTTP 500' },
        { level: 'error', job: name, id, attempt: 2, retryable: false, willRetry: false, error: 'HTTP 404' },
      ]);
      assert.ok(lines.some(([e]) => e === 'jobs.started'));
    });

    it('holds a singleton key while its job is queued or running, and frees it when done', async () => {
      const { queue } = make();
      const name = jobName('singleton');
      const running = gate();
      const release = gate();
      const runs: JobData[] = [];
      queue.define(
        name,
        async (job) => {
          runs.push(job.data);
          running.open();
          await release.promise;
        },
        definition(),
      );
      await queue.start();
      // Queued: not due for a minute.
      const later = await queue.send(
        name,
        { when: 'later' },
        { singletonKey: 'later', startAfter: new Date(Date.now() + 60_000) },
      );
      assert.ok(later);
      assert.equal(await queue.send(name, { when: 'later again' }, { singletonKey: 'later' }), null);
      // Running.
      const first = await queue.send(name, { n: 1 }, { singletonKey: 'scan' });
      assert.ok(first);
      await running.promise;
      assert.equal(await queue.send(name, { n: 2 }, { singletonKey: 'scan' }), null);
      // Another key, or none, is not held back.
      assert.ok(await queue.send(name, { n: 3 }, { singletonKey: 'other' }));
      const a = await queue.send(name, { n: 4 });
      const b = await queue.send(name, { n: 4 });
      assert.ok(a && b && a !== b);
      release.open();
      await waitFor(
        'the key freed',
        async () => (await queue.send(name, { n: 5 }, { singletonKey: 'scan' })) !== null,
      );
      await waitFor('every run', () => runs.length === 5);
      assert.deepEqual(runs.map((d) => d.n).sort(), [1, 3, 4, 4, 5]);
    });

    it('starts a job no earlier than startAfter', async () => {
      const { queue } = make();
      const name = jobName('start-after');
      let ranAt = 0;
      queue.define(name, async () => void (ranAt = Date.now()), definition());
      await queue.start();
      const due = Date.now() + 1500;
      await queue.send(name, {}, { startAfter: new Date(due) });
      await waitFor('the run', () => ranAt > 0);
      assert.ok(ranAt >= due - 50, `ran ${due - ranAt} ms early`);
    });

    it('fails an attempt past expireInSeconds, aborts its signal, and retries it', async () => {
      const lines: [string, Record<string, unknown> | undefined][] = [];
      const { queue } = make((event, fields) => void lines.push([event, fields]));
      const name = jobName('expire');
      const attempts: { attempt: number; aborted: boolean }[] = [];
      queue.define(
        name,
        async (job) => {
          const record = { attempt: job.attempt, aborted: false };
          attempts.push(record);
          if (job.attempt > 1) return;
          await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
          record.aborted = true;
        },
        definition({ retryLimit: 1, expireInSeconds: 1 }),
      );
      await queue.start();
      const id = await queue.send(name, {});
      await waitFor('the retry after expiry', () => attempts.length === 2);
      assert.deepEqual(attempts, [
        { attempt: 1, aborted: true },
        { attempt: 2, aborted: false },
      ]);
      const failed = lines
        .filter(([e]) => e === 'jobs.job_failed')
        .map(([, f]) => ({ ...f, error: undefined }));
      assert.deepEqual(failed, [
        { level: 'warn', job: name, id, attempt: 1, retryable: true, willRetry: true, error: undefined },
      ]);
    });

    it('runs up to `concurrency` attempts of a job at once', async () => {
      const { queue } = make();
      const name = jobName('concurrency');
      let running = 0;
      let most = 0;
      let done = 0;
      queue.define(
        name,
        async () => {
          most = Math.max(most, ++running);
          await sleep(700);
          running--;
          done++;
        },
        definition({ concurrency: 2 }),
      );
      await queue.start();
      for (let i = 0; i < 4; i++) await queue.send(name, { i });
      await waitFor('every run', () => done === 4);
      assert.equal(most, 2);
    });

    it('fires a schedule with its data, under the schedule singleton key', async () => {
      const { queue, tick } = make();
      const name = jobName('schedule');
      const runs: JobData[] = [];
      const release = gate();
      queue.define(
        name,
        async (job) => {
          runs.push(job.data);
          await release.promise;
        },
        definition(),
      );
      await queue.start();
      await queue.schedule(name, '* * * * *', 'Europe/Paris', { reason: 'scheduled' });
      const next = queue.nextRun(name);
      assert.ok(next instanceof Date);
      assert.ok(
        next.getTime() > Date.now() - 1000 && next.getTime() <= Date.now() + 61_000,
        next.toISOString(),
      );
      tick();
      await waitFor('the scheduled run', () => runs.length === 1);
      // While it runs, a tick or a "run it now" under the same key adds nothing.
      tick();
      assert.equal(
        await queue.send(name, { reason: 'forced' }, { singletonKey: SCHEDULE_SINGLETON_KEY }),
        null,
      );
      await sleep(1200);
      assert.deepEqual(runs, [{ reason: 'scheduled' }]);
      await queue.unschedule(name);
      assert.equal(queue.nextRun(name), null);
      release.open();
    });

    it('refuses cron expressions and time zones it cannot read', async () => {
      const { queue } = make();
      const name = jobName('bad-cron');
      queue.define(name, async () => undefined, definition());
      await queue.start();
      for (const [cron, tz] of [
        ['61 * * * *', 'Etc/UTC'],
        ['*/10 * * * * *', 'Etc/UTC'],
        ['FREQ=DAILY', 'Etc/UTC'],
        ['0 6 * * *', 'Mars/Olympus_Mons'],
      ] as const) {
        await assert.rejects(queue.schedule(name, cron, tz, {}), TypeError, `${cron} in ${tz}`);
      }
      assert.equal(queue.nextRun(name), null);
    });

    it('waits for a running job on a graceful stop', async () => {
      const { queue } = make();
      const name = jobName('graceful');
      let started = false;
      let finished = false;
      const handler = async () => {
        started = true;
        await sleep(1200);
        finished = true;
      };
      queue.define(name, handler, definition({ retryLimit: 1 }));
      await queue.start();
      await queue.send(name, {});
      await waitFor('the run', () => started);
      await queue.stop({ graceful: true, timeoutMs: 10_000 });
      assert.equal(finished, true, 'stop resolved before the job finished');
      await assert.rejects(queue.send(name, {}), /stopped/);
      if (harness.durable) {
        // Completed, not left for another replica to run again.
        const { queue: next } = make();
        let reruns = 0;
        next.define(name, async () => void reruns++, definition({ retryLimit: 1 }));
        await next.start();
        await sleep(1500);
        assert.equal(reruns, 0);
      }
    });

    it('cuts a job off when a graceful stop times out, aborting its signal', async () => {
      const { queue } = make();
      const name = jobName('stop-timeout');
      let signal: AbortSignal | null = null;
      queue.define(
        name,
        async (job) => {
          signal = job.signal;
          await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
        },
        definition({ retryLimit: 1 }),
      );
      await queue.start();
      const id = await queue.send(name, {});
      await waitFor('the run', () => signal !== null);
      const t0 = Date.now();
      await queue.stop({ graceful: true, timeoutMs: 1000 });
      const took = Date.now() - t0;
      assert.ok(took >= 900 && took < 5000, `stop took ${took} ms`);
      assert.equal(signal!.aborted, true);
      if (harness.durable) {
        // Failed as retryable: another replica runs it again.
        const { queue: next } = make();
        const reruns: Job[] = [];
        next.define(name, async (job) => void reruns.push(job), definition({ retryLimit: 1 }));
        await next.start();
        await waitFor('the rerun', () => reruns.length === 1);
        assert.equal(reruns[0]!.id, id);
        assert.equal(reruns[0]!.attempt, 2);
      }
    });

    it('stops at once when not graceful, aborting a running job', async () => {
      const { queue } = make();
      const name = jobName('stop-now');
      let signal: AbortSignal | null = null;
      queue.define(
        name,
        async (job) => {
          signal = job.signal;
          await sleep(10_000);
        },
        definition(),
      );
      await queue.start();
      await queue.send(name, {});
      await waitFor('the run', () => signal !== null);
      const t0 = Date.now();
      await queue.stop({ graceful: false, timeoutMs: 10_000 });
      assert.ok(Date.now() - t0 < 3000, `stop took ${Date.now() - t0} ms`);
      assert.equal(signal!.aborted, true);
      await queue.stop({ graceful: false, timeoutMs: 10_000 });
    });

    it('refuses what is out of order or malformed', async () => {
      const { queue } = make();
      const name = jobName('refusals');
      assert.throws(() => queue.define('no spaces', async () => undefined, definition()), /job name/);
      for (const bad of [
        { expireInSeconds: 0 },
        { expireInSeconds: 24 * 3600 + 1 },
        { retryDelaySeconds: 1.5 },
        { retryLimit: -1 },
        { concurrency: 0 },
        { heartbeatSeconds: 5 },
        { retryBackoff: 'yes' as unknown as boolean },
      ]) {
        assert.throws(() => queue.define(jobName('bad'), async () => undefined, definition(bad)), TypeError);
      }
      queue.define(name, async () => undefined, definition());
      assert.throws(() => queue.define(name, async () => undefined, definition()), /defined twice/);
      await assert.rejects(queue.send(name, {}), /not started/);
      await assert.rejects(queue.schedule(name, '0 6 * * *', 'Etc/UTC', {}), /not started/);
      await queue.start();
      await queue.start();
      assert.throws(() => queue.define(jobName('late'), async () => undefined, definition()), /before start/);
      await assert.rejects(queue.send('never-defined', {}), /not defined/);
      await assert.rejects(queue.schedule('never-defined', '0 6 * * *', 'Etc/UTC', {}), /not defined/);
      await assert.rejects(queue.send(name, [] as unknown as JobData), /JSON object/);
      assert.equal(queue.nextRun(name), null);
    });
  });
}
