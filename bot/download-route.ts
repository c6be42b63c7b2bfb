/**
 * `GET /downloads/<token>`: redeems a single-use evidence download link and streams the zip.
 * `HEAD` (link scanners and mail gateways send it, and the server routes HEAD to GET routes)
 * only checks the link: the same status and headers, no body, and the link stays unspent.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isCertifyError } from '../base/errors.js';
import { sendJson } from './http.js';
import type { Route } from './types.js';

export interface DownloadFile {
  path: string;
  filename: string;
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
    const size = (await stat(file.path)).size;
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': size,
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    if (head) {
      res.end();
      return;
    }
    await pipeline(createReadStream(file.path), res);
  };
}
