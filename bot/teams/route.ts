/**
 * `POST /api/messages` on Certify's server: the body is read and checked here, then handed to
 * the Teams SDK's own messaging handler (through host.ts), which validates the Bot Framework
 * token whenever credentials are set (a refused token is a 401, logged as one line, never a
 * stack trace) and runs the activity through the App. Without credentials the SDK validates
 * nothing, so only this machine's requests get that far (local-only.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TeamsConfig } from '../config.js';
import type { BotCore, Log, Route } from '../types.js';
import { createTeamsApp, type TeamsSdkPorts } from './app.js';
import { registerHandlers } from './handlers.js';
import { localOnlyProblem } from './local-only.js';
import type { ConversationReferenceStore } from './references.js';
import { errorMessage } from './sdk-logger.js';

export interface TeamsDeps {
  /** The bot's configuration; `approvers` (CERTIFY_APPROVERS) is named on the welcome card. */
  config: { teams: TeamsConfig | null; approvers?: readonly string[] };
  core: BotCore;
  log: Log;
  references: ConversationReferenceStore;
  /** Endpoints and outgoing tokens instead of the SDK's (tests; see app.ts). */
  sdk?: TeamsSdkPorts;
}

/** Bot Framework activities are small; Teams itself caps a message at about 28 KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const TOKEN_VALIDATION_OFF_WARNING =
  'Teams token validation is off (no MicrosoftAppId or CLIENT_ID): /api/messages answers this machine only';

class BodyError extends Error {
  constructor(readonly status: 400 | 413) {
    super(status === 413 ? 'Payload Too Large' : 'Bad Request');
  }
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyError(413);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyError(413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checked before the SDK, which casts any JSON to an activity and fails deep inside on a stray one. */
function activityProblem(body: unknown): string | null {
  if (!isRecord(body) || typeof body.type !== 'string' || body.type === '')
    return 'not an activity (no type)';
  if (!isRecord(body.conversation) || typeof body.conversation.id !== 'string')
    return 'not an activity (no conversation id)';
  if (body.serviceUrl !== undefined && typeof body.serviceUrl !== 'string')
    return 'not an activity (serviceUrl is not a string)';
  return null;
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

function headersOf(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** The handler for `POST /api/messages`. Builds the SDK's App once, when called (never at import time). */
export function createTeamsRoute(deps: TeamsDeps): Route {
  const { log } = deps;
  const { app, host, validating } = createTeamsApp(deps.config.teams, log, deps.sdk);
  registerHandlers(app, {
    core: deps.core,
    log,
    references: deps.references,
    approvers: deps.config.approvers ?? [],
  });
  if (!validating)
    log('teams.token_validation_off', { level: 'warn', message: TOKEN_VALIDATION_OFF_WARNING });
  // No I/O: it creates the token validator and hands the messaging handler to the host.
  const ready = app.initialize();
  ready.catch((error: unknown) => log('teams.init_failed', { level: 'error', error: errorMessage(error) }));

  return async (req, res) => {
    if (req.method !== 'POST') {
      plain(res, 405, 'Method Not Allowed', { allow: 'POST' });
      return;
    }
    if (!validating) {
      const problem = localOnlyProblem(req);
      if (problem !== null) {
        log('teams.refused', { level: 'warn', status: 403, reason: problem });
        req.resume();
        plain(res, 403, 'Forbidden');
        return;
      }
    }
    let body: unknown;
    try {
      body = await readJson(req, MAX_BODY_BYTES);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      log('teams.bad_request', { level: 'warn', status });
      plain(
        res,
        status,
        status === 413 ? 'Payload Too Large' : 'Bad Request',
        status === 413 ? { connection: 'close' } : {},
      );
      if (status === 413) req.resume();
      return;
    }
    const problem = activityProblem(body);
    if (problem !== null) {
      log('teams.bad_request', { level: 'warn', status: 400, reason: problem });
      plain(res, 400, 'Bad Request');
      return;
    }
    await ready;
    const answer = await host.handle({ body, headers: headersOf(req) });
    if (answer.status === 401 || answer.status === 403) {
      const reason =
        isRecord(answer.body) && typeof answer.body.error === 'string' ? answer.body.error : undefined;
      log('teams.unauthorized', { level: 'warn', status: answer.status, reason });
      plain(res, answer.status, answer.status === 401 ? 'Unauthorized' : 'Forbidden');
      return;
    }
    if (answer.status >= 500) {
      log('teams.process_failed', { level: 'error', status: answer.status });
      plain(res, 500, 'Internal Server Error');
      return;
    }
    if (answer.body === undefined || answer.body === null) {
      res.writeHead(answer.status).end();
      return;
    }
    const json = JSON.stringify(answer.body);
    res
      .writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(json),
      })
      .end(json);
  };
}
