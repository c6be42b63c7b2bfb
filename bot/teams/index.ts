/**
 * Microsoft Teams: `POST /api/messages` (Bot Framework activities) and proactive alerts.
 *
 * Bot Framework's CloudAdapter (teams-ai's `TeamsAdapter` subclass, which builds a
 * `ConfigurationBotFrameworkAuthentication` from MicrosoftAppId/Password/TenantId/Type) checks
 * every inbound JWT; with no app id the SDK runs in its open (emulator) mode. Routing is a
 * teams-ai `Application` without any AI planner: messages → `core.answer`, Adaptive Card
 * `Action.Execute` invokes → `core.act` (the new card replaces the old one in place), a welcome
 * card when the bot is added. Every activity's conversation reference is kept for alerts.
 */
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import type { TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, CardFactory, MemoryStorage, MessageFactory, TurnContext } from 'botbuilder';
import type {
  Activity,
  ConfigurationBotFrameworkAuthenticationOptions,
  Response as BotResponse,
} from 'botbuilder';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toAdaptiveCard } from '../../cards/index.js';
import type { View } from '../../cards/index.js';
import type { BotChannel, BotCore, BotUser, Log, Route } from '../types.js';
import type { ConversationReferenceStore } from './references.js';

export { createMemoryReferenceStore } from './references.js';
export type { ConversationReferenceStore, StoredReference } from './references.js';

export interface TeamsConfig {
  appId: string | null;
  appPassword: string | null;
  tenantId: string | null;
  /** MultiTenant, SingleTenant or UserAssignedMSI. */
  appType: string;
}

export interface TeamsDeps {
  config: { teams: TeamsConfig | null };
  core: BotCore;
  log: Log;
  references: ConversationReferenceStore;
}

export interface TeamsNotifierDeps {
  config: { teams: TeamsConfig | null };
  log: Log;
  references: ConversationReferenceStore;
}

export interface TeamsNotifier {
  /** Posts `view` as a new message in the conversation saved under `conversationKey`. */
  send(conversationKey: string, view: View): Promise<void>;
}

/** Bot Framework activities are small; Teams itself caps a message at about 28 KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const TOKEN_VALIDATION_OFF_WARNING =
  'Teams token validation is off (no MicrosoftAppId): local use only';

const ADAPTIVE_CARD_ACTION = 'adaptiveCard/action';

function appIdOf(teams: TeamsConfig | null): string | null {
  const id = teams?.appId?.trim();
  return id ? id : null;
}

function authOptions(teams: TeamsConfig | null): ConfigurationBotFrameworkAuthenticationOptions {
  const appId = appIdOf(teams);
  if (teams === null || appId === null) return {};
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: appId,
    MicrosoftAppType: teams.appType.trim() || 'MultiTenant',
  };
  if (teams.appPassword) options.MicrosoftAppPassword = teams.appPassword;
  if (teams.tenantId) options.MicrosoftAppTenantId = teams.tenantId;
  return options;
}

/** teams-ai's adapter, with the SDK's protected turn entry point opened to the route. */
class CertifyTeamsAdapter extends TeamsAdapter {
  runTurn(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

function createAdapter(teams: TeamsConfig | null): CertifyTeamsAdapter {
  return new CertifyTeamsAdapter(authOptions(teams));
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

function cardActivity(view: View): Partial<Activity> {
  return MessageFactory.attachment(CardFactory.adaptiveCard(toAdaptiveCard(view)));
}

function userOf(activity: Activity): BotUser {
  const from = activity.from as Activity['from'] | undefined;
  return { id: from?.aadObjectId ?? from?.id ?? 'unknown', name: from?.name ?? '' };
}

function channelOf(activity: Activity): BotChannel {
  return { kind: 'teams', id: activity.conversation.id };
}

/** The typed text without the bot mention (teams-ai strips it already) and a leading `/certify`. */
export function commandText(activity: { text?: string | undefined }): string {
  return (activity.text ?? '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/^\s*(<at>[^<]*<\/at>\s*)+/i, '')
    .replace(/^\s*\/certify\b/i, '')
    .trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringData(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(data)) return out;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/** An `Action.Submit` (older clients) arrives as a message with no text and `value.verb`. */
function submitted(activity: Activity): { verb: string; data: Record<string, string> } | null {
  if (activity.text?.trim() || !isRecord(activity.value)) return null;
  const { verb, ...rest } = activity.value;
  return typeof verb === 'string' && verb ? { verb, data: stringData(rest) } : null;
}

function buildApplication(adapter: TeamsAdapter, deps: TeamsDeps): Application<TurnState> {
  const { core, log } = deps;
  const app = new Application<TurnState>({
    adapter,
    botAppId: appIdOf(deps.config.teams) ?? '',
    storage: new MemoryStorage(),
    removeRecipientMention: true,
    startTypingTimer: false,
    longRunningMessages: false,
  });

  // Every message, including an empty one (a bare mention means "help").
  app.message(
    (context) => Promise.resolve(context.activity.type === ActivityTypes.Message),
    async (context) => {
      const activity = context.activity;
      const submit = submitted(activity);
      const view = submit
        ? await core.act(submit.verb, submit.data, userOf(activity), channelOf(activity))
        : await core.answer(commandText(activity), userOf(activity), channelOf(activity));
      await context.sendActivity(cardActivity(view));
    },
  );

  // Universal Actions: the returned card is the invoke response and replaces the pressed one.
  app.adaptiveCards.actionExecute(/.*/, async (context, _state, data: Record<string, unknown>) => {
    const activity = context.activity;
    const action = isRecord(activity.value) && isRecord(activity.value.action) ? activity.value.action : {};
    const verb = typeof action.verb === 'string' ? action.verb : '';
    const view = await core.act(verb, stringData(data), userOf(activity), channelOf(activity));
    return toAdaptiveCard(view);
  });

  app.conversationUpdate('membersAdded', async (context) => {
    const activity = context.activity;
    const botId = activity.recipient.id;
    if (!(activity.membersAdded ?? []).some((m) => m.id === botId)) return;
    const view = await core.answer('help', userOf(activity), channelOf(activity));
    await context.sendActivity(cardActivity(view));
  });

  app.error(async (context, error) => {
    const activity = context.activity;
    log('teams.turn_error', {
      level: 'error',
      type: activity.type,
      name: activity.name,
      conversationType: activity.conversation.conversationType,
      error: errorMessage(error),
    });
    try {
      if (activity.type === ActivityTypes.Invoke && activity.name === ADAPTIVE_CARD_ACTION) {
        await context.sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 200,
            body: {
              statusCode: 500,
              type: 'application/vnd.microsoft.error',
              value: { code: 'InternalError', message: 'Certify could not handle that action.' },
            },
          },
        });
      } else if (activity.type === ActivityTypes.Message) {
        await context.sendActivity('Sorry, Certify could not answer that. Please try again.');
      }
    } catch (sendError) {
      log('teams.error_reply_failed', { level: 'error', error: errorMessage(sendError) });
    }
  });

  return app;
}

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

/** The express-like response object `CloudAdapter.process` writes to. */
function botResponse(res: ServerResponse): BotResponse {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(body: unknown) {
      if (body === undefined || body === null) return;
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.write(body);
        return;
      }
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.write(JSON.stringify(body));
    },
    end() {
      res.end();
    },
  };
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(text);
}

