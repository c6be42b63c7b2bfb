/**
 * A local stand-in for Slack: the Web API under /api/<method> (auth.test, chat.postMessage,
 * chat.update; anything else answers `{ ok: true }`) and response_url endpoints under
 * /response/<id>. Every call is recorded with a monotonic `at` (performance.now()).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface FakeSlackCall {
  /** Web API method name, or `response` for a POST to a response URL. */
  method: string;
  /** The response URL id, for `response` calls. */
  id?: string;
  body: Record<string, unknown>;
  /** Whether a `Bearer` token came with the call (the token itself is not kept). */
  authorized: boolean;
  at: number;
  /** The `ts` the fake answered a chat.postMessage with (what a chat.update names). */
  ts?: string;
}

export interface FakeSlack {
  apiUrl: string;
  responseUrl(id: string): string;
  calls: FakeSlackCall[];
  /**
   * The next calls of `method` answer these HTTP statuses in turn (429 with `Retry-After: 1`),
   * recorded like any call; later ones are answered as usual.
   */
  failNext(method: string, statuses: readonly number[]): void;
  /** Resolves with the first recorded call matching `pred` (already recorded or future). */
  waitFor(pred: (call: FakeSlackCall) => boolean, timeoutMs?: number): Promise<FakeSlackCall>;
  close(): Promise<void>;
}

function parse(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if ((contentType ?? '').startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The Web API client form-encodes nested values (blocks, …) as JSON.
    try {
      out[k] = v.startsWith('[') || v.startsWith('{') ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const waiters: { pred: (c: FakeSlackCall) => boolean; resolve: (c: FakeSlackCall) => void }[] = [];
  let seq = 0;
  const failures = new Map<string, number[]>();
  const record = (call: FakeSlackCall): void => {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.pred(call)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: Record<string, unknown>;
      try {
        body = parse(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const authorized = /^Bearer \S+/.test(req.headers.authorization ?? '');
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      };
      const response = /^\/response\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'POST' && response) {
        record({ method: 'response', id: decodeURIComponent(response[1] ?? ''), body, authorized, at });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
      if (!api) {
        res.writeHead(404).end();
        return;
      }
      const method = api[1] ?? '';
      const call: FakeSlackCall = { method, body, authorized, at };
      record(call);
      if (!authorized && method !== 'api.test') {
        json(200, { ok: false, error: 'not_authed' });
        return;
      }
      const failure = failures.get(method)?.shift();
      if (failure !== undefined) {
        res
          .writeHead(failure, {
            'content-type': 'application/json',
            ...(failure === 429 ? { 'retry-after': '1' } : {}),
          })
          .end(JSON.stringify({ ok: false, error: failure === 429 ? 'ratelimited' : 'fatal_error' }));
        return;
      }
      seq += 1;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
      switch (method) {
        case 'auth.test':
          json(200, {
            ok: true,
            url: 'https://certify-test.slack.com/',
            team: 'Certify Test',
            user: 'certify',
            team_id: 'T0CERTIFY',
            user_id: 'U0CERTIFY',
            bot_id: 'B0CERTIFY',
          });
          return;
        case 'chat.postMessage':
          call.ts = ts;
          json(200, { ok: true, channel: body['channel'], ts, message: { text: body['text'], ts } });
          return;
        case 'chat.update':
          json(200, { ok: true, channel: body['channel'], ts: body['ts'], text: body['text'] });
          return;
        default:
          json(200, { ok: true });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/response/${encodeURIComponent(id)}`,
    calls,
    failNext(method, statuses) {
      failures.set(method, [...(failures.get(method) ?? []), ...statuses]);
    },
    waitFor(pred, timeoutMs = 5_000) {
      const found = calls.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(entry), 1);
          reject(new Error(`fake-slack: no matching call within ${timeoutMs} ms`));
        }, timeoutMs);
        const entry = {
          pred,
          resolve: (c: FakeSlackCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        waiters.push(entry);
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
