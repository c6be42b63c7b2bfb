/**
 * Who may reach `/api/messages` when no token is validated (local mode, no Teams credentials):
 * a program on this machine, such as the Microsoft 365 Agents Playground or a test. Never a
 * request a proxy or tunnel relayed from elsewhere, and never a web page, which could otherwise
 * post here from any site the user has open.
 */
import type { IncomingMessage } from 'node:http';

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

/** Null when the request may go on; otherwise why not, for the log. */
export function localOnlyProblem(req: IncomingMessage): string | null {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return 'not from this machine';
  const h = req.headers;
  if (
    h.forwarded !== undefined ||
    h['x-forwarded-for'] !== undefined ||
    h['x-forwarded-host'] !== undefined
  ) {
    return 'relayed by a proxy or tunnel';
  }
  // Browsers name the page a POST comes from; programs do not (Node's fetch sends only Sec-Fetch-Mode).
  if (h.origin !== undefined || h['sec-fetch-site'] !== undefined) return 'sent by a web page';
  // A page's form or text/plain post needs no CORS preflight; JSON does, and none is answered.
  const type = (h['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return `content type "${type || 'none'}", not application/json`;
  return null;
}
