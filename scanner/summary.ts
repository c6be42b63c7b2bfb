/**
 * A scan's summary: what the history keeps of every scan (score, ratings, failing rules and, for
 * the newest, failing asset ids), enough to draw trends and to diff scans for alerts.
 */
import type { ScanResult } from './scan.js';

export interface ScanSummary {
  readonly scanId: string;
  readonly now: string;
  readonly source: string;
  readonly score: number | null;
  readonly rating: string | null;
  readonly failingRules: readonly string[];
  readonly frameworkScores: Readonly<Record<string, number | null>>;
  /** By asset type; null where the source did not collect that type. */
  readonly assetCounts: Readonly<Record<string, number | null>>;
  /**
   * Rule id → failing asset ids (at most FAILING_ASSETS_CAP each), to diff scans for alerts.
   * Empty in summaries older than the newest `detailedSummaries`.
   */
  readonly failingAssets: Readonly<Record<string, readonly string[]>>;
}

/** Largest number of failing ids kept per rule in a summary (enough to diff scans for alerts). */
const SUMMARY_FAILING_CAP = 1000;

export function summarize(result: ScanResult): ScanSummary {
  return {
    scanId: result.scanId,
    now: result.now,
    source: result.source,
    score: result.score,
    rating: result.rating,
    failingRules: result.rules.filter((r) => r.status === 'fail').map((r) => r.id),
    frameworkScores: Object.fromEntries(result.frameworks.map((f) => [f.id, f.score])),
    assetCounts: {
      vaults: result.assets.vaults,
      secrets: result.assets.secrets,
      keys: result.assets.keys,
      certificates: result.assets.certificates,
    },
    failingAssets: Object.fromEntries(
      result.rules
        .filter((r) => r.failing.length > 0)
        .map((r) => [r.id, r.failing.slice(0, SUMMARY_FAILING_CAP)]),
    ),
  };
}
