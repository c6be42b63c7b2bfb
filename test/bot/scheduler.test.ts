/** The scheduler with an injected `schedule`: ticks are called directly, nothing waits for cron. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
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

describe('scheduler time zone', () => {
  it('reads the cron expression in UTC whatever the host zone is', () => {
    const saved = process.env.TZ;
    // Node re-reads TZ when it is assigned: the host now runs in New York time (UTC−5 in winter).
    process.env.TZ = 'America/New_York';
    const scheduler = createScheduler({ cron: '0 6 * * *', scanAndAlert: async () => {}, log: () => {} });
    try {
      scheduler.start();
      const next = scheduler.nextRun();
      assert.ok(next, 'a started scheduler knows its next run');
      assert.equal(next.getUTCHours(), 6);
      assert.equal(next.getUTCMinutes(), 0);
    } finally {
      scheduler.stop();
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('reads it in the zone it is given', () => {
    const scheduler = createScheduler({
      cron: '0 6 * * *',
      timezone: 'Asia/Kolkata',
      scanAndAlert: async () => {},
      log: () => {},
    });
    try {
      scheduler.start();
      const next = scheduler.nextRun();
      // 06:00 in India (UTC+5:30) is 00:30 UTC.
      assert.equal(next?.getUTCHours(), 0);
      assert.equal(next?.getUTCMinutes(), 30);
    } finally {
      scheduler.stop();
    }
  });
});
