/**
 * The view of the scan history: the trend of the score over the saved scans, built from
 * scanner/trend.ts's data. The chat handler renders it as a card and the CLI as terminal text, so
 * both show the same facts. Pure: the caller reads the history and names the rules.
 */
import { DISCLAIMER } from '../base/present.js';
import { BUILTIN_RULES } from '../scanner/rules/builtin/index.js';
import type { Trend } from '../scanner/trend.js';
import { toneOf } from './scan-views.js';
import type { MessageView, TrendView } from './views.js';

/** Scores the sparkline draws: enough to see a direction, short enough for a chat line. */
export const SPARKLINE_POINTS = 20;
/** Scans listed on a card; a terminal lists them all. */
export const TREND_ROWS = 5;

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const NO_SCORE = '·';

const BUILTIN_NAMES: ReadonlyMap<string, string> = new Map(
  BUILTIN_RULES.map((r) => [r.meta.id, r.meta.name]),
);

/** A rule's name for its id, among the built-in rules and `custom`; undefined for a rule since removed. */
export function ruleNamer(
  custom: readonly { id: string; name: string }[],
): (id: string) => string | undefined {
  const names = new Map(custom.map((d) => [d.id, d.name]));
  return (id) => BUILTIN_NAMES.get(id) ?? names.get(id);
}

/**
 * Scores, oldest first, as bars between their own lowest and highest, so that a small change is
 * visible: the range is always shown beside them. A flat series sits at mid height.
 */
export function sparkline(scores: readonly (number | null)[]): string {
  const known = scores.filter((s): s is number => s !== null);
  const low = Math.min(...known);
  const high = Math.max(...known);
  return scores
    .map((s) => {
      if (s === null) return NO_SCORE;
      if (high === low) return BARS[3];
      return BARS[Math.round(((s - low) / (high - low)) * (BARS.length - 1))];
    })
    .join('');
}

/**
 * The trend as a view: the latest score and its change, the sparkline of the last
 * {@link SPARKLINE_POINTS} scores, what started and stopped failing at the latest scan, and the
 * first `maxRows` scans (default all). With no saved scan, a message saying so with `emptyHint`.
 */
export function trendView(
  trend: Trend,
  opts: {
    /** A rule's name for its id (built-in or custom); the id itself when the rule is gone. */
    ruleName: (id: string) => string | undefined;
    maxRows?: number;
    /** What to run for a first saved scan, e.g. "/certify scan saves one". */
    emptyHint: string;
    /** The window the trend was cut to (`--days N`), kept by the Refresh button. */
    days?: number;
  },
): TrendView | MessageView {
  const [latest] = trend.points;
  const title = trend.framework === null ? 'Score trend' : `${trend.framework.name} trend`;
  if (latest === undefined) {
    return {
      kind: 'message',
      tone: 'neutral',
      title: `${title}: no saved scans yet`,
      text: 'The trend is drawn from saved scans, and none has been saved yet.',
      hint: opts.emptyHint,
      actions: [{ verb: 'scan.run', title: 'Scan now', data: {} }],
    };
  }
  const named = (ids: readonly string[]) => ids.map((id) => ({ id, name: opts.ruleName(id) ?? id }));
  const drawn = trend.points.slice(0, SPARKLINE_POINTS).reverse();
  const drawnScores = drawn.map((p) => p.score);
  const known = drawnScores.filter((s): s is number => s !== null);
  const maxRows = opts.maxRows ?? trend.points.length;
  const fw: Record<string, string> = trend.framework === null ? {} : { framework: trend.framework.id };
  const window: Record<string, string> = opts.days === undefined ? {} : { days: String(opts.days) };

  return {
    kind: 'trend',
    title,
    score: latest.score,
    rating: latest.rating,
    tone: toneOf(latest.rating),
    // The point's own comparison: with a limit, the scan before the latest may not be listed.
    trend:
      latest.previous === null
        ? null
        : { previous: latest.previous.score, delta: latest.change, previousAt: latest.previous.at },
    latest: { scanId: latest.scanId, at: latest.at, source: latest.source },
    scans: trend.points.length,
    sparkline: {
      bars: sparkline(drawnScores),
      count: drawn.length,
      from: drawn[0]!.at,
      to: latest.at,
      low: known.length === 0 ? null : Math.min(...known),
      high: known.length === 0 ? null : Math.max(...known),
    },
    startedFailing: named(latest.startedFailing),
    stoppedFailing: named(latest.stoppedFailing),
    rows: trend.points.slice(0, maxRows).map((p) => ({
      scanId: p.scanId,
      at: p.at,
      score: p.score,
      rating: p.rating,
      change: p.change,
      startedFailing: [...p.startedFailing],
      stoppedFailing: [...p.stoppedFailing],
    })),
    moreRows: Math.max(0, trend.points.length - maxRows),
    ...(opts.days === undefined ? {} : { days: opts.days }),
    disclaimer: DISCLAIMER,
    actions: [
      { verb: 'trend.refresh', title: 'Refresh', data: { ...fw, ...window } },
      {
        verb: 'score.show',
        title: trend.framework ? `${trend.framework.shortName} score` : 'Score',
        data: fw,
      },
    ],
  };
}