/**
 * The handler for `POST /api/messages`. Builds the adapter and the teams-ai application once,
 * when called (never at import time).
 */
export function createTeamsRoute(deps: TeamsDeps): Route {
  const { log, references } = deps;
  const adapter = createAdapter(deps.config.teams);
  if (appIdOf(deps.config.teams) === null)
    log('teams.token_validation_off', { level: 'warn', message: TOKEN_VALIDATION_OFF_WARNING });
  const app = buildApplication(adapter, deps);

  const logic = async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    const key = activity.conversation.id;
    try {
      await references.save(key, TurnContext.getConversationReference(activity));
    } catch (error) {
      log('teams.reference_save_failed', { level: 'error', error: errorMessage(error) });
    }
    await app.run(context);
  };

  return async (req, res) => {
    if (req.method !== 'POST') {
      plain(res, 405, 'Method Not Allowed', { allow: 'POST' });
      return;
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
    // Checked here, before the SDK: it throws on a body without a type (a 500 for anyone's `{}`).
    if (!isRecord(body) || typeof body.type !== 'string' || body.type === '') {
      log('teams.bad_request', { level: 'warn', status: 400, reason: 'not an activity (no type)' });
      plain(res, 400, 'Bad Request');
      return;
    }
    const auth = req.headers.authorization;
    let outcome: { status: number; body?: unknown };
    try {
      // processActivity, not process(): process() prints refused requests' stack traces with
      // console.error and echoes the internal error text in the response body.
      const invoke = await adapter.runTurn(typeof auth === 'string' ? auth : '', activityOf(body), logic);
      outcome = { status: invoke?.status ?? 200, body: invoke?.body };
    } catch (error) {
      const status = statusOf(error);
      if (status === 401 || status === 403) {
        log('teams.unauthorized', { level: 'warn', status, reason: errorMessage(error) });
        plain(res, status, status === 401 ? 'Unauthorized' : 'Forbidden');
      } else {
        log('teams.process_failed', { level: 'error', error: errorMessage(error) });
        if (!res.headersSent) plain(res, 500, 'Internal Server Error');
        else if (!res.writableEnded) res.end();
      }
      return;
    }
    const reply = botResponse(res);
    reply.status(outcome.status);
    if (outcome.body !== undefined) reply.send(outcome.body);
    reply.end();
  };
}

/** What the SDK's own request validation does to an activity's time fields (strings → Dates). */
function activityOf(body: Record<string, unknown>): Activity {
  const activity = { ...body } as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/** The HTTP status an SDK error stands for: its AuthenticationError carries one. */
function statusOf(error: unknown): number {
  const code =
    isRecord(error) || error instanceof Error ? (error as { statusCode?: unknown }).statusCode : undefined;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
}

/** Proactive alerts to a conversation the bot has already seen (its reference is stored). */
export function createTeamsNotifier(deps: TeamsNotifierDeps): TeamsNotifier {
  let adapter: TeamsAdapter | undefined;
  const appId = appIdOf(deps.config.teams) ?? '';
  return {
    async send(conversationKey, view) {
      const reference = await deps.references.get(conversationKey);
      if (reference === undefined) throw new Error(`No Teams conversation is known as ${conversationKey}`);
      adapter ??= createAdapter(deps.config.teams);
      await adapter.continueConversationAsync(appId, reference, async (context) => {
        // The continuation activity carries a made-up id; without it the SDK posts a new message
        // (sendToConversation) instead of a reply to a message that does not exist.
        delete (context.activity as Partial<Activity>).id;
        await context.sendActivity(cardActivity(view));
      });
      deps.log('teams.proactive_sent', {
        conversationType: reference.conversation?.conversationType,
        view: view.kind,
      });
    },
  };
}
