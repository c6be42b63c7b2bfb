/**
 * The score over the saved scans as an SVG picture: the rating bands shaded behind the plot
 * (scanner/score.ts's own thresholds), the score as a line with a dot per scan, a 0–100 axis
 * labelled at the band edges, the first and last scan dates, and a title. Pure: the same points
 * give the same text, which charts/png.ts turns into a PNG for chat and the evidence PDF.
 *
 * Few flat colours and no gradients: the PNG compresses well and stays far below Slack's and
 * Teams' image limits.
 */
import { RATING_BANDS, type Rating } from '../scanner/score.js';
import type { Trend } from '../scanner/trend.js';

/** One scan on the chart: when it was evaluated (ISO) and its score, null when nothing applied. */
export interface ChartPoint {
  readonly at: string;
  readonly score: number | null;
}

/** What a trend chart shows; scanner/trend.ts's Trend points fit `points` as they are. */
export interface TrendChartInput {
  /** The framework's name, or null for the overall score. */
  readonly framework: string | null;
  /** Newest first, as the history lists scans. */
  readonly points: readonly ChartPoint[];
  /** The window asked for (`--days N`), or null / absent for every saved scan. */
  readonly days?: number | null;
  /** Names the window instead of `days`, e.g. "the period 2026-Q3" on an evidence cover. */
  readonly period?: string | null;
}

/** A trend of scanner/trend.ts as what its chart shows; `days`: the window asked for, if any. */
export function trendChartInput(trend: Trend, days: number | null = null): TrendChartInput {
  return {
    framework: trend.framework?.name ?? null,
    points: trend.points.map((p) => ({ at: p.at, score: p.score })),
    days,
  };
}

export interface ChartSize {
  width: number;
  height: number;
}

/** Wide and short: a chat column, or a third of an A4 landscape cover. */
export const TREND_CHART_SIZE: ChartSize = Object.freeze({ width: 640, height: 260 });

/** Sans-serif first that Debian's fonts-dejavu-core installs; resvg falls back to any sans. */
export const CHART_FONT = 'DejaVu Sans';

const BAND_FILL: Readonly<Record<Rating, string>> = {
  Strong: '#d9efdf',
  Healthy: '#e9f5e4',
  'Significant gaps': '#fdf3d8',
  Weak: '#fbe4e2',
};
const INK = '#1f2430';
const MUTED = '#5d6472';
const GRID = '#c9ccd3';
const LINE = '#1f5fa8';

const PAD = { left: 40, right: 112, top: 40, bottom: 30 } as const;

