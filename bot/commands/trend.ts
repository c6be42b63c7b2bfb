/** `/certify trend [framework] [--days N]`: the score over the saved scans, and what changed at the latest. */
import { ruleNamer, TREND_ROWS, trendView } from '../../cards/history-views.js';
import type { View } from '../../cards/views.js';
import { trendChartInput } from '../../charts/trend-svg.js';
import { createHistoryService } from '../../services/history.js';
import { withChart } from './chart.js';
import type { CommandContext } from './context.js';
import { trendDays } from './parse.js';

const DAY_MS = 86_400_000;

/**
 * Without `--days`, every saved scan the history keeps (as `certify history`); with it, the scans
 * evaluated in the last N days before the command.
 */
export async function trendCommand(
  framework: string | null,
  ctx: CommandContext,
  daysText?: string,
): Promise<View> {
  // Checked before the history is read, so a wrong value costs nothing.
  const days = daysText === undefined ? null : trendDays(daysText);
  // Over the ports this command was given, as every handler reads them: the service only reads,
  // so one per command costs nothing, and a core wired for tests needs nothing more.
  const trend = await createHistoryService({ scans: ctx.ports.scans }).history({
    framework,
    ...(days === null ? {} : { since: ctx.now - days * DAY_MS }),
  });
  if (days !== null && trend.points.length === 0) {
    const title = trend.framework === null ? 'Score trend' : `${trend.framework.name} trend`;
    return {
      kind: 'message',
      tone: 'neutral',
      title: `${title}: no scans in the last ${days === 1 ? 'day' : `${days} days`}`,
      text: `No saved scan was evaluated in the last ${days === 1 ? 'day' : `${days} days`}.`,
      hint: `/certify trend${trend.framework ? ` ${trend.framework.id}` : ''} without --days shows every saved scan.`,
      actions: [{ verb: 'scan.run', title: 'Scan now', data: {} }],
    };
  }
  const view = trendView(trend, {
    ruleName: ruleNamer(await ctx.rules.list()),
    maxRows: TREND_ROWS,
    emptyHint: '/certify scan saves one now; scheduled scans are saved too.',
    ...(days === null ? {} : { days }),
  });
  return view.kind === 'trend' ? withChart(view, trendChartInput(trend, days), ctx) : view;
}
