/**
 * The one HTTP server of the bot service (node:http, no framework): health, the local
 * playground, and the routes the channel adapters hand in. Cross-cutting rules live here once:
 * body size limit, JSON errors, one structured log line per request, graceful close.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { toAdaptiveCard } from '../cards/index.js';
import type { View } from '../cards/views.js';
import { packageInfo } from '../core/package-info.js';
import { isCertifyError } from '../scanner/errors.js';
import type { CertificateLookup } from '../provenance/service.js';
import { certificateRoute } from './cert-page.js';
import { downloadRoute, type RedeemDownload } from './download-route.js';
import { HttpError, MAX_BODY_BYTES, readJsonBody, sendJson } from './http.js';
import type { BotConfig } from './config.js';
import type { BotCore, BotUser, Log, Route } from './types.js';

/** How long close() waits for in-flight requests before cutting the remaining connections. */
const CLOSE_GRACE_MS = 10_000;
const MAX_COMMAND_CHARS = 2000;

export interface ServerDeps {
  config: BotConfig;
  core: BotCore;
  log: Log;
  /** Adapter routes keyed `METHOD /path` (e.g. `POST /slack/events`); `/prefix/*` matches below it. */
  routes?: Record<string, Route>;
  version: string;
  /** Proactive alerts for the playground page, polled at GET /api/playground/events. */
  playgroundFeed?: PlaygroundFeed;
  /** Forces a scheduled scan (and its alerts) now: POST /api/playground/scan. */
  runScheduledScan?: () => Promise<string>;
  /** GET /downloads/<token>: redeems a single-use link (throws CertifyError NOT_FOUND / EXPIRED / CONFLICT). */
  redeemDownload?: RedeemDownload;
  /** GET /.well-known/jwks.json: the public key that signs bundles and certificates. */
  jwks?: () => unknown;
  /** GET /certs/<id>: a provenance certificate (HTML or JSON) with its verification status. */
  certificates?: { lookup: (id: string) => CertificateLookup | null; jwksUrl: () => string };
}

/** Alert cards queued for the playground page; each gets a sequence number to poll after. */
export interface PlaygroundFeed {
  push(view: View): void;
  /** Entries with a sequence number above `after`, oldest first. */
  since(after: number): { seq: number; view: View }[];
}

/** Keeps the newest `limit` views in memory. */
export function createPlaygroundFeed(limit = 50): PlaygroundFeed {
  const entries: { seq: number; view: View }[] = [];
  let seq = 0;
  return {
    push(view) {
      entries.push({ seq: ++seq, view });
      if (entries.length > limit) entries.splice(0, entries.length - limit);
    },
    since(after) {
      return entries.filter((e) => e.seq > after);
    },
  };
}

