/**
 * Slack adapter: a Bolt App behind a custom receiver, mounted as the `POST /slack/events` route
 * of the shared server, or (Socket Mode) connected to Slack over a WebSocket it opens itself;
 * plus a notifier for proactive messages, the same Web API client either way. Nothing runs at
 * import time; Bolt's auth.test runs once, before the first delivery is processed.
 */
import { App, type Receiver } from '@slack/bolt';
import type { BotCore, Log, Route } from '../types.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import type { SlackHomeDeps } from './home.js';
import { registerListeners } from './listeners.js';
import { boltLogger, errorMessage } from './logger.js';
import { webClientOptions } from './notifier.js';
import { RouteReceiver } from './receiver.js';
import { SocketReceiver } from './socket.js';

export { createSlackNotifier } from './notifier.js';
export type { SlackNotifier, SlackNotifierDeps } from './notifier.js';
export { ACK_DEADLINE_MS, BODY_LIMIT_BYTES, DELIVERY_WINDOW_MS, MAX_SKEW_SECONDS } from './receiver.js';
export type { DeliveryLedger } from './delivery-ledger.js';
export { MemoryDeliveryLedger } from './memory-delivery-ledger.js';
export { FAILED_TEXT, WORKING_TEXT } from './listeners.js';
export { stripBotMention } from './events.js';
export { createHomeSource, HOME_REFRESH_MAX, publishHome, refreshHomes } from './home.js';
export type { HomeSource, HomeSourceDeps, SlackHomeDeps } from './home.js';
export { createSlackHomeRefresher } from './home-refresh.js';
export type { SlackHomeRefresher } from './home-refresh.js';

export interface SlackRouteDeps {
  /** `slack: null` (not configured) is refused at construction; main.ts checks it first. */
  config: { slack: { botToken: string; signingSecret: string; apiUrl: string } | null };
  core: BotCore;
  log: Log;
  clock?: () => number;
  /** Deliveries already handled (retries, replays); default: in memory, for one replica. */
  ledger?: DeliveryLedger;
  /** The App Home (app_home_opened → views.publish); absent: the Home tab is left empty. */
  home?: SlackHomeDeps;
}

/** Bolt's deferred init (auth.test), memoised: once it succeeds, and again after a failure. */
function deferredInit(log: Log): { ready: () => Promise<void>; bind: (app: App) => void } {
  let initializing: Promise<void> | undefined;
  let app: App | undefined;
  const ready = (): Promise<void> => {
    if (app === undefined) return Promise.reject(new Error('Slack App not built yet'));
    initializing ??= app.init().then(
      () => log('slack.ready', {}),
      (error: unknown) => {
        initializing = undefined; // retry on the next delivery
        throw new Error(`Slack auth.test failed: ${errorMessage(error)}`);
      },
    );
    return initializing;
  };
  return { ready, bind: (a) => (app = a) };
}

/**
 * The Bolt App behind either receiver: its listeners, its Web API client, and auth.test left to
 * the receiver's `ready()` (awaited, errors caught) rather than run in the constructor as a
 * floating promise.
 */
function mountApp(
  receiver: Receiver,
  bind: (app: App) => void,
  deps: { core: BotCore; log: Log; home?: SlackHomeDeps },
  slack: { botToken: string; apiUrl: string; signingSecret?: string },
): void {
  const app = new App({
    token: slack.botToken,
    ...(slack.signingSecret !== undefined ? { signingSecret: slack.signingSecret } : {}),
    receiver,
    logger: boltLogger(deps.log),
    clientOptions: webClientOptions(slack.apiUrl, deps.log),
    deferInitialization: true,
  });
  bind(app);
  registerListeners(app, { core: deps.core, log: deps.log, ...(deps.home ? { home: deps.home } : {}) });
}

export function createSlackRoute(deps: SlackRouteDeps): Route {
  const { slack } = deps.config;
  if (slack === null) throw new Error('Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)');
  const { log } = deps;
  const { ready, bind } = deferredInit(log);
  const receiver = new RouteReceiver({
    signingSecret: slack.signingSecret,
    log,
    clock: deps.clock ?? Date.now,
    ready,
    ledger: deps.ledger,
  });
  mountApp(receiver, bind, deps, {
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    signingSecret: slack.signingSecret,
  });
  return (req, res) => receiver.handle(req, res);
}

export interface SlackSocketDeps {
  /** `slack: null` (not configured) is refused at construction; the service checks it first. */
  config: { slack: { botToken: string; appToken: string; apiUrl: string } | null };
  core: BotCore;
  log: Log;
  clock?: () => number;
  /** The same ledger as the HTTP route: Socket Mode re-sends unacknowledged envelopes too. */
  ledger?: DeliveryLedger;
  ackDeadlineMs?: number;
  /** The first reconnect's wait (tests); default RECONNECT_DELAY_MS, doubling per failure. */
  reconnectDelayMs?: number;
  /** The App Home, as for createSlackRoute. */
  home?: SlackHomeDeps;
}

/** The Socket Mode connection, started and stopped with the service. */
export interface SlackSocket {
  /** auth.test, apps.connections.open, then the WebSocket; rejects when any of them fails. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The same App, listeners and ledger as createSlackRoute, reached over Socket Mode: for local
 * development and for networks that let no traffic in. Nothing connects until `start`.
 */
export function createSlackSocket(deps: SlackSocketDeps): SlackSocket {
  const { slack } = deps.config;
  if (slack === null) throw new Error('Slack is not configured (SLACK_BOT_TOKEN, SLACK_APP_TOKEN)');
  const { log } = deps;
  const { ready, bind } = deferredInit(log);
  const receiver = new SocketReceiver({
    appToken: slack.appToken,
    apiUrl: slack.apiUrl,
    log,
    clock: deps.clock ?? Date.now,
    ready,
    ...(deps.ledger ? { ledger: deps.ledger } : {}),
    ...(deps.ackDeadlineMs !== undefined ? { ackDeadlineMs: deps.ackDeadlineMs } : {}),
    ...(deps.reconnectDelayMs !== undefined ? { reconnectDelayMs: deps.reconnectDelayMs } : {}),
  });
  mountApp(receiver, bind, deps, { botToken: slack.botToken, apiUrl: slack.apiUrl });
  return { start: () => receiver.start(), stop: () => receiver.stop() };
}
