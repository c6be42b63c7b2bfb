/**
 * `GET /charts/<token>.png`: a trend chart behind its unguessable, expiring link, for Slack's and
 * Teams' image proxies and the playground. Not single-use (a proxy may fetch it again), so it is
 * cached privately for a day at most. A token not in the issued format is a 404 that never
 * reaches the store; an unknown or expired one is the same 404, so the answer tells nothing.
 */
import { sendJson } from './http.js';
import type { Route } from './types.js';

/** What the route asks of the chart service (services/charts.ts). */
export interface ChartImages {
  read(token: string, now: number): Promise<{ png: Buffer; alt: string } | null>;
}

const PATH = /^\/charts\/([^/]+)\.png$/;

/** A day: enough for a proxy not to ask twice; never past a link's own expiry by much. */
export const CHART_MAX_AGE_SECONDS = 86_400;

export function chartRoute(charts: ChartImages, clock: () => number): Route {
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const token = PATH.exec(path)?.[1];
    const chart = token === undefined ? null : await charts.read(token, clock());
    if (chart === null) {
      sendJson(
        res,
        404,
        { error: 'no such chart, or its link has expired' },
        { 'cache-control': 'no-store' },
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'image/png',
      'content-length': chart.png.length,
      'cache-control': `private, max-age=${CHART_MAX_AGE_SECONDS}`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'",
    });
    // node:http sends no body in answer to HEAD.
    res.end(req.method === 'HEAD' ? undefined : chart.png);
  };
}
