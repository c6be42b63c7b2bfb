/** Sync runs in the last 24 hours (SYN002, SYN004). */
import type { SyncRecord, SyncRun } from '../../inventory/types.js';
import { HOUR_MS, inWindow, toMs } from '../../../base/time.js';

const WINDOW_MS = 24 * HOUR_MS;

export function recentRuns(records: readonly SyncRecord[], now: number) {
  let total = 0;
  let succeeded = 0;
  /** Per record, the statuses of its runs inside the window (one date parse per run). */
  const recent: SyncRun['status'][][] = records.map((r) => {
    const statuses: SyncRun['status'][] = [];
    for (const run of r.runs) {
      if (!inWindow(toMs(run.at), now, WINDOW_MS)) continue;
      statuses.push(run.status);
      total++;
      if (run.status === 'succeeded') succeeded++;
    }
    return statuses;
  });
  /** Ids of the records (each once, in order) with a run in the window that matches. */
  const recordsWith = (match: (status: SyncRun['status']) => boolean): string[] =>
    records.filter((_r, i) => recent[i]!.some(match)).map((r) => r.id);
  return { total, succeeded, recordsWith };
}
