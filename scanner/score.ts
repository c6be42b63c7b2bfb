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

/** Rating of a rounded score: ≥ 90 Strong · ≥ 75 Healthy · ≥ 50 Significant gaps · else Weak. */
export function ratingOf(score: number | null): Rating | null {
  if (score === null) return null;
  if (score >= 90) return 'Strong';
  if (score >= 75) return 'Healthy';
  if (score >= 50) return 'Significant gaps';
  return 'Weak';
}
