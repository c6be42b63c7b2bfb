/**
 * POST and OPTIONS /api/eventgrid: Key Vault's events from Event Grid. The request does only
 * what must happen before Event Grid's delivery timeout: read, authenticate, answer a handshake,
 * drop event ids already handled, and enqueue ONE job with the rest. Turning events into alerts
 * is the `eventgrid-events` job's work, on whichever replica takes it.
 *
 * Every request is authenticated first, handshakes included (Event Grid sends the URL's key and
 * its Entra token on those too): a subscription can only be validated by someone who holds the
 * credential. A refusal is a bare 401, enqueues nothing and is audited (throttled under a flood);
 * a token that cannot be checked because the tenant's keys are unreachable is a 503 instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWTVerifyGetKey } from 'jose';
import type { AuditEvent } from '../../evidence/types.js';
import type { DeliveryLedger } from '../slack/delivery-ledger.js';
import { throttledCount, type ThrottledCount } from '../throttled-count.js';
import { HttpError, readBody, sendJson } from '../http.js';
import type { Log, Route } from '../types.js';
import { authenticate, type RefusalReason } from './auth.js';
import type { EventGridConfig } from './config.js';
import { allowedOrigin } from './handshake.js';
import { parseDelivery } from './parse.js';
import { EVENTGRID_EVENTS_JOB, type EventGridEventsJobData } from './types.js';

/** Event Grid batches are at most 1 MB; a larger body is not a delivery. */
export const EVENTGRID_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * How long an event id is remembered: Event Grid retries a delivery for up to 24 hours (its
 * default and maximum event time-to-live), plus an hour for clocks and queues.
 */
export const EVENTGRID_DEDUPE_WINDOW_MS = 25 * 3_600_000;
/** Refusals of one reason are audited at once, then summed into at most one entry per minute. */
export const REFUSAL_AUDIT_EVERY_MS = 60_000;
/** Ledger keys share a table with Slack's deliveries; the prefix keeps the two apart. */
const LEDGER_PREFIX = 'eventgrid:';

export interface EventGridRouteDeps {
  config: EventGridConfig;
  jobs: { send(name: string, data: EventGridEventsJobData): Promise<string | null> };
  ledger: DeliveryLedger;
  audit: { append(event: AuditEvent, now: number): Promise<unknown> };
  log: Log;
  clock: () => number;
  /** The tenant's token-signing keys (auth.ts tenantKeys); null when tokens are not accepted. */
  keys: JWTVerifyGetKey | null;
}

function remoteAddress(req: IncomingMessage): string | null {
  return req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null;
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
}

