/**
 * The App Home refresh after each scheduled scan: the homes of the remembered viewers published
 * again with a Web API client of its own (the bot token), as the notifier posts alerts.
 */
import { webApi } from '@slack/bolt';
import type { HomeViewers } from '../../store/home-viewers.js';
import type { Log } from '../types.js';
import { publishHome, refreshHomes, type HomeSource, type ViewsPublisher } from './home.js';
import { webClientOptions } from './notifier.js';

export interface SlackHomeRefresher {
  /** Republishes the homes of the remembered viewers; never throws. */
  refresh(): Promise<{ published: number; failed: number }>;
}

/** The refresh after each scheduled scan, with a Web API client of its own (the bot token). */
export function createSlackHomeRefresher(deps: {
  config: { slack: { botToken: string; apiUrl: string } };
  source: HomeSource;
  viewers: HomeViewers;
  log: Log;
  max?: number;
}): SlackHomeRefresher {
  let client: webApi.WebClient | undefined;
  const web = (): webApi.WebClient =>
    (client ??= new webApi.WebClient(deps.config.slack.botToken, {
      ...webClientOptions(deps.config.slack.apiUrl, deps.log),
      // A throttled publish is logged and skipped until the next scan, not waited for.
      rejectRateLimitedCalls: true,
    }));
  return {
    refresh: () =>
      refreshHomes({
        viewers: deps.viewers,
        publish: (viewer) => publishHome(web() as unknown as ViewsPublisher, deps.source, viewer),
        log: deps.log,
        ...(deps.max !== undefined ? { max: deps.max } : {}),
      }),
  };
}
