import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createShutdown, type ShutdownDeps } from '../../bot/shutdown.js';
import type { StopOptions } from '../../store/jobs/types.js';

/** Fakes that record the order of calls; each step can be held open by a test. */
function fakes(options: { serverHangs?: boolean; auditFails?: boolean } = {}) {
  const calls: string[] = [];
  const exits: number[] = [];
  const logs: { event: string; fields: Record<string, unknown> }[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  let releaseServer = () => {};
  const deps: ShutdownDeps = {
    server: {
      close: (graceMs) => {
        calls.push(`server.close ${graceMs}`);
        return options.serverHangs
          ? new Promise<void>(() => {})
          : new Promise<void>((r) => (releaseServer = r));
      },
    },
    jobs: {
      stop: async (o: StopOptions) => void calls.push(`jobs.stop ${o.graceful} ${o.timeoutMs}`),
    },
    store: { close: async () => void calls.push('store.close') },
    audit: {
      append: async (event, now) => {
        calls.push(`audit.append ${event.action} ${now}`);
        if (options.auditFails) throw new Error('disk full');
        return {} as never;
      },
      checkpoint: async () => {
        calls.push('audit.checkpoint');
        return null;
      },
    },
    log: (event, fields = {}) => void logs.push({ event, fields }),
    exit: (code) => void exits.push(code),
    timeoutMs: 1_000,
    clock: () => 42,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return {};
    },
  };
  return { deps, calls, exits, logs, timers, release: () => releaseServer() };
}

describe('createShutdown', () => {
  it('drains the server and the jobs, records the stop, closes the store, then exits 0', async () => {
    const f = fakes();
    const shutdown = createShutdown(f.deps);
    shutdown('SIGTERM');
    await new Promise((r) => setImmediate(r));
    // The audit entry waits for in-flight requests: they may still append.
    assert.deepEqual(f.calls, ['server.close 1000', 'jobs.stop true 1000']);
    assert.deepEqual(f.exits, []);
    f.release();
    await shutdown.done;
    assert.deepEqual(f.calls, [
      'server.close 1000',
      'jobs.stop true 1000',
      'audit.append service.stopped 42',
      'audit.checkpoint',
      'store.close',
    ]);
    assert.deepEqual(f.exits, [0]);
    assert.deepEqual(
      f.logs.map((l) => l.event),
      ['service.stopping', 'service.stopped'],
    );
  });

  it('closes inbound connections (Socket Mode) with the server, before the audit entry', async () => {
    const f = fakes();
    f.deps.inbound = [
      { stop: async () => void f.calls.push('socket.stop') },
      { stop: () => Promise.reject(new Error('close frame lost')) },
    ];
    const shutdown = createShutdown(f.deps);
    shutdown('SIGTERM');
    f.release();
    await shutdown.done;
    assert.deepEqual(f.calls.slice(0, 4), [
      'server.close 1000',
      'jobs.stop true 1000',
      'socket.stop',
      'audit.append service.stopped 42',
    ]);
    assert.deepEqual(f.exits, [1]);
    assert.ok(
      f.logs.some((l) => l.event === 'service.stop_failed' && l.fields['what'] === 'inbound'),
      'a connection that fails to close is named',
    );
  });

  it('a second signal exits at once, non-zero, and says so', async () => {
    const f = fakes();
    const shutdown = createShutdown(f.deps);
    shutdown('SIGTERM');
    shutdown('SIGINT');
    assert.deepEqual(f.exits, [130]);
    assert.ok(f.logs.some((l) => l.event === 'service.stop_forced' && l.fields.signal === 'SIGINT'));
    // The first stop finishing later does not exit a second time.
    f.release();
    await shutdown.done;
    assert.deepEqual(f.exits, [130]);
  });

  it('gives up with 1 when closing outlives the grace and its margin', () => {
    const f = fakes({ serverHangs: true });
    createShutdown(f.deps)('SIGTERM');
    assert.equal(f.timers.length, 1);
    assert.ok(f.timers[0]!.ms > 1_000);
    f.timers[0]!.fn();
    assert.deepEqual(f.exits, [1]);
    assert.ok(f.logs.some((l) => l.event === 'service.stop_timeout'));
  });

  it('still closes the store when the audit entry fails, and exits 1', async () => {
    const f = fakes({ auditFails: true });
    const shutdown = createShutdown(f.deps);
    shutdown('SIGTERM');
    f.release();
    await new Promise((r) => setImmediate(r));
    f.release();
    await shutdown.done;
    assert.ok(f.calls.includes('store.close'));
    assert.deepEqual(f.exits, [1]);
    assert.ok(f.logs.some((l) => l.event === 'service.stop_failed' && l.fields.what === 'audit'));
  });
});
