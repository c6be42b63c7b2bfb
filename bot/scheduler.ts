/**
 * Scheduled scans on a cron expression (node-cron), read in UTC unless a time zone is given: a
 * server's local zone is an accident of where it runs. Two runs never overlap: a tick that comes
 * while a run is still going is skipped and logged, and a failed run is logged, never thrown,
 * so the next tick runs as usual. Nothing starts until `start()`.
 */
import cron from 'node-cron';
import type { Log } from './types.js';

export interface SchedulerDeps {
  /** 5-field cron expression, e.g. `0 6 * * *`. */
  cron: string;
  /** One scheduled run: scan (saved), then alerts. */
  scanAndAlert: () => Promise<void>;
  log: Log;
  /** node-cron's `schedule`, replaceable in tests. */
  schedule?: (expression: string, fn: () => unknown) => { stop(): unknown; getNextRun?: () => Date | null };
  /** IANA time zone the expression is read in; default UTC. */
  timezone?: string;
}

export const DEFAULT_TIMEZONE = 'Etc/UTC';

export type RunOutcome = 'ran' | 'failed' | 'skipped';

export interface Scheduler {
  /** Registers the cron task. Idempotent. */
  start(): void;
  /** A run now (the playground's "Run scheduled scan now", CERTIFY_SCAN_ON_START); skipped while one runs. */
  runNow(): Promise<RunOutcome>;
  /** The cron tick itself (what node-cron calls). */
  tick(): Promise<RunOutcome>;
  /** True while a run is going. */
  running(): boolean;
  /** Stops the cron task; a run in progress finishes. */
  stop(): void;
  /** When the next scheduled run is due, or null when not started. */
  nextRun(): Date | null;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { log } = deps;
  let current: Promise<void> | null = null;
  let task: { stop(): unknown; getNextRun?: () => Date | null } | null = null;
  const timezone = deps.timezone ?? DEFAULT_TIMEZONE;

  const run = async (reason: 'scheduled' | 'forced'): Promise<RunOutcome> => {
    if (current !== null) {
      log('scheduler.skipped', { level: 'warn', reason, why: 'the previous run is still going' });
      return 'skipped';
    }
    const t0 = performance.now();
    log('scheduler.run_started', { reason });
    let done!: () => void;
    current = new Promise<void>((resolve) => (done = resolve));
    try {
      await deps.scanAndAlert();
      log('scheduler.run_finished', { reason, ms: Math.round(performance.now() - t0) });
      return 'ran';
    } catch (error) {
      log('scheduler.run_failed', {
        level: 'error',
        reason,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'failed';
    } finally {
      current = null;
      done();
    }
  };

  return {
    start() {
      if (task !== null) return;
      const schedule =
        deps.schedule ??
        ((expression: string, fn: () => unknown) => cron.schedule(expression, fn, { timezone }));
      task = schedule(deps.cron, () => run('scheduled'));
      log('scheduler.started', { cron: deps.cron, timezone, nextRun: task.getNextRun?.()?.toISOString() });
    },
    runNow: () => run('forced'),
    tick: () => run('scheduled'),
    running: () => current !== null,
    stop() {
      if (task === null) return;
      void task.stop();
      task = null;
      log('scheduler.stopped', {});
    },
    nextRun: () => task?.getNextRun?.() ?? null,
  };
}
