/**
 * What SIGTERM and SIGINT do: a replica being replaced (a rollout, a scale-in) finishes what it
 * started and leaves the audit log saying it stopped, within the platform's grace period; an
 * operator who signals again is not kept waiting.
 *
 * The order matters: traffic and jobs first (they may still append to the audit log), then the
 * audit entry, then the store everything above was written to, and last the telemetry SDK, which
 * exports the spans and metrics of all of the above.
 */
import type { AuditLog } from '../store/audit-writer.js';
import type { StopOptions } from '../store/jobs/types.js';
import type { Log } from './types.js';

/** Kubernetes and Azure Container Apps wait 30 s after SIGTERM: this leaves room for the rest. */
export const SHUTDOWN_GRACE_MS = 20_000;
/** What the audit entry and closing the store get beyond the grace before the process gives up. */
const CLOSE_MARGIN_MS = 5_000;
/** 128 + the signal number, as a shell reports a process a signal ended. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface ShutdownDeps {
  server: { close(graceMs: number): Promise<void> };
  /** Connections the service opened to receive work (Slack's Socket Mode), closed with the server. */
  inbound?: readonly { stop(): Promise<void> }[];
  jobs: { stop(options: StopOptions): Promise<void> };
  store: { close(): Promise<void> };
  audit: Pick<AuditLog, 'append' | 'checkpoint'>;
  log: Log;
  /** Flushes and stops the telemetry SDK (bot/telemetry/start.ts); absent when telemetry is off. */
  telemetry?: { shutdown(): Promise<void> };
  exit: (code: number) => void;
  /** How long in-flight requests and running jobs get; default SHUTDOWN_GRACE_MS. */
  timeoutMs?: number;
  clock?: () => number;
  /** Injected so a test drives the deadline without waiting for it. */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
}

export interface Shutdown {
  /** Called for every signal; the first starts the stop, the next exits at once. */
  (signal: string): void;
  /** Settles once the first stop has called `exit` (tests). */
  readonly done: Promise<void>;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { log } = deps;
  const timeoutMs = deps.timeoutMs ?? SHUTDOWN_GRACE_MS;
  const clock = deps.clock ?? Date.now;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    deps.exit(code);
  };
  let stopping = false;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));

  const stop = async (signal: string): Promise<number> => {
    // A close that hangs (a database gone quiet) must not outlive the platform's patience.
    setTimer(() => {
      log('service.stop_timeout', { level: 'error', signal, afterMs: timeoutMs + CLOSE_MARGIN_MS });
      exit(1);
    }, timeoutMs + CLOSE_MARGIN_MS).unref?.();
    let clean = true;
    const [server, jobs, ...inbound] = await Promise.allSettled([
      deps.server.close(timeoutMs),
      // What is cut off goes back to the queue on PostgreSQL; the in-process queue drops it.
      deps.jobs.stop({ graceful: true, timeoutMs }),
      // Slack re-sends what a closed socket never acked to another connection.
      ...(deps.inbound ?? []).map((connection) => connection.stop()),
    ]);
    for (const [what, outcome] of [
      ['server', server!],
      ['jobs', jobs!],
      ...inbound.map((outcome) => ['inbound', outcome] as const),
    ] as const) {
      if (outcome.status === 'rejected') {
        clean = false;
        log('service.stop_failed', { level: 'error', what, error: (outcome.reason as Error).message });
      }
    }
    try {
      await deps.audit.append(
        {
          action: 'service.stopped',
          actor: { id: 'certify', name: 'Certify service', channel: 'service' },
          subject: null,
          details: { signal },
        },
        clock(),
      );
      // Appends are fsynced in order, so the one above is durable; the checkpoint signs the head.
      await deps.audit.checkpoint(clock());
    } catch (e) {
      clean = false;
      log('service.stop_failed', { level: 'error', what: 'audit', error: (e as Error).message });
    }
    try {
      await deps.store.close();
    } catch (e) {
      clean = false;
      log('service.stop_failed', { level: 'error', what: 'store', error: (e as Error).message });
    }
    // Last: what is still buffered (the stop's own spans, the last metric points) goes out now.
    // A collector that cannot be reached costs spans, not a clean exit.
    try {
      await deps.telemetry?.shutdown();
    } catch (e) {
      log('telemetry.flush_failed', { level: 'warn', error: (e as Error).message });
    }
    return clean ? 0 : 1;
  };

  const shutdown = (signal: string) => {
    if (stopping) {
      log('service.stop_forced', { level: 'warn', signal });
      exit(SIGNAL_EXIT[signal] ?? 1);
      return;
    }
    stopping = true;
    log('service.stopping', { signal, graceMs: timeoutMs });
    void stop(signal)
      .then((code) => {
        if (!exited) log('service.stopped', { code });
        exit(code);
      })
      .finally(finished);
  };
  return Object.assign(shutdown, { done });
}
