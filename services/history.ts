/**
 * The score over time as an application service: what `certify history` and `/certify trend`
 * show, read from the saved scans' summaries. The trend itself is computed by scanner/trend.ts;
 * this reads the ScanStore port once per question.
 */
import type { ScanSummary } from '../scanner/summary.js';
import { checkTrendOptions, trendOf, type Trend } from '../scanner/trend.js';

/** Scans a trend covers unless asked for fewer: as many as the store keeps by default. */
export const DEFAULT_TREND_LIMIT = 1000;

export interface HistoryQuery {
  /** A framework id, alias or name; null or absent for the overall score. */
  framework?: string | null;
  /** Most scans, newest first (default {@link DEFAULT_TREND_LIMIT}). */
  limit?: number;
  /** Epoch ms: only the scans evaluated at or after it (`--days N`); default every one read. */
  since?: number;
}

export interface HistoryService {
  /** The trend over the saved scans, newest first; no points when nothing was saved yet. */
  history(query?: HistoryQuery): Promise<Trend>;
}

/** The part of the ScanStore port read here, in either its synchronous or its async form. */
export interface HistorySource {
  history(limit?: number): readonly ScanSummary[] | Promise<readonly ScanSummary[]>;
}

export function createHistoryService(deps: { scans: HistorySource }): HistoryService {
  return {
    async history(query = {}) {
      const options = { framework: query.framework ?? null, limit: query.limit ?? DEFAULT_TREND_LIMIT };
      // A wrong name or limit is refused before a large history is read.
      checkTrendOptions(options);
      // One more than shown: the oldest point shown still gets its change.
      const summaries = await deps.scans.history(options.limit + 1);
      const trend = trendOf(summaries, options);
      const since = query.since;
      if (since === undefined) return trend;
      // Cut after the trend is computed: the oldest scan in the window keeps its change.
      return { ...trend, points: trend.points.filter((p) => Date.parse(p.at) >= since) };
    },
  };
}