/** Two decimals at most: sub-pixel positions beyond that change no pixel. */
function n(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `2026-12-03T06:00:00.000Z` → `2026-12-03`; an unreadable time is shown as it is. */
export function dayOf(at: string): string {
  const t = Date.parse(at);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : at;
}

/** "Overall score" or "<framework> score". */
export function chartTitle(input: TrendChartInput): string {
  return `${input.framework ?? 'Overall'} score`;
}

/** "last 30 days · 12 scans" or "all saved scans · 91 scans". */
export function chartSubtitle(input: TrendChartInput): string {
  const count = `${input.points.length} ${input.points.length === 1 ? 'scan' : 'scans'}`;
  const window = input.period
    ? input.period
    : input.days === null || input.days === undefined
      ? 'all saved scans'
      : `last ${input.days} ${input.days === 1 ? 'day' : 'days'}`;
  return `${window} · ${count}`;
}

function text(
  x: number,
  y: number,
  s: string,
  attrs: { size: number; fill?: string; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold' },
): string {
  const anchor = attrs.anchor && attrs.anchor !== 'start' ? ` text-anchor="${attrs.anchor}"` : '';
  const weight = attrs.weight ? ` font-weight="${attrs.weight}"` : '';
  return `<text x="${n(x)}" y="${n(y)}" font-size="${attrs.size}" fill="${attrs.fill ?? INK}"${anchor}${weight}>${escapeXml(s)}</text>`;
}

/**
 * The chart as an SVG document of `size` (default {@link TREND_CHART_SIZE}). Scans are placed by
 * time, so a gap in the scans shows as a gap; a scan without a score has no dot and breaks the line.
 * With no point at all, only the bands, axes and title are drawn.
 */
export function trendSvg(input: TrendChartInput, size: ChartSize = TREND_CHART_SIZE): string {
  const { width, height } = size;
  const left = PAD.left;
  const right = width - PAD.right;
  const top = PAD.top;
  const bottom = height - PAD.bottom;
  const y = (score: number) => bottom - (Math.max(0, Math.min(100, score)) / 100) * (bottom - top);

  const oldestFirst = [...input.points].reverse();
  const times = oldestFirst.map((p) => Date.parse(p.at));
  const known = times.filter(Number.isFinite);
  const t0 = known.length === 0 ? 0 : Math.min(...known);
  const t1 = known.length === 0 ? 0 : Math.max(...known);
  const x = (t: number) =>
    !Number.isFinite(t) || t1 === t0 ? (left + right) / 2 : left + ((t - t0) / (t1 - t0)) * (right - left);

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(text(left, 18, chartTitle(input), { size: 14, weight: 'bold' }));
  parts.push(text(left, 33, chartSubtitle(input), { size: 11, fill: MUTED }));

  // Bands from the scanner's table, best first: each reaches up to the one above it (or 100).
  let upper = 100;
  for (const band of RATING_BANDS) {
    const from = Math.max(0, band.from);
    parts.push(
      `<rect class="band" data-rating="${escapeXml(band.rating)}" x="${n(left)}" y="${n(y(upper))}" width="${n(right - left)}" height="${n(y(from) - y(upper))}" fill="${BAND_FILL[band.rating]}"/>`,
    );
    parts.push(text(right + 8, (y(upper) + y(from)) / 2 + 4, band.rating, { size: 11, fill: MUTED }));
    upper = from;
  }
  // Grid lines and labels at the band edges, and at 0 and 100.
  const ticks = [...new Set([0, 100, ...RATING_BANDS.map((b) => Math.max(0, b.from))])].sort((a, b) => a - b);
  for (const tick of ticks) {
    parts.push(
      `<line x1="${n(left)}" y1="${n(y(tick))}" x2="${n(right)}" y2="${n(y(tick))}" stroke="${GRID}" stroke-width="1"/>`,
    );
    parts.push(text(left - 6, y(tick) + 4, String(tick), { size: 11, fill: MUTED, anchor: 'end' }));
  }

  // The line, broken where a scan has no score.
  const runs: string[] = [];
  let run: string[] = [];
  oldestFirst.forEach((p, i) => {
    if (p.score === null || !Number.isFinite(times[i]!)) {
      if (run.length > 1) runs.push(`M${run.join('L')}`);
      run = [];
      return;
    }
    run.push(`${n(x(times[i]!))} ${n(y(p.score))}`);
  });
  if (run.length > 1) runs.push(`M${run.join('L')}`);
  if (runs.length > 0) {
    parts.push(
      `<path class="score-line" d="${runs.join('')}" fill="none" stroke="${LINE}" stroke-width="2" stroke-linejoin="round"/>`,
    );
  }
  // One dot per scan with a score; smaller when many, so a long history stays a line.
  const radius = oldestFirst.length > 120 ? 1.5 : oldestFirst.length > 40 ? 2.5 : 3.5;
  oldestFirst.forEach((p, i) => {
    if (p.score === null || !Number.isFinite(times[i]!)) return;
    parts.push(
      `<circle class="scan" cx="${n(x(times[i]!))}" cy="${n(y(p.score))}" r="${radius}" fill="${LINE}"/>`,
    );
  });

  // The x axis: the first and last scan's dates (one date when they fall on one day).
  if (known.length > 0) {
    const first = dayOf(new Date(t0).toISOString());
    const last = dayOf(new Date(t1).toISOString());
    if (first === last) {
      parts.push(text((left + right) / 2, bottom + 18, first, { size: 11, fill: MUTED, anchor: 'middle' }));
    } else {
      parts.push(text(left, bottom + 18, first, { size: 11, fill: MUTED }));
      parts.push(text(right, bottom + 18, last, { size: 11, fill: MUTED, anchor: 'end' }));
    }
  } else {
    parts.push(
      text((left + right) / 2, (top + bottom) / 2, 'No saved scans', {
        size: 12,
        fill: MUTED,
        anchor: 'middle',
      }),
    );
  }

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${CHART_FONT}, sans-serif">`,
    ...parts,
    '</svg>',
  ].join('\n');
}
