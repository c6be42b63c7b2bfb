/**
 * `GET /downloads/<token>`: redeems a single-use evidence download link and streams the zip.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { isCertifyError } from '../scanner/errors.js';
import { sendJson } from './http.js';
import type { Route } from './types.js';

/** Redeems a single-use link (throws CertifyError NOT_FOUND / EXPIRED / CONFLICT). */
export type RedeemDownload = (
  token: string,
  client: { address: string | null },
) => Promise<{ path: string; filename: string }>;

/** User agents of link-preview fetchers (they never get a bundle, and never spend a link). */
const PREVIEW_AGENTS =
  /Slackbot-LinkExpanding|Slack-ImgProxy|SkypeUriPreview|MicrosoftPreview|facebookexternalhit|Twitterbot|LinkedInBot|Discordbot|TelegramBot|WhatsApp/i;

export function downloadRoute(redeem: RedeemDownload): Route {
  return async (req, res) => {
    // Link-preview robots (Slack's unfurler, Teams' preview) fetch URLs seen in chat; they must
    // not spend a single-use link before a person clicks it.
    if (PREVIEW_AGENTS.test(req.headers['user-agent'] ?? '')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><title>Certify evidence bundle</title><p>Single-use download link.</p>');
      return;
    }
    const token = new URL(req.url ?? '/', 'http://localhost').pathname.slice('/downloads/'.length);
    let file: { path: string; filename: string };
    try {
      file = await redeem(token, { address: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? null });
    } catch (e) {
      if (!isCertifyError(e)) throw e;
      const status = e.code === 'NOT_FOUND' ? 404 : 410;
      sendJson(res, status, { error: e.message });
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
    await pipeline(createReadStream(file.path), res);
  };
}
