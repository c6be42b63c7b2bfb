/**
 * The text alternative of a trend chart, for screen readers (Slack's alt_text, Teams' altText, the
 * playground's alt) and for anyone the picture does not reach: what the chart shows, in one
 * sentence — the window, the number of scans, the first and last score with their ratings, and
 * the range. Pure.
 */
import { ratingOf } from '../scanner/score.js';
import { chartTitle, dayOf, type ChartPoint, type TrendChartInput } from './trend-svg.js';

function scoreText(p: ChartPoint): string {
  return p.score === null ? 'no score' : `${p.score.toFixed(1)} (${ratingOf(p.score)})`;
}

/**
 * e.g. "Overall score over 90 days, 91 scans: from 58.2 (Significant gaps) on 2026-09-04 to 71.4
 * (Significant gaps) on 2026-12-03; low 55.0, high 72.3."
 */
export function trendAlt(input: TrendChartInput): string {
  const title = chartTitle(input);
  const window = input.period
    ? `over ${input.period}`
    : input.days === null || input.days === undefined
      ? 'over the saved scans'
      : `over ${input.days} ${input.days === 1 ? 'day' : 'days'}`;
  const count = input.points.length;
  if (count === 0) return `${title} ${window}: no saved scans.`;
  const latest = input.points[0]!;
  const first = input.points[count - 1]!;
  const scans = `${count} ${count === 1 ? 'scan' : 'scans'}`;
  const scores = input.points.map((p) => p.score).filter((s): s is number => s !== null);
  const unscored = count - scores.length;
  const without = unscored === 0 ? '' : `; ${unscored} without a score`;
  if (count === 1) {
    return `${title} ${window}, 1 scan: ${scoreText(latest)} on ${dayOf(latest.at)}${without}.`;
  }
  const range =
    scores.length === 0
      ? ''
      : `; low ${Math.min(...scores).toFixed(1)}, high ${Math.max(...scores).toFixed(1)}`;
  return `${title} ${window}, ${scans}: from ${scoreText(first)} on ${dayOf(first.at)} to ${scoreText(latest)} on ${dayOf(latest.at)}${range}${without}.`;
}
