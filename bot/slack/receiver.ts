/**
 * A Bolt Receiver that owns no server: the shared node:http server hands each
 * `POST /slack/events` request to `handle`, which reads and verifies it, answers ssl_check and
 * url_verification itself, and gives everything else to `app.processEvent` with an `ack` that
 * writes the HTTP response at once. A deadline timer answers an empty 200 at 2.5 s at the
 * latest, so Slack's 3-second limit never depends on a listener, authorize or the Web API.
 *
 * A verified request is checked against a DeliveryLedger before Bolt sees it: an exact replay
 * (same timestamp and signature) and a second delivery of the same command, press or event
 * (a Slack retry, which is signed afresh) are answered with an empty 200 and go no further.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { verifySlackRequest } from '@slack/bolt';
import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Log } from '../types.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { deliveryIdentity } from './delivery-identity.js';
import { errorMessage } from './logger.js';
import { MemoryDeliveryLedger } from './memory-delivery-ledger.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const ACK_DEADLINE_MS = 2_500;
export const MAX_SKEW_SECONDS = 5 * 60;
/**
 * How long a delivery is remembered. A timestamp passes the skew check from five minutes before
 * it to five minutes after, to the whole second, so a signature first seen at the earliest must
 * be remembered ten minutes and a second. Slack's last retry of an event comes about five
 * minutes after the first attempt, well inside that.
 */
export const DELIVERY_WINDOW_MS = (2 * MAX_SKEW_SECONDS + 1) * 1000;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export interface RouteReceiverOptions {
  signingSecret: string;
  log: Log;
  clock: () => number;
  /** Runs before the first event (Bolt's deferred init: auth.test); memoised by the caller. */
  ready: () => Promise<void>;
  ackDeadlineMs?: number;
  /** Deliveries already handled; default: this process's memory, for DELIVERY_WINDOW_MS. */
  ledger?: DeliveryLedger;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === '') {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
  } else if (typeof body === 'string') {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  } else {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

type Parsed = Record<string, unknown>;

function parseBody(raw: string, type: string): Parsed {
  if (type === FORM) {
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) return JSON.parse(payload) as Parsed;
    return Object.fromEntries(form);
  }
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('not an object');
  return parsed as Parsed;
}

/** Hashed so the ledger (perhaps a shared database) never holds a signature. */
function replayKey(timestamp: number, signature: string): string {
  return `replay:${createHash('sha256').update(`${timestamp}:${signature}`).digest('base64url')}`;
}

function retryNum(req: IncomingMessage): number | undefined {
  const v = single(req.headers['x-slack-retry-num']);
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isNaN(n) ? undefined : n;
}

export class RouteReceiver implements Receiver {
  private app: App | undefined;
  private readonly opts: RouteReceiverOptions;
  private readonly ledger: DeliveryLedger;

  constructor(opts: RouteReceiverOptions) {
    this.opts = opts;
    this.ledger = opts.ledger ?? new MemoryDeliveryLedger({ windowMs: DELIVERY_WINDOW_MS });
  }

  init(app: App): void {
    this.app = app;
  }

