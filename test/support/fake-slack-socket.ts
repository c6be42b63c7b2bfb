/**
 * A local stand-in for Slack's Socket Mode, in front of the fake Web API (./fake-slack): one HTTP
 * server whose `POST /api/apps.connections.open` checks for an app-level (`xapp-`) bearer token
 * and answers a `ws://` URL on itself, where a WebSocket server says `hello` and then carries the
 * envelopes a test sends. Every other request is passed on to the fake Web API as it came, so the
 * bot's one API base URL reaches both.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fake-slack/index.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSlackSocket {
  /** The Web API base to configure (CERTIFY_SLACK_API_URL): this server, then the fake Web API. */
  apiUrl: string;
  /** apps.connections.open calls: whether each carried an xapp- token (never the token itself). */
  opens: { appToken: boolean }[];
  /** Resolves when a client has connected and been sent `hello` (at once if one is). */
  connected(timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the connected client and resolves with its ack. */
  send(envelope: Envelope, timeoutMs?: number): Promise<Ack>;
  /** Every ack received, in order. */
  acks: Ack[];
  /** The next apps.connections.open calls answer `{ ok: false, error }`. */
  refuseNext(error: string): void;
  /** Cuts the client's connection without a word, as a network would. */
  drop(): void;
  /** How many WebSocket connections were opened so far. */
  readonly connections: number;
  close(): Promise<void>;
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

export async function startFakeSlackSocket(web: FakeSlack): Promise<FakeSlackSocket> {
  const target = new URL(web.apiUrl);
  const opens: { appToken: boolean }[] = [];
  const acks: Ack[] = [];
  const refusals: string[] = [];
  const pending = new Map<string, { resolve: (ack: Ack) => void; reject: (e: Error) => void }>();
  let socket: WebSocket | undefined;
  let onHello: (() => void)[] = [];
  let port = 0;
  let connections = 0;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method === 'POST' && path === '/api/apps.connections.open') {
      req.resume();
      const appToken = /^Bearer xapp-\S+$/.test(req.headers.authorization ?? '');
      opens.push({ appToken });
      const refusal = refusals.shift();
      const body = !appToken
        ? { ok: false, error: 'not_allowed_token_type' }
        : refusal !== undefined
          ? { ok: false, error: refusal }
          : { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=fake-ticket-${opens.length}` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    forward(req, res, target);
  });
  const wss = new WebSocketServer({ server, path: '/link/' });
  wss.on('connection', (ws) => {
    socket = ws;
    connections += 1;
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as Ack;
      acks.push(ack);
      const waiter = pending.get(ack.envelope_id);
      if (waiter) {
        pending.delete(ack.envelope_id);
        waiter.resolve(ack);
      }
    });
    ws.on('close', () => {
      if (socket === ws) socket = undefined;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' } }));
    const waiting = onHello;
    onHello = [];
    for (const done of waiting) done();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    opens,
    acks,
    connected(timeoutMs = 5_000) {
      if (socket !== undefined) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fake-slack-socket: no client within ${timeoutMs} ms`)),
          timeoutMs,
        );
        onHello.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    send(envelope, timeoutMs = 5_000) {
      const ws = socket;
      if (ws === undefined) return Promise.reject(new Error('fake-slack-socket: no client connected'));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(envelope.envelope_id);
          reject(new Error(`fake-slack-socket: no ack for ${envelope.envelope_id} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(envelope.envelope_id, {
          resolve: (ack) => {
            clearTimeout(timer);
            resolve(ack);
          },
          reject,
        });
        ws.send(JSON.stringify(envelope));
      });
    },
    refuseNext(error) {
      refusals.push(error);
    },
    drop() {
      socket?.terminate();
      socket = undefined;
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
