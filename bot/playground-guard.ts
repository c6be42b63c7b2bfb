/**
 * What the playground may do, decided on the server: it has no sign-in, so it acts only for its
 * own demo people, answers only same-origin JSON from this machine's names (no cross-site
 * request forgery, no DNS rebinding), and beside anything real it only reads.
 */
import type { Command } from './commands/parse.js';
import { PLAYGROUND_APPROVER, PLAYGROUND_REQUESTER } from './config.js';
import { HttpError } from './http.js';
import type { BotUser } from './types.js';

/** The playground's own people; a body naming anyone else is refused. */
export const PLAYGROUND_USERS: Readonly<Record<string, BotUser>> = {
  'playground-user': { id: 'playground-user', name: 'Playground user' },
  [PLAYGROUND_REQUESTER]: { id: PLAYGROUND_REQUESTER, name: 'Riley Chen' },
  [PLAYGROUND_APPROVER]: { id: PLAYGROUND_APPROVER, name: 'Morgan Diaz' },
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The demo person a request acts as; the name is the server's, whatever the body says. */
export function playgroundUser(body: Record<string, unknown>): BotUser {
  const user = body.user;
  if (user === undefined) return PLAYGROUND_USERS['playground-user']!;
  const id = isRecord(user) && typeof user.id === 'string' ? user.id : null;
  const known = id === null ? undefined : PLAYGROUND_USERS[id];
  if (!known) {
    throw new HttpError(
      403,
      `the playground acts only as its demo people: ${Object.keys(PLAYGROUND_USERS).join(', ')}`,
      ['user.id'],
    );
  }
  return known;
}

interface RequestFacts {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
}

/**
 * Null when a playground request may go on; otherwise the refusal. `publicUrl` is the one
 * non-loopback name the page may be served under (CERTIFY_PUBLIC_URL).
 */
export function playgroundRequestProblem(req: RequestFacts, publicUrl: string): HttpError | null {
  const publicHost = new URL(publicUrl).host.toLowerCase();
  const host = (req.host ?? '').toLowerCase();
  const hostname = host.replace(/:\d+$/, '');
  // A page on a foreign name that resolves to this machine (DNS rebinding) names itself in Host.
  if (!LOOPBACK_NAMES.has(hostname) && host !== publicHost) {
    return new HttpError(
      403,
      `the playground answers only on this machine's loopback names or on CERTIFY_PUBLIC_URL (${publicHost}), not on "${host}"`,
    );
  }
  if (req.method === 'GET' || req.method === 'HEAD') return null;
  if (req.secFetchSite !== undefined && req.secFetchSite !== 'same-origin' && req.secFetchSite !== 'none') {
    return new HttpError(403, 'the playground API accepts requests from its own page only');
  }
  if (req.origin !== undefined) {
    let origin: URL | null;
    try {
      origin = new URL(req.origin);
    } catch {
      origin = null;
    }
    const sameHost =
      origin !== null && (origin.host.toLowerCase() === host || origin.host.toLowerCase() === publicHost);
    if (!sameHost)
      return new HttpError(
        403,
        `the playground API accepts requests from its own page only, not from ${req.origin}`,
      );
  }
  // A form or a text/plain POST from another page needs no preflight; JSON does.
  const type = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return new HttpError(
      415,
      `the playground API takes application/json, not "${type || 'no content type'}"`,
    );
  }
  return null;
}

/** Commands a read-only playground answers: reading the posture, never changing or signing. */
export function playgroundMayRun(command: Command): boolean {
  switch (command.name) {
    case 'help':
    case 'score':
    case 'trend':
    case 'control':
    case 'rules':
    case 'presets':
    case 'cert':
    case 'unknown':
      return true;
    case 'rule':
      return command.action === 'list' || command.action === 'unknown';
    case 'parameters':
      return command.action === 'show' || command.action === 'unknown';
    default:
      return false;
  }
}