  /** Nothing to listen on: the shared server owns the port. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const { log } = this.opts;
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, 'method not allowed');
      return;
    }
    const type = mediaType(single(req.headers['content-type']));
    if (type !== FORM && type !== JSON_TYPE) {
      req.resume();
      log('slack.rejected', { status: 415, reason: 'content-type', contentType: type.slice(0, 80) });
      send(res, 415, 'unsupported content type');
      return;
    }
    let raw: string;
    try {
      raw = (await readBody(req, BODY_LIMIT_BYTES)).toString('utf8');
    } catch (e) {
      const tooLarge = e instanceof BodyTooLarge;
      log('slack.rejected', {
        status: tooLarge ? 413 : 400,
        reason: tooLarge ? 'body-too-large' : 'body-read',
      });
      send(res, tooLarge ? 413 : 400);
      return;
    }

    // Slack's SSL check carries no signature; nothing else in such a body is trusted or used.
    if (type === FORM && new URLSearchParams(raw).get('ssl_check') === '1') {
      send(res, 200);
      return;
    }

    const signature = single(req.headers['x-slack-signature']);
    const timestamp = Number(single(req.headers['x-slack-request-timestamp']));
    const now = this.opts.clock();
    const nowSec = Math.floor(now / 1000);
    if (signature === undefined || !Number.isFinite(timestamp) || timestamp <= 0) {
      log('slack.rejected', { status: 401, reason: 'missing-signature' });
      send(res, 401, 'unauthorized');
      return;
    }
    if (Math.abs(nowSec - timestamp) > MAX_SKEW_SECONDS) {
      log('slack.rejected', { status: 401, reason: 'stale-timestamp', skewSeconds: nowSec - timestamp });
      send(res, 401, 'unauthorized');
      return;
    }
    try {
      verifySlackRequest({
        signingSecret: this.opts.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: now,
      });
    } catch {
      log('slack.rejected', { status: 401, reason: 'signature' });
      send(res, 401, 'unauthorized');
      return;
    }

    // Only verified requests reach the ledger, so nobody without the secret can fill it. The retry
    // headers are not signed: they label logs and Bolt's context but never decide anything here.
    const retry = {
      retryNum: retryNum(req),
      retryReason: single(req.headers['x-slack-retry-reason'])?.slice(0, 40),
    };
    const replayed = await this.remembered(replayKey(timestamp, signature), now);
    if (replayed === undefined) {
      send(res, 503);
      return;
    }
    if (replayed) {
      // 200 and no body: an attacker learns nothing, and Slack, were it ever to resend the same
      // bytes, would stop there rather than retry a 401.
      log('slack_replay_refused', { timestamp, ...retry });
      send(res, 200);
      return;
    }

    let body: Parsed;
    try {
      body = parseBody(raw, type);
    } catch {
      log('slack.rejected', { status: 400, reason: 'body-parse' });
      send(res, 400, 'bad request');
      return;
    }
    if (body['type'] === 'url_verification') {
      send(res, 200, { challenge: body['challenge'] });
      return;
    }

    // Identity is checked with or without retry headers: a second delivery of the same trigger
    // or event is a duplicate either way, and one whose first never arrived is new to the ledger.
    const identity = deliveryIdentity(body);
    if (identity !== undefined) {
      const duplicate = await this.remembered(identity.key, now);
      if (duplicate === undefined) {
        send(res, 503);
        return;
      }
      if (duplicate) {
        log('slack_duplicate_ignored', { kind: identity.kind, ...retry });
        send(res, 200);
        return;
      }
    }

    await this.dispatch(res, body, retry, startedAt);
  }

  /**
   * Asks the ledger; undefined when it failed. A store that cannot answer must not let a possible
   * duplicate through, so the caller answers 503 and Slack retries later.
   */
  private async remembered(key: string, now: number): Promise<boolean | undefined> {
    try {
      return await this.ledger.seen(key, now);
    } catch (error) {
      this.opts.log('slack.ledger_failed', { error: errorMessage(error) });
      return undefined;
    }
  }

  /** Resolves once the HTTP response is written; the listener may still be working after that. */
  private dispatch(
    res: ServerResponse,
    body: Parsed,
    retry: Pick<ReceiverEvent, 'retryNum' | 'retryReason'>,
    startedAt: number,
  ): Promise<void> {
    const { log } = this.opts;
    const app = this.app;
    return new Promise<void>((responded) => {
      let acked = false;
      const finish = (status: number, content?: unknown): boolean => {
        if (acked) return false;
        acked = true;
        clearTimeout(deadline);
        send(res, status, content);
        responded();
        return true;
      };
      const deadlineMs = Math.max(
        0,
        (this.opts.ackDeadlineMs ?? ACK_DEADLINE_MS) - (performance.now() - startedAt),
      );
      const deadline = setTimeout(() => {
        if (finish(200)) log('slack.ack_deadline', { afterMs: Math.round(performance.now() - startedAt) });
      }, deadlineMs);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Bolt's own ReceiverEvent type
      const ack: AckFn<any> = (response?: unknown) => {
        finish(200, response);
        return Promise.resolve();
      };
      // Bolt puts retryNum and retryReason on the listener's context; a retry that got this far
      // is one whose first delivery never reached us, so listeners need not check them.
      const event: ReceiverEvent = { body, ack, ...retry };
      const work = async (): Promise<void> => {
        if (app === undefined) throw new Error('receiver used before App.init');
        await this.opts.ready();
        await app.processEvent(event);
      };
      work().then(
        () => {
          // No listener matched (or it never acked): answer now rather than at the deadline.
          finish(200);
        },
        (error: unknown) => {
          log('slack.process_failed', { error: errorMessage(error), acked });
          finish(500);
        },
      );
    });
  }
}
