/**
 * The one HTTP server of the bot service (node:http, no framework): health, the local
 * playground, and the routes the channel adapters hand in. Cross-cutting rules live here once:
 * body size limit, JSON errors, one structured log line per request, graceful close.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCertifyError } from '../base/errors.js';
import { NO_TELEMETRY, type Telemetry } from '../base/telemetry.js';
import type { CertificateLookup } from '../services/rotation.js';
import { certificateRoute } from './cert-page.js';
import { chartRoute, type ChartImages } from './chart-route.js';
import { downloadRoute, type DownloadLinks } from './download-route.js';
import { HttpError, MAX_BODY_BYTES, sendJson } from './http.js';
import type { PlaygroundFeed } from './playground-feed.js';
import { playgroundRoutes } from './playground-routes.js';
import type { Readiness } from './readiness.js';
import type { BotConfig } from './config.js';
import type { BotCore, Log, Route } from './types.js';

/**
 * How long a client has to send a whole request, body included: Node's default (300 s) lets a
 * slow sender hold a connection for five minutes. Chat platforms send small bodies at once.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long close() waits, by default, for in-flight requests before cutting the remaining connections. */
const CLOSE_GRACE_MS = 10_000;

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
  /** GET /downloads/<token>: redeems a single-use link; HEAD only checks it (see download-route.ts). */
  redeemDownload?: DownloadLinks;
  /** GET /charts/<token>.png: a trend chart behind its expiring link (see chart-route.ts). */
  charts?: ChartImages;
  /** The time expiring links are judged at (default Date.now; tests pass their own). */
  clock?: () => number;
  /** GET /.well-known/jwks.json: the public key that signs bundles and certificates. */
  jwks?: () => unknown;
  /** GET /certs/<id>: a provenance certificate (HTML or JSON) with its verification status. */
  certificates?: { lookup: (id: string) => Promise<CertificateLookup | null>; jwksUrl: () => string };
  /** GET /readyz: 200 when ready, 503 naming what is not (see readiness.ts). */
  readiness?: () => Promise<Readiness>;
  /** Overrides REQUEST_TIMEOUT_MS (tests). */
  requestTimeoutMs?: number;
  /** Counts every answered request (certify.http.server.requests); default: none. */
  telemetry?: Telemetry;
}

export interface BotServer {
  listen(): Promise<{ port: number }>;
  /** Stops accepting connections; in-flight requests get `graceMs` (default 10 s) to finish. */
  close(graceMs?: number): Promise<void>;
}

/** Paths whose last segment is a bearer token: logged without it. */
function loggablePath(path: string): string {
  if (path.startsWith('/downloads/')) return '/downloads/…';
  return path.startsWith('/charts/') ? '/charts/…' : path;
}

export function createServer(deps: ServerDeps): BotServer {
  const { config, core, log, version } = deps;
  const telemetry = deps.telemetry ?? NO_TELEMETRY;
  const started = Date.now();
  const routes = new Map<string, Route>();
  routes.set('GET /healthz', async (_req, res) => {
    sendJson(res, 200, {
      ok: true,
      version,
      uptimeSeconds: Math.floor((Date.now() - started) / 1000),
      node: process.version,
      playground: config.playground,
      teams: config.teams !== null,
      slack: config.slack !== null,
    });
  });
  if (deps.readiness) {
    const check = deps.readiness;
    routes.set('GET /readyz', async (_req, res) => {
      const { ready, problems } = await check();
      sendJson(res, ready ? 200 : 503, { ready, problems });
    });
  }
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
  if (deps.charts) routes.set('GET /charts/*', chartRoute(deps.charts, deps.clock ?? Date.now));
  if (config.playground) {
    const playground = playgroundRoutes({
      core,
      readOnly: config.playgroundReadOnly,
      publicUrl: config.publicUrl,
      feed: deps.playgroundFeed,
      runScheduledScan: deps.runScheduledScan,
    });
    for (const [key, route] of Object.entries(playground)) routes.set(key, route);
  }
  // Adapter routes last: they may not shadow the built-in ones by accident.
  for (const [key, route] of Object.entries(deps.routes ?? {})) {
    if (!routes.has(key)) routes.set(key, route);
    else log('route_ignored', { route: key, reason: 'a built-in route has this key' });
  }

  const match = (method: string, path: string): { route?: Route; key?: string; allowed: string[] } => {
    const allowed: string[] = [];
    let route: Route | undefined;
    let routeKey: string | undefined;
    for (const [key, r] of routes) {
      const space = key.indexOf(' ');
      const m = key.slice(0, space);
      const p = key.slice(space + 1);
      const hit = p.endsWith('/*') ? path.startsWith(p.slice(0, -1)) : p === path;
      if (!hit) continue;
      allowed.push(m);
      // HEAD is answered like GET by node:http's semantics for static pages and health checks.
      if (!route && (m === method || (method === 'HEAD' && m === 'GET'))) {
        route = r;
        routeKey = key;
      }
    }
    return { route, ...(routeKey ? { key: routeKey } : {}), allowed };
  };

  let closing = false;
  const requestTimeoutMs = deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const server = createHttpServer(
    // Node checks these timeouts only every connectionsCheckingInterval (30 s by default).
    { requestTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs) },
    async (req, res) => {
      const t0 = performance.now();
      const method = req.method ?? 'GET';
      let path = '/';
      try {
        path = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        path = '/';
      }
      /** The route's key (`POST /api/playground/command`, `GET /downloads/*`): a bounded attribute. */
      let routeKey = 'unmatched';
      res.on('close', () => {
        telemetry.count('certify.http.server.requests', 1, {
          'http.route': routeKey,
          'http.status_class': `${Math.floor(res.statusCode / 100)}xx`,
        });
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
        const { route, key, allowed } = match(method, path);
        if (key) {
          routeKey = key;
          telemetry.routeMatched(method, key.slice(key.indexOf(' ') + 1));
        }
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
          log('http_error', {
            level: 'error',
            method,
            path: loggablePath(path),
            error: (e as Error).message,
          });
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
    },
  );
  // The slow-loris guards: a client has this long to send its headers, and its whole request.
  server.headersTimeout = Math.min(20_000, requestTimeoutMs);

  return {
    listen() {
      return new Promise((resolvePort, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolvePort({ port: (server.address() as AddressInfo).port });
        });
      });
    },
    close(graceMs = CLOSE_GRACE_MS) {
      closing = true;
      return new Promise((resolveClose) => {
        if (!server.listening) {
          resolveClose();
          return;
        }
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
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
