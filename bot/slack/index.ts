/**
 * Slack adapter: a Bolt App behind a custom receiver, mounted as the `POST /slack/events` route
 * of the shared server, plus a notifier for proactive messages. Nothing runs at import time;
 * Bolt's auth.test runs once, before the first verified request is processed.
 */
import { App } from '@slack/bolt';
import type { BotCore, Log, Route } from '../types.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { registerListeners } from './listeners.js';
import { boltLogger, errorMessage } from './logger.js';
import { webClientOptions } from './notifier.js';
import { RouteReceiver } from './receiver.js';

export { createSlackNotifier } from './notifier.js';
export type { SlackNotifier, SlackNotifierDeps } from './notifier.js';
export { ACK_DEADLINE_MS, BODY_LIMIT_BYTES, DELIVERY_WINDOW_MS, MAX_SKEW_SECONDS } from './receiver.js';
export type { DeliveryLedger } from './delivery-ledger.js';
export { MemoryDeliveryLedger } from './memory-delivery-ledger.js';
export { FAILED_TEXT, WORKING_TEXT } from './listeners.js';

export interface SlackRouteDeps {
  /** `slack: null` (not configured) is refused at construction; main.ts checks it first. */
  config: { slack: { botToken: string; signingSecret: string; apiUrl: string } | null };
  core: BotCore;
  log: Log;
  clock?: () => number;
  /** Deliveries already handled (retries, replays); default: in memory, for one replica. */
  ledger?: DeliveryLedger;
}

export function createSlackRoute(deps: SlackRouteDeps): Route {
  const { slack } = deps.config;
  if (slack === null) throw new Error('Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)');
  const { log } = deps;
  let initializing: Promise<void> | undefined;
  // eslint-disable-next-line prefer-const -- assigned once the App exists; `ready` closes over it
  let app: App;
  const ready = (): Promise<void> => {
    initializing ??= app.init().then(
      () => log('slack.ready', {}),
      (error: unknown) => {
        initializing = undefined; // retry on the next request
        throw new Error(`Slack auth.test failed: ${errorMessage(error)}`);
      },
    );
    return initializing;
  };
  const receiver = new RouteReceiver({
    signingSecret: slack.signingSecret,
    log,
    clock: deps.clock ?? Date.now,
    ready,
    ledger: deps.ledger,
  });
  app = new App({
    token: slack.botToken,
    signingSecret: slack.signingSecret,
    receiver,
    logger: boltLogger(log),
    clientOptions: webClientOptions(slack.apiUrl, log),
    // auth.test runs in ready() (awaited, errors caught), not in the constructor as a floating promise.
    deferInitialization: true,
  });
  registerListeners(app, { core: deps.core, log });
  return (req, res) => receiver.handle(req, res);
}