export interface BotServer {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const PLAYGROUND_USER: BotUser = { id: 'playground-user', name: 'Playground user' };
const PLAYGROUND_CHANNEL = { kind: 'playground', id: 'playground' } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function playgroundUser(body: Record<string, unknown>): BotUser {
  const user = body.user;
  if (user === undefined) return PLAYGROUND_USER;
  if (!isRecord(user) || typeof user.id !== 'string' || user.id.trim() === '') {
    throw new HttpError(400, 'user must be an object with a non-empty string id', ['user.id']);
  }
  return { id: user.id, name: typeof user.name === 'string' && user.name ? user.name : user.id };
}

function answer(res: ServerResponse, view: View) {
  sendJson(res, 200, { card: toAdaptiveCard(view), view });
}

/** Static playground files: the page, its script and style, and the Adaptive Cards renderer. */
interface Asset {
  type: string;
  path: () => string;
}

// Resolved lazily (not at import): from dist/ the playground files are still under the package root.
const playgroundFile = (name: string) => () => join(packageInfo().root, 'bot', 'playground', name);
const ASSETS: Record<string, Asset> = {
  '/': { type: 'text/html; charset=utf-8', path: playgroundFile('index.html') },
  '/playground/app.js': { type: 'text/javascript; charset=utf-8', path: playgroundFile('app.js') },
  '/playground/style.css': { type: 'text/css; charset=utf-8', path: playgroundFile('style.css') },
  '/playground/adaptivecards.js': {
    type: 'text/javascript; charset=utf-8',
    path: () => createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'),
  },
};

// The page loads only its own files; inline style attributes are allowed because the Adaptive
// Cards renderer sets element styles.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Paths whose last segment is a bearer token: logged without it. */
function loggablePath(path: string): string {
  return path.startsWith('/downloads/') ? '/downloads/…' : path;
}

export function createServer(deps: ServerDeps): BotServer {
  const { config, core, log, version } = deps;
  const started = Date.now();
  const assetCache = new Map<string, Buffer>();

  const serveAsset = (asset: Asset): Route => {
    return async (_req, res) => {
      const file = asset.path();
      let body = assetCache.get(file);
      if (!body) {
        body = await readFile(file);
        assetCache.set(file, body);
      }
      res.writeHead(200, {
        'content-type': asset.type,
        'content-length': body.length,
        'cache-control': 'no-cache',
        ...PAGE_HEADERS,
      });
      res.end(body);
    };
  };

  const routes = new Map<string, Route>();
  routes.set('GET /healthz', async (_req, res) => {
    sendJson(res, 200, {
      ok: true,
      version,
      uptimeSeconds: Math.floor((Date.now() - started) / 1000),
      playground: config.playground,
      teams: config.teams !== null,
      slack: config.slack !== null,
    });
  });
  if (deps.jwks) {
    const jwks = deps.jwks;
    routes.set('GET /.well-known/jwks.json', async (_req, res) => {
      sendJson(res, 200, jwks(), { 'cache-control': 'public, max-age=300' });
    });
  }
  if (deps.certificates) {
    routes.set('GET /certs/*', certificateRoute(deps.certificates.lookup, deps.certificates.jwksUrl));
  }
  if (deps.redeemDownload) routes.set('GET /downloads/*', downloadRoute(deps.redeemDownload));
  if (config.playground) {
    for (const [path, asset] of Object.entries(ASSETS)) routes.set(`GET ${path}`, serveAsset(asset));
    // Browsers ask for it unprompted; an empty answer keeps their consoles free of a 404.
    routes.set('GET /favicon.ico', async (_req, res) => {
      res.writeHead(204).end();
    });
    routes.set('POST /api/playground/command', async (req, res) => {
      const body = await readJsonBody(req);
      if (!isRecord(body) || typeof body.text !== 'string') {
        throw new HttpError(400, 'the body must be a JSON object with a string "text"', ['text']);
      }
      if (body.text.length > MAX_COMMAND_CHARS) {
        throw new HttpError(400, `text is longer than ${MAX_COMMAND_CHARS} characters`, ['text']);
      }
      answer(res, await core.answer(body.text, playgroundUser(body), PLAYGROUND_CHANNEL));
    });
    routes.set('POST /api/playground/action', async (req, res) => {
      const body = await readJsonBody(req);
      if (!isRecord(body) || typeof body.verb !== 'string' || body.verb === '') {
        throw new HttpError(400, 'the body must be a JSON object with a string "verb"', ['verb']);
      }
      const data = body.data ?? {};
      if (!isRecord(data) || !Object.values(data).every((v) => typeof v === 'string')) {
        throw new HttpError(400, '"data" must be an object of strings', ['data']);
      }
      answer(
        res,
        await core.act(body.verb, data as Record<string, string>, playgroundUser(body), PLAYGROUND_CHANNEL),
      );
    });
  }
  if (config.playground) {
    // Without a feed (no scheduler wired) the page still polls: it gets an empty list.
    const feed = deps.playgroundFeed ?? { push: () => {}, since: () => [] };
    routes.set('GET /api/playground/events', async (req, res) => {
      const afterText = new URL(req.url ?? '/', 'http://localhost').searchParams.get('after') ?? '0';
      if (!/^\d{1,15}$/.test(afterText)) {
        throw new HttpError(400, 'after must be a whole number', ['after']);
      }
      const events = feed.since(Number(afterText)).map((e) => ({
        seq: e.seq,
        card: toAdaptiveCard(e.view),
        view: e.view,
      }));
      sendJson(res, 200, { events, last: events.at(-1)?.seq ?? Number(afterText) });
    });
  }
  if (config.playground && deps.runScheduledScan) {
    const runScan = deps.runScheduledScan;
    routes.set('POST /api/playground/scan', async (req, res) => {
      req.resume();
      sendJson(res, 200, { outcome: await runScan() });
    });
  }
  // Adapter routes last: they may not shadow the built-in ones by accident.
  for (const [key, route] of Object.entries(deps.routes ?? {})) {
    if (!routes.has(key)) routes.set(key, route);
    else log('route_ignored', { route: key, reason: 'a built-in route has this key' });
  }

  const match = (method: string, path: string): { route?: Route; allowed: string[] } => {
    const allowed: string[] = [];
    let route: Route | undefined;
    for (const [key, r] of routes) {
      const space = key.indexOf(' ');
      const m = key.slice(0, space);
      const p = key.slice(space + 1);
      const hit = p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : p === path;
      if (!hit) continue;
      allowed.push(m);
      if (m === method && !route) route = r;
      // HEAD is answered like GET by node:http's semantics for static pages and health checks.
      if (method === 'HEAD' && m === 'GET' && !route) route = r;
    }
    return { route, allowed };
  };

  let closing = false;
  const server = createHttpServer(async (req, res) => {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    let path = '/';
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      path = '/';
    }
    res.on('close', () => {
      log('http', {
        method,
        path: loggablePath(path),
        status: res.statusCode,
        ms: Math.round((performance.now() - t0) * 10) / 10,
      });
      // While closing, a keep-alive connection that just went idle must not hold close() open.
      if (closing) server.closeIdleConnections();
    });
    if (closing) res.setHeader('connection', 'close');
    try {
      const { route, allowed } = match(method, path);
      if (!route) {
        if (allowed.length > 0) {
          sendJson(
            res,
            405,
            { error: `${method} is not allowed on ${path}`, allowed },
            { allow: allowed.join(', ') },
          );
        } else {
          sendJson(res, 404, { error: `no route for ${method} ${path}` });
        }
        // Unread request bodies are drained so the connection can be reused.
        req.resume();
        return;
      }
      if (Number(req.headers['content-length'] ?? '0') > MAX_BODY_BYTES) {
        throw new HttpError(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
      }
      await route(req, res);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : isCertifyError(e) && e.exitCode === 2 ? 400 : 500;
      const problems = e instanceof HttpError || isCertifyError(e) ? e.problems : [];
      if (status === 500)
        log('http_error', { method, path: loggablePath(path), error: (e as Error).message });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // After a 413 the rest of the body is not worth reading: close the connection instead.
      const headers: Record<string, string> = status === 413 ? { connection: 'close' } : {};
      sendJson(
        res,
        status,
        { error: status === 500 ? 'internal error' : (e as Error).message, problems },
        headers,
      );
    }
  });
  // The slow-loris guard: a client has this long to send its headers.
  server.headersTimeout = 20_000;

  return {
    listen() {
      return new Promise((resolvePort, reject) => {
        server.once('error', reject);
        server.listen(config.port, () => {
          server.off('error', reject);
          resolvePort({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close() {
      closing = true;
      return new Promise((resolveClose) => {
        if (!server.listening) {
          resolveClose();
          return;
        }
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolveClose();
        });
        server.closeIdleConnections();
      });
    },
  };
}
