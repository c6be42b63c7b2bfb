/** `/certify trend [framework]`: the score over the saved scans, and what changed at the latest. */
import { ruleNamer, TREND_ROWS, trendView } from '../../cards/history-views.js';
import type { View } from '../../cards/views.js';
import { createHistoryService } from '../../services/history.js';
import type { CommandContext } from './context.js';

export async function trendCommand(framework: string | null, ctx: CommandContext): Promise<View> {
  // Over the ports this command was given, as every handler reads them: the service only reads,
  // so one per command costs nothing, and a core wired for tests needs nothing more.
  const trend = await createHistoryService({ scans: ctx.ports.scans }).history({ framework });
  return trendView(trend, {
    ruleName: ruleNamer(await ctx.rules.list()),
    maxRows: TREND_ROWS,
    emptyHint: '/certify scan saves one now; scheduled scans are saved too.',
  });
}
