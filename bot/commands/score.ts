/** `/certify score [framework]` and `/certify scan`: the score view of the latest or a fresh scan. */
import type { ScoreView, View } from '../../cards/views.js';
import { scoreView } from '../../cards/scan-views.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import type { ScanResult } from '../../scanner/scan.js';
import type { ScanBy } from '../../services/scan.js';
import { trendChartInput } from '../../charts/trend-svg.js';
import { createHistoryService } from '../../services/history.js';
import { withChart } from './chart.js';
import { actorOf, type CommandContext } from './context.js';

/** The score card's chart covers this many days: recent enough to read at a glance. */
export const SCORE_CHART_DAYS = 90;

/** The score view with the chart of the same score (overall or the framework's) over recent scans. */
async function withScoreChart(view: ScoreView, framework: string | null, ctx: CommandContext) {
  if (!ctx.charts) return view;
  const trend = await createHistoryService({ scans: ctx.ports.scans }).history({
    framework,
    since: ctx.now - SCORE_CHART_DAYS * 86_400_000,
  });
  return withChart(view, trendChartInput(trend, SCORE_CHART_DAYS), ctx);
}

/** A scan saved by a command is recorded for the user who typed it, at the command's time. */
export function scanBy(ctx: CommandContext): ScanBy {
  return { actor: actorOf(ctx), clock: () => ctx.now };
}

/** The latest saved scan; when there is none yet, a scan of the context's source run and saved now. */
export function latestScan(ctx: CommandContext): Promise<ScanResult> {
  return ctx.scans.latestOrFresh(ctx.now, scanBy(ctx), ctx.source);
}

export async function scoreCommand(framework: string | null, ctx: CommandContext): Promise<View> {
  // Resolved before any scan, so an unknown name costs nothing.
  const fw = framework === null ? null : findFramework(framework);
  const result = await latestScan(ctx);
  const view = scoreView(result, { framework: fw, previous: await ctx.ports.scans.previous() });
  return withScoreChart(view, fw?.id ?? null, ctx);
}

export async function scanCommand(ctx: CommandContext): Promise<ScoreView> {
  const { result } = await ctx.scans.run({ source: ctx.source, now: ctx.now, save: true, by: scanBy(ctx) });
  const view = scoreView(result, {
    framework: null,
    previous: await ctx.ports.scans.previous(),
    title: 'Scan finished',
  });
  return withScoreChart(view, null, ctx);
}
