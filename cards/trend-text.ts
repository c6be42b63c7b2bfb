/**
 * Wording and cutting of the trend view, shared by the renderers (adaptive.ts, blockkit.ts,
 * terminal.ts) as text.ts is for the other views: the same numbers worded the same way, and the
 * same "and N more" counts in Teams and Slack.
 */
import {
  clip,
  cutActions,
  formatScore,
  formatWhen,
  MAX_TITLE,
  plural,
  trendText,
  type Caps,
} from './text.js';
import type { ActionView, TrendView } from './views.js';

/** "+1.2", "-0.5", "0.0"; "—" when there is no change to show. */
export function changeText(change: number | null): string {
  if (change === null) return '—';
  const rounded = Math.round(change * 10) / 10;
  // -0 after rounding is no change.
  if (rounded === 0) return '0.0';
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(1)}`;
}

/** Said when the latest scan changed no rule's status from the one before it. */
export const NO_RULE_CHANGE = 'No rule started or stopped failing at the latest scan.';

/** "P003, K002", or "—" for none. */
export function ruleIdsText(ids: readonly string[]): string {
  return ids.length === 0 ? '—' : ids.join(', ');
}

/** The words beside the bars: "20 scans from … to … · low 9.3 · high 10.5". */
export function sparklineCaption(s: TrendView['sparkline']): string {
  const range =
    s.low === null || s.high === null
      ? 'no score'
      : s.low === s.high
        ? `all ${formatScore(s.low)}`
        : `low ${formatScore(s.low)} · high ${formatScore(s.high)}`;
  const span = s.count === 1 ? formatWhen(s.to) : `${formatWhen(s.from)} → ${formatWhen(s.to)}`;
  return `${plural(s.count, 'scan', 'scans')}, oldest first (${span}) · ${range}`;
}

/** "3 scans · latest 2026-11-23 06:00 UTC · demo": the scans listed (a limit may leave older ones out). */
export function trendScopeText(view: TrendView): string {
  const window = view.days === undefined ? '' : ` in the last ${plural(view.days, 'day', 'days')}`;
  return `${plural(view.scans, 'scan', 'scans')}${window} · latest ${formatWhen(view.latest.at)} · ${view.latest.source}`;
}

/** The change since the previous scan, worded as on the score view; or that the latest is the first. */
export function latestChangeText(view: TrendView): string {
  return trendText(view.trend) ?? 'First saved scan';
}

/** The latest scan as facts (label, value) beside the trend's heading. */
export function latestFacts(view: TrendView): [string, string][] {
  return [
    ['Change', latestChangeText(view)],
    ['Scanned', formatWhen(view.latest.at)],
    ['Source', view.latest.source],
  ];
}

/** One scan on a card: "2026-11-23 06:00 UTC · 10.5 Weak · +1.2 · started P003, K002 · stopped C005". */
export function trendRowText(row: CutTrendRow): string {
  const parts = [formatWhen(row.at), `${formatScore(row.score)}${row.rating ? ` ${row.rating}` : ''}`];
  if (row.change !== null) parts.push(changeText(row.change));
  if (row.started !== '—') parts.push(`started ${row.started}`);
  if (row.stopped !== '—') parts.push(`stopped ${row.stopped}`);
  return parts.join(' · ');
}

export interface CutTrendRow {
  at: string;
  score: number | null;
  rating: string | null;
  change: number | null;
  /** The rule ids, joined and clipped. */
  started: string;
  stopped: string;
}

export interface CutTrend {
  title: string;
  started: { id: string; name: string }[];
  moreStarted: number;
  stopped: { id: string; name: string }[];
  moreStopped: number;
  rows: CutTrendRow[];
  moreRows: number;
  disclaimer: string;
  actions: ActionView[];
}

export function cutTrend(view: TrendView, caps: Caps): CutTrend {
  const rules = (list: TrendView['startedFailing']) =>
    list.slice(0, caps.failing).map((r) => ({ id: clip(r.id, caps.name), name: clip(r.name, caps.name) }));
  const started = rules(view.startedFailing);
  const stopped = rules(view.stoppedFailing);
  const rows = view.rows.slice(0, caps.breakdown).map((r) => ({
    at: r.at,
    score: r.score,
    rating: r.rating,
    change: r.change,
    started: clip(ruleIdsText(r.startedFailing), caps.name),
    stopped: clip(ruleIdsText(r.stoppedFailing), caps.name),
  }));
  return {
    title: clip(view.title, MAX_TITLE),
    started,
    moreStarted: view.startedFailing.length - started.length,
    stopped,
    moreStopped: view.stoppedFailing.length - stopped.length,
    rows,
    moreRows: view.moreRows + (view.rows.length - rows.length),
    disclaimer: clip(view.disclaimer, caps.text),
    actions: cutActions(view.actions),
  };
}
