/** Proactive alerts: chat.postMessage / chat.update with the bot token, Block Kit from cards/. */
import { webApi } from '@slack/bolt';
import { toBlockKit } from '../../cards/index.js';
import type { View } from '../../cards/views.js';
import type { Log } from '../types.js';
import { boltLogger } from './logger.js';
import type { SlackBlocks } from './listeners.js';

export interface SlackNotifierDeps {
  config: { slack: { botToken: string; apiUrl: string } | null };
  log: Log;
}

export interface SlackNotifier {
  post(channelId: string, view: View): Promise<{ ts: string }>;
  update(channelId: string, ts: string, view: View): Promise<void>;
}

/** Web API options shared by the App and the notifier: a bounded retry, a request timeout. */
export function webClientOptions(apiUrl: string, log: Log): webApi.WebClientOptions {
  return {
    slackApiUrl: apiUrl,
    logger: boltLogger(log),
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000 },
  };
}

export function createSlackNotifier(deps: SlackNotifierDeps): SlackNotifier {
  const { slack } = deps.config;
  if (slack === null) throw new Error('Slack is not configured (SLACK_BOT_TOKEN)');
  let client: webApi.WebClient | undefined;
  const web = (): webApi.WebClient =>
    (client ??= new webApi.WebClient(slack.botToken, {
      ...webClientOptions(slack.apiUrl, deps.log),
      // A throttled post fails at once: the delivery job retries it with backoff (and on another
      // replica if need be) instead of the client sleeping inside one attempt.
      rejectRateLimitedCalls: true,
    }));
  return {
    async post(channelId, view) {
      const { text, blocks } = toBlockKit(view);
      const result = await web().chat.postMessage({
        channel: channelId,
        text,
        blocks: blocks as SlackBlocks,
      });
      if (typeof result.ts !== 'string') throw new Error('chat.postMessage returned no ts');
      deps.log('slack.notify.posted', { channel: channelId, ts: result.ts, kind: view.kind });
      return { ts: result.ts };
    },
    async update(channelId, ts, view) {
      const { text, blocks } = toBlockKit(view);
      await web().chat.update({ channel: channelId, ts, text, blocks: blocks as SlackBlocks });
      deps.log('slack.notify.updated', { channel: channelId, ts, kind: view.kind });
    },
  };
}
