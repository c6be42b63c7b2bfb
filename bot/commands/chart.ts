/**
 * The trend chart on a view, when the context has a chart service (and, for Slack, one whose
 * links Slack can fetch). A chart that cannot be drawn or kept leaves the view as it was (with its
 * text sparkline): the answer matters more than the picture, and the failure goes to the service log.
 */
import type { ScoreView, TrendView } from '../../cards/views.js';
import type { TrendChartInput } from '../../charts/trend-svg.js';
import type { CommandContext } from './context.js';

export async function withChart<V extends ScoreView | TrendView>(
  view: V,
  input: TrendChartInput,
  ctx: CommandContext,
): Promise<V> {
  if (!ctx.charts || input.points.length === 0) return view;
  // Slack refuses a whole message whose image it cannot fetch: no chart on a local address.
  if (ctx.channel.kind === 'slack' && !ctx.charts.publicLinks) return view;
  try {
    return { ...view, chart: await ctx.charts.chartFor(input, ctx.now) };
  } catch (error) {
    ctx.onError?.(error);
    return view;
  }
}
