/** The scheduler with an injected `schedule`: ticks are called directly, nothing waits for cron. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScheduler } from '../../bot/scheduler.js';

function harness(scanAndAlert: () => Promise<void>) {
  const logs: { event: string; fields: Record<string, unknown> }[] = [];
  let ticker: (() => unknown) | null = null;
  let stopped = 0;
  const scheduler = createScheduler({
    cron: '*/5 * * * *',
    scanAndAlert,
    log: (event, fields = {}) => void logs.push({ event, fields }),
    schedule: (expression, fn) => {
      assert.equal(expression, '*/5 * * * *');
      ticker = fn;
      return { stop: () => void stopped++ };
    },
  });
  scheduler.start();
  const tick = () => ticker?.() as Promise<string>;
  return { scheduler, logs, tick, stopped: () => stopped, hasTicker: () => ticker !== null };
}

describe('scheduler', () => {
  it('never overlaps: a tick while a run is going is skipped and logged', async () => {
    let release!: () => void;
    let runs = 0;
    const h = harness(() => {
      runs++;
      return new Promise<void>((r) => (release = r));
    });
    const first = h.tick();
    assert.equal(h.scheduler.running(), true);
    assert.equal(await h.tick(), 'skipped');
    assert.equal(await h.scheduler.runNow(), 'skipped');
    assert.equal(runs, 1);
    assert.ok(h.logs.some((l) => l.event === 'scheduler.skipped'));
    release();
    assert.equal(await first, 'ran');
    assert.equal(h.scheduler.running(), false);
  });

  it('runNow runs at once', async () => {
    let runs = 0;
    const h = harness(async () => void runs++);
    assert.equal(await h.scheduler.runNow(), 'ran');
    assert.equal(runs, 1);
    assert.ok(h.logs.some((l) => l.event === 'scheduler.run_finished' && l.fields.reason === 'forced'));
  });

  it('a failing run is logged and the next tick still runs', async () => {
    let runs = 0;
    const h = harness(async () => {
      runs++;
      if (runs === 1) throw new Error('source unavailable');
    });
    assert.equal(await h.tick(), 'failed');
    const failed = h.logs.find((l) => l.event === 'scheduler.run_failed');
    assert.equal(failed?.fields.error, 'source unavailable');
    assert.equal(await h.tick(), 'ran');
    assert.equal(runs, 2);
  });

  it('a synchronous throw is a failed run too', async () => {
    const h = harness(() => {
      throw new Error('boom');
    });
    assert.equal(await h.scheduler.runNow(), 'failed');
    assert.equal(h.scheduler.running(), false);
  });

  it('stop stops the cron task once', () => {
    const h = harness(async () => {});
    assert.ok(h.hasTicker());
    h.scheduler.stop();
    h.scheduler.stop();
    assert.equal(h.stopped(), 1);
  });

  it('with the real node-cron: start and stop without waiting for a tick', () => {
    const scheduler = createScheduler({ cron: '0 6 * * *', scanAndAlert: async () => {}, log: () => {} });
    scheduler.start();
    scheduler.stop();
  });
});
