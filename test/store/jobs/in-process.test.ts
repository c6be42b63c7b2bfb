/** The in-process JobQueue: the contract, node-cron in the zone given, and what a stop drops. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { retryDelaySeconds } from '../../../store/jobs/common.js';
import { createInProcessJobQueue, type CronScheduler } from '../../../store/jobs/in-process.js';
import { isRetryable, isTransientHttpStatus, RetryableError } from '../../../store/jobs/types.js';
import { definition, jobName, jobQueueContract } from './contract.js';
import { gate, sleep, waitFor } from './support.js';

/** Schedules that fire when the test says, so the contract need not wait for a minute to turn. */
function manualCron(): { cron: CronScheduler; tick: () => void; live: () => number } {
  const tasks: { fn: () => void; stopped: boolean }[] = [];
  return {
    cron: (_expression, _timezone, fn) => {
      const task = { fn, stopped: false };
      tasks.push(task);
      return { stop: () => (task.stopped = true), getNextRun: () => new Date(Date.now() + 30_000) };
    },
    tick: () => tasks.filter((t) => !t.stopped).forEach((t) => t.fn()),
    live: () => tasks.filter((t) => !t.stopped).length,
  };
}

jobQueueContract('in-process', {
  durable: false,
  create(log = () => undefined) {
    const { cron, tick } = manualCron();
    return { queue: createInProcessJobQueue({ log, cron }), tick };
  },
});

type Line = [string, Record<string, unknown> | undefined];

describe('in-process JobQueue', () => {
  it('schedules on node-cron in the zone given, not the host’s', async () => {
    const queue = createInProcessJobQueue({ log: () => undefined });
    const name = jobName('paris');
    queue.define(name, async () => undefined, definition());
    await queue.start();
    try {
      await queue.schedule(name, '0 6 * * *', 'Europe/Paris', {});
      const next = queue.nextRun(name)!;
      const parisHour = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(next);
      assert.equal(parisHour, '06:00');
      assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 25 * 3600_000);
      // A second schedule replaces the first.
      await queue.schedule(name, '30 7 * * *', 'Etc/UTC', {});
      assert.equal(queue.nextRun(name)!.toISOString().slice(11, 16), '07:30');
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
    }
    assert.equal(queue.nextRun(name), null, 'a stop ends the schedules');
  });

  it('logs a tick skipped while the scheduled run still goes', async () => {
    const lines: Line[] = [];
    const { cron, tick, live } = manualCron();
    const queue = createInProcessJobQueue({ log: (e, f) => void lines.push([e, f]), cron });
    const name = jobName('skip');
    const release = gate();
    let runs = 0;
    queue.define(
      name,
      async () => {
        runs++;
        await release.promise;
      },
      definition(),
    );
    await queue.start();
    await queue.schedule(name, '* * * * *', 'Etc/UTC', {});
    tick();
    await waitFor('the run', () => runs === 1);
    tick();
    await waitFor('the skip logged', () => lines.some(([e]) => e === 'jobs.tick_skipped'));
    release.open();
    await queue.stop({ graceful: true, timeoutMs: 5000 });
    assert.equal(runs, 1);
    assert.equal(live(), 0);
  });

  it('drops queued, delayed and retrying jobs on a stop, and says how many', async () => {
    const lines: Line[] = [];
    const queue = createInProcessJobQueue({ log: (e, f) => void lines.push([e, f]) });
    const name = jobName('drop');
    let attempts = 0;
    const release = gate();
    queue.define(
      name,
      async (job) => {
        attempts++;
        if (job.data.fail) throw new RetryableError('HTTP 502');
        await release.promise;
      },
      definition({ retryLimit: 5, retryDelaySeconds: 60 }),
    );
    await queue.start();
    await queue.send(name, { fail: true });
    await waitFor('the failed attempt', () => attempts === 1);
    await queue.send(name, { hold: true });
    await waitFor('the running one', () => attempts === 2);
    await queue.send(name, { queued: true });
    await queue.send(name, { later: true }, { startAfter: new Date(Date.now() + 60_000) });
    const stopping = queue.stop({ graceful: true, timeoutMs: 5000 });
    release.open();
    await stopping;
    const stopped = lines.find(([e]) => e === 'jobs.stopped')![1];
    assert.deepEqual(stopped, { adapter: 'in-process', dropped: 3, cut: 0 });
    await sleep(100);
    assert.equal(attempts, 2);
  });

  it('lets a handler that throws at once fail its attempt like any other', async () => {
    const queue = createInProcessJobQueue({ log: () => undefined });
    const name = jobName('sync-throw');
    let attempts = 0;
    queue.define(
      name,
      (() => {
        attempts++;
        throw new Error('not async');
      }) as unknown as () => Promise<void>,
      definition({ retryLimit: 2 }),
    );
    await queue.start();
    await queue.send(name, {}, { singletonKey: 'k' });
    await waitFor('the key freed', async () => (await queue.send(name, {}, { singletonKey: 'k' })) !== null);
    await queue.stop({ graceful: false, timeoutMs: 1000 });
    assert.equal(attempts, 1);
  });
});

describe('retry rules', () => {
  it('retries RetryableError and errors that say retryable: true, nothing else', () => {
    assert.equal(isRetryable(new RetryableError('x')), true);
    assert.equal(isRetryable(Object.assign(new Error('x'), { retryable: true })), true);
    assert.equal(isRetryable(Object.assign(new Error('x'), { retryable: false })), false);
    assert.equal(isRetryable(new Error('x')), false);
    assert.equal(isRetryable('HTTP 503'), false);
    assert.equal(isRetryable(null), false);
    const cause = new Error('socket');
    assert.equal(new RetryableError('x', { cause }).cause, cause);
  });

  it('calls 429 and 5xx transient, and nothing else', () => {
    assert.deepEqual(
      [200, 400, 401, 403, 404, 408, 429, 500, 502, 503, 599, 600].map(isTransientHttpStatus),
      [false, false, false, false, false, false, true, true, true, true, true, false],
    );
  });

  it('spaces retries as pg-boss does', () => {
    const fixed = definition({ retryDelaySeconds: 5 });
    assert.equal(retryDelaySeconds(fixed, 3), 5);
    const backoff = definition({ retryDelaySeconds: 2, retryBackoff: true });
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => retryDelaySeconds(backoff, n, () => 0)),
      [2, 4, 8, 16],
    );
    assert.equal(
      retryDelaySeconds(backoff, 1, () => 0.5),
      3,
    );
    // Backoff from a zero delay still waits: pg-boss reads it as one second.
    assert.equal(
      retryDelaySeconds(definition({ retryBackoff: true }), 1, () => 0),
      1,
    );
  });
});
