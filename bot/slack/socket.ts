/**
 * A Bolt Receiver for Socket Mode: Certify opens a WebSocket to Slack (apps.connections.open with
 * the app-level token) and Slack sends every command, button press and event down it as an
 * envelope that must be acknowledged over the same socket. Nothing comes in over HTTP.
 *
 * The socket itself is Bolt's SocketModeReceiver (its SocketModeClient reconnects, answers pings
 * and turns each envelope into an `ack`). Bolt hands envelopes to whatever `init` gave it, so this
 * receiver gives it a gate rather than the App: the gate checks the same DeliveryLedger as the
 * HTTP route (Slack re-sends an unacknowledged envelope with `retry_attempt`, and a second
 * delivery of an event or trigger is acked and dropped), waits for Bolt's deferred init, and
 * acks at ACK_DEADLINE_MS at the latest, as the HTTP route answers.
 *
 * Reconnecting is done here, not by the client: its own reconnect leaves a failed
 * apps.connections.open (a network error, a token revoked meanwhile) as an unhandled rejection,
 * which ends the process. Here a failed attempt is logged and tried again, with backoff.
 */
import { performance } from 'node:perf_hooks';
import { SocketModeReceiver } from '@slack/bolt';
import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Log } from '../types.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { deliveryIdentity } from './delivery-identity.js';
import { boltLogger, errorMessage } from './logger.js';
import { MemoryDeliveryLedger } from './memory-delivery-ledger.js';
import { webClientOptions } from './notifier.js';
import { ACK_DEADLINE_MS, DELIVERY_WINDOW_MS } from './receiver.js';

export interface SocketReceiverOptions {
  /** The app-level token (xapp-…, connections:write); it goes to Slack and nowhere else. */
  appToken: string;
  /** The Web API base: `apps.connections.open` is called there, as every other method. */
  apiUrl: string;
  log: Log;
  clock: () => number;
  /** Runs before the first envelope is processed (Bolt's deferred init: auth.test); memoised by the caller. */
  ready: () => Promise<void>;
  ackDeadlineMs?: number;
  /** Deliveries already handled; default: this process's memory, for DELIVERY_WINDOW_MS. */
  ledger?: DeliveryLedger;
  /** The wait before the first reconnect attempt; it doubles per failure up to RECONNECT_MAX_MS. */
  reconnectDelayMs?: number;
}

export const RECONNECT_DELAY_MS = 500;
export const RECONNECT_MAX_MS = 60_000;
/**
 * How long stop() waits for Slack to answer the close frame. The client itself waits 30 s, more
 * than the shutdown's whole grace; after this the socket is left to the process's exit.
 */
export const STOP_WAIT_MS = 5_000;

type Body = Record<string, unknown>;

export class SocketReceiver implements Receiver {
  private app: App | undefined;
  private readonly opts: SocketReceiverOptions;
  private readonly ledger: DeliveryLedger;
  private readonly socket: SocketModeReceiver;
  /** Between a successful start and stop: a lost connection is then re-opened. */
  private running = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnecting = false;
  private failures = 0;

  constructor(opts: SocketReceiverOptions) {
    this.opts = opts;
    this.ledger = opts.ledger ?? new MemoryDeliveryLedger({ windowMs: DELIVERY_WINDOW_MS });
    const { log } = opts;
    const web = webClientOptions(opts.apiUrl, log);
    this.socket = new SocketModeReceiver({
      appToken: opts.appToken,
      logger: boltLogger(log),
      autoReconnectEnabled: false,
      installerOptions: {
        // Only the transport settings: the logger is the receiver's, and the client's default
        // retries (a hundred) would keep a start-up with a revoked token waiting for minutes.
        clientOptions: { slackApiUrl: web.slackApiUrl, timeout: web.timeout, retryConfig: web.retryConfig },
      },
      // The gate below acks whatever it can; anything that still escapes is logged, and acked so
      // Slack does not re-send what the ledger would drop anyway.
      processEventErrorHandler: ({ error }) => {
        log('slack.process_failed', { error: errorMessage(error), transport: 'socket' });
        return Promise.resolve(true);
      },
    });
    // Slack recycles its sockets every few hours (a `disconnect` message), and networks drop them.
    this.socket.client.on('disconnected', () => {
      if (this.running) this.reconnectLater();
    });
  }

