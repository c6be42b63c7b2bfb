/** The weighted score and its rating (rules.md, "Weights and score"). */
import type { RuleStatus } from './rules/types.js';

export type Rating = 'Strong' | 'Healthy' | 'Significant gaps' | 'Weak';

/** `100 × Σ weight(pass) / Σ weight(pass or fail)`, one decimal; null when nothing applies. */
export function scoreOf(results: Iterable<{ status: RuleStatus; weight: number }>): number | null {
  let passed = 0;
  let judged = 0;
  for (const r of results) {
    if (r.status === 'not_applicable') continue;
    judged += r.weight;
    if (r.status === 'pass') passed += r.weight;
  }
  if (judged === 0) return null;
  // Integer weights keep 1000·passed/judged exact enough that rounding matches a hand computation.
  return Math.round((1000 * passed) / judged) / 10;
}

/**
 * The rating bands, best first: a score is rated by the first band whose `from` it reaches. The
 * one table `ratingOf` and the trend charts (charts/trend-svg.ts) read, so they cannot disagree.
 */
export const RATING_BANDS: readonly { readonly rating: Rating; readonly from: number }[] = Object.freeze([
  { rating: 'Strong', from: 90 },
  { rating: 'Healthy', from: 75 },
  { rating: 'Significant gaps', from: 50 },
  { rating: 'Weak', from: 0 },
]);

/** Rating of a rounded score: ≥ 90 Strong · ≥ 75 Healthy · ≥ 50 Significant gaps · else Weak. */
export function ratingOf(score: number | null): Rating | null {
  if (score === null) return null;
  for (const band of RATING_BANDS) if (score >= band.from) return band.rating;
  return 'Weak';
}
