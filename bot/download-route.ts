/**
 * `GET /downloads/<token>`: redeems a single-use evidence download link and streams the zip.
 * `HEAD` (link scanners and mail gateways send it, and the server routes HEAD to GET routes)
 * only checks the link: the same status and headers, no body, and the link stays unspent.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isCertifyError } from '../base/errors.js';
import { sendJson } from './http.js';
import type { Route } from './types.js';

/** A signed zip, wherever the store keeps it. */
export interface DownloadFile {
  filename: string;
  bytes: number;
  open(): Promise<Readable>;
}

/**
 * What the route asks of the evidence workflow (both throw CertifyError NOT_FOUND / EXPIRED /
 * CONFLICT): an object, so no wiring can hand HEAD a redeeming function.
 */
export interface DownloadLinks {
  /** Spends the link and returns its bundle. */
  redeem(token: string, client: { address: string | null }): Promise<DownloadFile>;
  /** The answer `redeem` would give, without spending the link. */
  check(token: string, client: { address: string | null }): Promise<DownloadFile>;
}

/** Thrown instead of answering when a client has failed too often: the route answers 429. */
export class TooManyAttempts extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed download attempts: try again in ${retryAfterSeconds} s`);
  }
}

/** User agents of link-preview fetchers (they never get a bundle, and never spend a link). */
const PREVIEW_AGENTS =
  /Slackbot-LinkExpanding|Slack-ImgProxy|SkypeUriPreview|MicrosoftPreview|facebookexternalhit|Twitterbot|LinkedInBot|Discordbot|TelegramBot|WhatsApp/i;

export function downloadRoute(links: DownloadLinks): Route {
  return async (req, res) => {
    // Link-preview robots (Slack's unfurler, Teams' preview) fetch URLs seen in chat; they must
    // not spend a single-use link before a person clicks it.
    if (PREVIEW_AGENTS.test(req.headers['user-agent'] ?? '')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><title>Certify evidence bundle</title><p>Single-use download link.</p>');
      return;
    }
    const head = req.method === 'HEAD';
    const token = new URL(req.url ?? '/', 'http://localhost').pathname.slice('/downloads/'.length);
    const client = { address: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null };
    let file: DownloadFile;
    try {
      file = head ? await links.check(token, client) : await links.redeem(token, client);
    } catch (e) {
      if (e instanceof TooManyAttempts) {
        sendJson(res, 429, { error: e.message }, { 'retry-after': String(e.retryAfterSeconds) });
        return;
      }
      if (!isCertifyError(e)) throw e;
      // node:http drops the body of an answer to HEAD; status and headers match GET's.
      sendJson(res, e.code === 'NOT_FOUND' ? 404 : 410, { error: e.message });
      return;
    }
    // Opened before the status is sent: a store that fails to read answers 500, not a cut zip.
    const body = head ? null : await file.open();
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': file.bytes,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (!body) {
      res.end();
      return;
    }
    await pipeline(body, res);
  };
}
