/** Sync runs in the last 24 hours (SYN002, SYN004). */
import type { SyncRecord, SyncRun } from '../../inventory/types.js';
import { HOUR_MS, inWindow, toMs } from '../../time.js';

const WINDOW_MS = 24 * HOUR_MS;

export function recentRuns(records: readonly SyncRecord[], now: number) {
  let total = 0;
  let succeeded = 0;
  for (const r of records) {
    for (const run of r.runs) {
      if (!inWindow(toMs(run.at), now, WINDOW_MS)) continue;
      total++;
      if (run.status === 'succeeded') succeeded++;
    }
  }
  /** Ids of the records (each once, in order) with a run in the window that matches. */
  const recordsWith = (match: (status: SyncRun['status']) => boolean): string[] =>
    records
      .filter((r) => r.runs.some((run) => match(run.status) && inWindow(toMs(run.at), now, WINDOW_MS)))
      .map((r) => r.id);
  return { total, succeeded, recordsWith };
}
