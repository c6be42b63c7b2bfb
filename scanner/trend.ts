/**
 * The score over time, from the summaries the history keeps (summary.ts): for each saved scan its
 * score and rating — overall, or one framework's — the change since the scan saved before it, and
 * the rules that started or stopped failing there. Pure: the caller reads the history.
 */
import { CertifyError } from '../base/errors.js';
import { findFramework } from './frameworks/index.js';
import type { Framework } from './frameworks/types.js';
import { ratingOf, type Rating } from './score.js';
import type { ScanSummary } from './summary.js';

export interface TrendPoint {
  readonly scanId: string;
  /** When the scan was evaluated (its `now`). */
  readonly at: string;
  readonly source: string;
  /** The overall score, or the framework's; null when nothing applied. */
  readonly score: number | null;
  readonly rating: Rating | null;
  /** The scan this one is compared with: the one saved just before it, or null for the first. */
  readonly previous: { readonly scanId: string; readonly at: string; readonly score: number | null } | null;
  /** `score − previous score`, one decimal; null without a previous scan or a score on both sides. */
  readonly change: number | null;
  /** Rules failing here that did not fail at the previous scan (the framework's cited rules only). */
  readonly startedFailing: readonly string[];
  /** Rules that failed at the previous scan and fail no longer. */
  readonly stoppedFailing: readonly string[];
  /** Every framework's score at this scan, as the summary holds them. */
  readonly frameworkScores: Readonly<Record<string, number | null>>;
}

export interface Trend {
  /** The framework the scores are of; null for the overall score. */
  readonly framework: Pick<Framework, 'id' | 'name' | 'shortName'> | null;
  /** Newest first, as the history lists scans. */
  readonly points: readonly TrendPoint[];
}

export interface TrendOptions {
  /** A framework id, alias or name (`pci`, `PCI-DSS`); null or absent for the overall score. */
  framework?: string | null;
  /**
   * Most points, newest first. The summary just past the last one still gives that point its
   * change, so a caller reads `limit + 1` summaries. Default: all of them.
   */
  limit?: number;
}

export interface CheckedTrendOptions {
  framework: Framework | null;
  limit: number;
}

/**
 * The options resolved: an unknown framework is UNKNOWN_FRAMEWORK naming the known ones, a limit
 * that is not a whole number ≥ 1 is BAD_USAGE. Callers check before reading a large history.
 */
export function checkTrendOptions(options: TrendOptions = {}): CheckedTrendOptions {
  const { framework = null, limit = Number.POSITIVE_INFINITY } = options;
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isInteger(limit) || limit < 1)) {
    throw new CertifyError(
      'BAD_USAGE',
      `the history limit must be a whole number ≥ 1, not ${String(limit)}`,
      [],
      'e.g. --limit 100',
    );
  }
  return { framework: framework === null ? null : findFramework(framework), limit };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The rules a framework's score is computed over: the distinct rules its controls cite. */
function citedRules(framework: Framework): ReadonlySet<string> {
  return new Set(framework.controls.flatMap((c) => c.citations.map((citation) => citation.rule)));
}

/** `summaries` newest first (as the history lists them) → the trend, newest first. */
export function trendOf(summaries: readonly ScanSummary[], options: TrendOptions = {}): Trend {
  const { framework, limit } = checkTrendOptions(options);
  const cited = framework === null ? null : citedRules(framework);
  const scoreAt = (s: ScanSummary): number | null =>
    framework === null ? s.score : (s.frameworkScores[framework.id] ?? null);
  const failingAt = (s: ScanSummary): readonly string[] =>
    cited === null ? s.failingRules : s.failingRules.filter((id) => cited.has(id));

  const count = Math.min(limit, summaries.length);
  const points: TrendPoint[] = [];
  // Each summary's failing rules are filtered and put in a set once: a scan's baseline is the
  // next step's own list (a thousand scans of ~45 failing rules each stay within milliseconds).
  let failing = count > 0 ? failingAt(summaries[0]!) : [];
  let failingSet: ReadonlySet<string> = new Set(failing);
  for (let i = 0; i < count; i++) {
    const current = summaries[i]!;
    const previous = summaries[i + 1];
    const score = scoreAt(current);
    const before = previous === undefined ? [] : failingAt(previous);
    const beforeSet: ReadonlySet<string> = new Set(before);
    const was = previous === undefined ? null : scoreAt(previous);
    points.push({
      scanId: current.scanId,
      at: current.now,
      source: current.source,
      score,
      rating: ratingOf(score),
      previous: previous === undefined ? null : { scanId: previous.scanId, at: previous.now, score: was },
      change: score === null || was === null ? null : round1(score - was),
      startedFailing: previous === undefined ? [] : failing.filter((id) => !beforeSet.has(id)),
      stoppedFailing: before.filter((id) => !failingSet.has(id)),
      frameworkScores: current.frameworkScores,
    });
    failing = before;
    failingSet = beforeSet;
  }
  return {
    framework:
      framework === null ? null : { id: framework.id, name: framework.name, shortName: framework.shortName },
    points,
  };
}
