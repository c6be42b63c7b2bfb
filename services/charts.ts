/**
 * Trend charts as links: the chart is drawn (charts/), kept in the ChartStore under the SHA-256
 * of a fresh unguessable token (the download links' format: 32 random bytes, base64url), and
 * served at `<publicUrl>/charts/<token>.png` until it expires. Slack and Teams fetch the picture
 * from that URL (Slack's image block takes only a URL, Teams' card budget has no room for the
 * bytes), and both proxy and cache it, so a link lives for weeks rather than hours.
 */
import { createHash } from 'node:crypto';
import { svgToPng } from '../charts/png.js';
import { trendAlt } from '../charts/trend-alt.js';
import { TREND_CHART_SIZE, trendSvg, type TrendChartInput } from '../charts/trend-svg.js';
import {
  downloadTokenSha256,
  isWellFormedDownloadToken,
  newDownloadToken,
} from '../evidence/download-token.js';
import type { ChartStore } from '../store/charts.js';

/** Thirty days: a chart posted in a channel still shows when someone scrolls back a few weeks. */
export const CHART_LINK_TTL_MS = 30 * 24 * 3_600_000;

/** What a view shows: the picture's URL, its text alternative and its size in pixels. */
export interface ChartLink {
  url: string;
  alt: string;
  width: number;
  height: number;
}

export interface ChartService {
  /**
   * True when the links are HTTPS on a name other than this machine's: what Slack needs, since it
   * fetches every image of a message when it is posted and refuses the whole message if one fails.
   */
  readonly publicLinks: boolean;
  /** Draws the trend, keeps it, and returns its link. */
  chartFor(input: TrendChartInput, now: number): Promise<ChartLink>;
  /**
   * The PNG behind a link's token, or null when the token is not one Certify issues (answered
   * without reading the store), unknown, or expired at `now`.
   */
  read(token: string, now: number): Promise<{ png: Buffer; alt: string } | null>;
}

/** Links remembered for reuse: the same picture asked for again gets the same link. */
const REUSE_MAX = 256;

export function createChartService(deps: {
  charts: ChartStore;
  /** CERTIFY_PUBLIC_URL: where Slack and Teams reach this service. */
  publicUrl: string;
  ttlMs?: number;
}): ChartService {
  const ttlMs = deps.ttlMs ?? CHART_LINK_TTL_MS;
  const base = deps.publicUrl.replace(/\/+$/, '');
  // In this process only (a token never reaches the store or a log): a card refreshed over
  // unchanged scans shows the picture it showed, rather than storing another copy.
  const recent = new Map<string, { link: ChartLink; expiresAt: number }>();

  const url = new URL(base);
  const loopback =
    /^(localhost|127\.[\d.]+|\[::1\])$/i.test(url.hostname) || url.hostname.endsWith('.localhost');
  return {
    publicLinks: url.protocol === 'https:' && !loopback,
    async chartFor(input, now) {
      const svg = trendSvg(input, TREND_CHART_SIZE);
      const alt = trendAlt(input);
      const key = createHash('sha256').update(svg).update('\0').update(alt).digest('hex');
      const known = recent.get(key);
      // Reused while more than half its life is left: a card posted now still outlives a week.
      if (known && known.expiresAt - now > ttlMs / 2) return known.link;
      const { png, width, height } = await svgToPng(svg);
      const token = newDownloadToken();
      const expiresAt = now + ttlMs;
      await deps.charts.save(downloadTokenSha256(token), { png, alt, createdAt: now, expiresAt });
      const link: ChartLink = { url: `${base}/charts/${token}.png`, alt, width, height };
      recent.delete(key);
      recent.set(key, { link, expiresAt });
      if (recent.size > REUSE_MAX) recent.delete(recent.keys().next().value!);
      return link;
    },
    async read(token, now) {
      if (!isWellFormedDownloadToken(token)) return null;
      const chart = await deps.charts.get(downloadTokenSha256(token), now);
      return chart === null ? null : { png: chart.png, alt: chart.alt };
    },
  };
}