  init(app: App): void {
    this.app = app;
    // SocketModeReceiver only ever calls `processEvent` on what it was given.
    const gate: Pick<App, 'processEvent'> = { processEvent: (event) => this.gate(event) };
    this.socket.init(gate as App);
  }

  /** Runs Bolt's init (auth.test with the bot token), then connects; rejects if either fails. */
  async start(): Promise<void> {
    await this.opts.ready();
    await this.socket.client.start();
    this.running = true;
    this.opts.log('slack.socket.connected', {});
  }

  /** Closes the socket; envelopes sent meanwhile are re-sent by Slack to another connection. */
  async stop(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      this.socket.client.disconnect().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), STOP_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (wasRunning) this.opts.log('slack.socket.disconnected', closed ? {} : { level: 'warn', closed });
  }

  /** One attempt at a time; while one runs, the client's own `disconnected` events are its. */
  private reconnectLater(): void {
    if (this.reconnectTimer !== undefined || this.reconnecting) return;
    const base = this.opts.reconnectDelayMs ?? RECONNECT_DELAY_MS;
    const delayMs = Math.min(RECONNECT_MAX_MS, base * 2 ** Math.min(this.failures, 16));
    this.opts.log('slack.socket.reconnecting', { level: 'warn', inMs: delayMs, failures: this.failures });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.running) return;
      this.reconnecting = true;
      this.socket.client.start().then(
        () => {
          this.reconnecting = false;
          this.failures = 0;
          if (this.running) this.opts.log('slack.socket.reconnected', {});
          // stop() came while connecting: that connection must not outlive it.
          else void this.socket.client.disconnect();
        },
        (error: unknown) => {
          this.reconnecting = false;
          this.failures += 1;
          this.opts.log('slack.socket.reconnect_failed', {
            level: 'warn',
            error: errorMessage(error),
            failures: this.failures,
          });
          if (this.running) this.reconnectLater();
        },
      );
    }, delayMs);
  }

  private async gate(event: ReceiverEvent): Promise<void> {
    const { log } = this.opts;
    const retry = {
      ...(event.retryNum !== undefined ? { retryNum: event.retryNum } : {}),
      ...(event.retryReason !== undefined ? { retryReason: event.retryReason.slice(0, 40) } : {}),
    };
    // Checked whether or not the envelope says it is a retry: a re-sent one whose first copy
    // never got here is new to the ledger, and one that did is a duplicate either way.
    const identity = deliveryIdentity(event.body as Body);
    if (identity !== undefined) {
      let duplicate: boolean;
      try {
        duplicate = await this.ledger.seen(identity.key, this.opts.clock());
      } catch (error) {
        // Not acked: Slack re-sends it, by when the store may answer (the HTTP route says 503).
        log('slack.ledger_failed', { error: errorMessage(error), transport: 'socket' });
        return;
      }
      if (duplicate) {
        log('slack_duplicate_ignored', { kind: identity.kind, transport: 'socket', ...retry });
        await this.send(event.ack);
        return;
      }
    }
    await this.dispatch(event);
  }

  /** Resolves once the listener is done; the ack has gone out by then, or at the deadline before. */
  private async dispatch(event: ReceiverEvent): Promise<void> {
    const { log } = this.opts;
    const startedAt = performance.now();
    let acked = false;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's own ReceiverEvent type
    const ack: AckFn<any> = (response?: unknown) => {
      if (acked) return Promise.resolve();
      acked = true;
      clearTimeout(deadline);
      return this.send(event.ack, response);
    };
    const deadline = setTimeout(() => {
      if (!acked) log('slack.ack_deadline', { afterMs: Math.round(performance.now() - startedAt) });
      void ack();
    }, this.opts.ackDeadlineMs ?? ACK_DEADLINE_MS);
    try {
      if (this.app === undefined) throw new Error('receiver used before App.init');
      await this.opts.ready();
      await this.app.processEvent({ ...event, ack });
    } catch (error) {
      log('slack.process_failed', { error: errorMessage(error), acked, transport: 'socket' });
    } finally {
      // No listener matched (or it never acked): ack now rather than at the deadline.
      await ack();
    }
  }

  /** An ack that cannot be sent (the socket just closed) is logged; Slack re-sends the envelope. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's own ReceiverEvent type
  private async send(ack: AckFn<any>, response?: unknown): Promise<void> {
    try {
      await ack(response);
    } catch (error) {
      this.opts.log('slack.socket.ack_failed', { error: errorMessage(error) });
    }
  }
}