export function createEventGridRoutes(deps: EventGridRouteDeps): Record<string, Route> {
  const { config, log, clock } = deps;
  /** Per reason: its throttle, and the latest refused request's address and method (what an entry names). */
  const throttles = new Map<
    RefusalReason,
    { count: ThrottledCount; last: { remote: string | null; method: string | null } }
  >();

  const refuse = (req: IncomingMessage, res: ServerResponse, reason: RefusalReason, now: number) => {
    let throttle = throttles.get(reason);
    if (!throttle) {
      const last = { remote: null as string | null, method: null as string | null };
      const count = throttledCount(REFUSAL_AUDIT_EVERY_MS, (n, at) => {
        const { remote, method } = last;
        log('eventgrid.refused', { level: 'warn', reason, remote, count: n });
        deps.audit
          .append(
            {
              action: 'eventgrid.refused',
              actor: { id: remote ?? 'unknown', name: 'Event Grid endpoint caller', channel: 'eventgrid' },
              subject: null,
              // `count`: refusals for this reason since the last entry (a flood is summed, not lost).
              details: { reason, remote, count: n, method },
            },
            at,
          )
          .catch((e: unknown) =>
            log('eventgrid.audit_failed', { level: 'error', reason, error: (e as Error).message }),
          );
      });
      throttle = { count, last };
      throttles.set(reason, throttle);
    }
    throttle.last.remote = remoteAddress(req);
    throttle.last.method = req.method ?? null;
    throttle.count.add(now);
    // Drained so the connection can be reused; nothing of the body is read or kept.
    req.resume();
    sendJson(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
  };

  /** Authenticates; false (the 401 already sent) when refused. */
  const admit = async (req: IncomingMessage, res: ServerResponse, now: number): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const decision = await authenticate(
      { key: url.searchParams.get('key'), authorization: header(req, 'authorization') },
      config,
      { keys: deps.keys, now },
    );
    if (!decision.ok && decision.reason === 'token keys unavailable') {
      // Our outage, not a forged token: Event Grid does not retry a 401 (it dead-letters), but
      // it retries a 503, by when the tenant's keys may be readable again.
      log('eventgrid.keys_unavailable', { level: 'error', error: decision.detail ?? null });
      req.resume();
      throw new HttpError(503, "the tenant's token-signing keys could not be read; try again later");
    }
    if (!decision.ok) {
      refuse(req, res, decision.reason, now);
      return false;
    }
    return true;
  };

  const options: Route = async (req, res) => {
    const now = clock();
    if (!(await admit(req, res, now))) return;
    const origin = allowedOrigin(header(req, 'webhook-request-origin') ?? undefined);
    if (!origin.ok) throw new HttpError(400, origin.problem);
    log('eventgrid.handshake', { schema: 'cloudevents', origin: origin.origin });
    res.writeHead(200, {
      'webhook-allowed-origin': origin.origin,
      // No rate limit of ours: each delivery is one small job.
      'webhook-allowed-rate': '*',
      allow: 'POST, OPTIONS',
      'content-length': 0,
    });
    res.end();
  };

  const post: Route = async (req, res) => {
    const now = clock();
    if (!(await admit(req, res, now))) return;
    const body = await readBody(req, EVENTGRID_BODY_LIMIT_BYTES);
    const receivedAt = new Date(now).toISOString();
    const delivery = await parseDelivery(body, header(req, 'content-type') ?? undefined, {
      vaultDnsSuffix: config.vaultDnsSuffix,
      receivedAt,
    });
    if (delivery.kind === 'validation') {
      log('eventgrid.handshake', { schema: 'eventgrid' });
      sendJson(res, 200, { validationResponse: delivery.validationCode });
      return;
    }
    for (const e of delivery.ignored) log('eventgrid.ignored', { level: 'debug', id: e.id, type: e.type });
    // One ledger answer per event: a batch may mix redelivered and new events.
    const seen = await Promise.all(
      delivery.events.map((e) =>
        deps.ledger.seen(LEDGER_PREFIX + e.id, now).catch((error: unknown) => {
          throw new HttpError(503, `the delivery ledger did not answer: ${(error as Error).message}`);
        }),
      ),
    );
    const fresh = delivery.events.filter((_, i) => !seen[i]);
    const duplicates = delivery.events.length - fresh.length;
    let job: string | null = null;
    if (fresh.length > 0) {
      try {
        job = await deps.jobs.send(EVENTGRID_EVENTS_JOB, { events: fresh, receivedAt });
      } catch (error) {
        // Event Grid retries a 5xx: the ids are forgotten so that the retry is queued, not taken
        // for a duplicate (a forget that fails too leaves it to the next scheduled scan).
        await Promise.all(fresh.map((e) => deps.ledger.forget(LEDGER_PREFIX + e.id).catch(() => undefined)));
        log('eventgrid.enqueue_failed', {
          level: 'error',
          ids: fresh.map((e) => e.id),
          error: (error as Error).message,
        });
        throw new HttpError(503, 'the events could not be queued');
      }
    }
    log('eventgrid.delivery', {
      schema: delivery.envelope,
      events: delivery.events.length,
      queued: fresh.length,
      duplicates,
      ignored: delivery.ignored.length,
      job,
    });
    sendJson(res, 200, { queued: fresh.length, duplicates, ignored: delivery.ignored.length });
  };

  return { 'POST /api/eventgrid': post, 'OPTIONS /api/eventgrid': options };
}
