/**
 * The playground's routes: its page and files, commands and button presses as the demo people,
 * queued alerts, and "run the scheduled scan now". Every request passes the guard first.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toAdaptiveCard } from '../cards/index.js';
import type { View } from '../cards/views.js';
import { packageInfo } from '../base/package-info.js';
import { commandFromAction, parseCommand } from './commands/parse.js';
import { HttpError, readJsonBody, sendJson } from './http.js';
import { playgroundMayRun, playgroundRequestProblem, playgroundUser } from './playground-guard.js';
import type { PlaygroundFeed } from './playground-feed.js';
import type { BotCore, Route } from './types.js';

const MAX_COMMAND_CHARS = 2000;
const PLAYGROUND_CHANNEL = { kind: 'playground', id: 'playground' } as const;

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

export interface PlaygroundDeps {
  core: BotCore;
  /** Why the playground may only read, or null for the local demo (config.playgroundReadOnly). */
  readOnly: string | null;
  publicUrl: string;
  feed?: PlaygroundFeed;
  runScheduledScan?: () => Promise<string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A chart's link made relative: this server draws and serves it, and the page may open the
 * playground under a name other than CERTIFY_PUBLIC_URL (its policy loads only its own images).
 */
function ownCharts(view: View): View {
  if ((view.kind !== 'score' && view.kind !== 'trend') || !view.chart) return view;
  const { pathname } = new URL(view.chart.url);
  return pathname.startsWith('/charts/') ? { ...view, chart: { ...view.chart, url: pathname } } : view;
}

function answer(res: ServerResponse, answered: View) {
  const view = ownCharts(answered);
  sendJson(res, 200, { card: toAdaptiveCard(view), view });
}

export function playgroundRoutes(deps: PlaygroundDeps): Record<string, Route> {
  const { core, readOnly, publicUrl } = deps;
  const assetCache = new Map<string, Buffer>();

  const guarded =
    (route: Route): Route =>
    async (req, res) => {
      const problem = playgroundRequestProblem(facts(req), publicUrl);
      if (problem) throw problem;
      await route(req, res);
    };
  const refuseWhenReadOnly = (what: string) => {
    if (readOnly !== null) {
      throw new HttpError(
        403,
        `the playground is read-only here (${readOnly}): it cannot ${what}; use Teams or Slack, where people sign in`,
      );
    }
  };

  const routes: Record<string, Route> = {};
  for (const [path, asset] of Object.entries(ASSETS)) {
    routes[`GET ${path}`] = guarded(async (_req, res) => {
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
    });
  }
  // Browsers ask for it unprompted; an empty answer keeps their consoles free of a 404.
  routes['GET /favicon.ico'] = async (_req, res) => {
    res.writeHead(204).end();
  };
  routes['POST /api/playground/command'] = guarded(async (req, res) => {
    const body = await readJsonBody(req);
    if (!isRecord(body) || typeof body.text !== 'string') {
      throw new HttpError(400, 'the body must be a JSON object with a string "text"', ['text']);
    }
    if (body.text.length > MAX_COMMAND_CHARS) {
      throw new HttpError(400, `text is longer than ${MAX_COMMAND_CHARS} characters`, ['text']);
    }
    const user = playgroundUser(body);
    if (!playgroundMayRun(parseCommand(body.text))) refuseWhenReadOnly('run this command');
    answer(res, await core.answer(body.text, user, PLAYGROUND_CHANNEL));
  });
  routes['POST /api/playground/action'] = guarded(async (req, res) => {
    const body = await readJsonBody(req);
    if (!isRecord(body) || typeof body.verb !== 'string' || body.verb === '') {
      throw new HttpError(400, 'the body must be a JSON object with a string "verb"', ['verb']);
    }
    const data = body.data ?? {};
    if (!isRecord(data) || !Object.values(data).every((v) => typeof v === 'string')) {
      throw new HttpError(400, '"data" must be an object of strings', ['data']);
    }
    const user = playgroundUser(body);
    const strings = data as Record<string, string>;
    if (!playgroundMayRun(commandFromAction(body.verb, strings))) refuseWhenReadOnly('press this button');
    answer(res, await core.act(body.verb, strings, user, PLAYGROUND_CHANNEL));
  });
  // Without a feed (no scheduler wired) the page still polls: it gets an empty list.
  const feed = deps.feed ?? { push: () => {}, since: () => [] };
  routes['GET /api/playground/events'] = guarded(async (req, res) => {
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
  if (deps.runScheduledScan) {
    const runScan = deps.runScheduledScan;
    routes['POST /api/playground/scan'] = guarded(async (req, res) => {
      req.resume();
      refuseWhenReadOnly('run the scheduled scan');
      sendJson(res, 200, { outcome: await runScan() });
    });
  }
  return routes;
}

function facts(req: IncomingMessage) {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return {
    method: req.method ?? 'GET',
    host: one(req.headers.host),
    origin: one(req.headers.origin),
    secFetchSite: one(req.headers['sec-fetch-site']),
    contentType: one(req.headers['content-type']),
  };
}
