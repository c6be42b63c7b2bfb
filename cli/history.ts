/**
 * `certify history [--framework F] [--limit N] [--json]`: the score over the saved scans, newest
 * first, with the change at each scan and the rules that started or stopped failing there.
 */
import type { Services } from '../app/compose.js';
import { ruleNamer, trendView } from '../cards/history-views.js';
import { toTerminalText } from '../cards/terminal.js';
import type { Trend } from '../scanner/trend.js';
import { DEFAULT_TREND_LIMIT } from '../services/history.js';
import { parse, positiveInt, str } from './args.js';
import type { Colors } from './render.js';

export interface HistoryCliCtx {
  io: { stdout: NodeJS.WritableStream };
  c: Colors;
  services: () => Services;
}

const say = (ctx: HistoryCliCtx, text: string) => ctx.io.stdout.write(`${text}\n`);

/** `--json`: `certify.history/v1` (README, "The CLI"). Field names are the contract; keep them. */
export function historyJson(trend: Trend, limit: number) {
  return {
    schema: 'certify.history/v1',
    framework: trend.framework && { id: trend.framework.id, name: trend.framework.name },
    limit,
    scans: trend.points.map((p) => ({
      scanId: p.scanId,
      at: p.at,
      source: p.source,
      score: p.score,
      rating: p.rating,
      previousScanId: p.previous?.scanId ?? null,
      change: p.change,
      startedFailing: p.startedFailing,
      stoppedFailing: p.stoppedFailing,
      frameworkScores: p.frameworkScores,
    })),
  };
}

export async function cmdHistory(ctx: HistoryCliCtx, argv: readonly string[]): Promise<number> {
  const { values } = parse(
    'history',
    argv,
    { framework: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    0,
  );
  const services = ctx.services();
  const limit = positiveInt(values, 'limit') ?? DEFAULT_TREND_LIMIT;
  const trend = await services.history.history({ framework: str(values, 'framework') ?? null, limit });
  if (values.json) {
    say(ctx, JSON.stringify(historyJson(trend, limit), null, 2));
    return 0;
  }
  const view = trendView(trend, {
    ruleName: ruleNamer(await services.rules.list()),
    emptyHint: 'run `certify scan` to save one (the bot saves its scheduled scans too)',
  });
  say(ctx, toTerminalText(view, ctx.c));
  return 0;
}
