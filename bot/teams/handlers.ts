/**
 * What Certify does with each Teams activity, as routes of the SDK's App: every activity's
 * conversation is remembered (for alerts), messages are answered through `core.answer`, Adaptive
 * Card `Action.Execute` invokes through `core.act` (the returned card replaces the pressed one in
 * place), and an install is welcomed. A failing turn gets an apology, never the error's text.
 */
import type { App } from '@microsoft/teams.apps';
import type { AdaptiveCardActionResponse, MessageActivityInput } from '@microsoft/teams.api';
import type { BotChannel, BotCore, BotUser, Log } from '../types.js';
import { CARD_TYPE, cardMessage, teamsCard } from './card-message.js';
import { commandText } from './command-text.js';
import { referenceOf } from './reference-format.js';
import type { ConversationReferenceStore } from './references.js';
import { errorMessage } from './sdk-logger.js';
import { createWelcomeGate, teamsWelcome } from './welcome.js';

export interface TeamsHandlerDeps {
  core: BotCore;
  log: Log;
  references: ConversationReferenceStore;
  /** Who may approve (CERTIFY_APPROVERS), for the welcome card. */
  approvers: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Sender {
  from?: { id?: string; name?: string; aadObjectId?: string };
  conversation?: { id?: string; conversationType?: string };
}

/** Teams users are known by their Entra object id (what CERTIFY_APPROVERS lists). */
function userOf(activity: Sender): BotUser {
  const from = activity.from;
  return { id: from?.aadObjectId ?? from?.id ?? 'unknown', name: from?.name ?? '' };
}

function channelOf(activity: Sender): BotChannel {
  return { kind: 'teams', id: activity.conversation?.id ?? '' };
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
function submitted(activity: { text?: string; value?: unknown }): {
  verb: string;
  data: Record<string, string>;
} | null {
  if (activity.text?.trim() || !isRecord(activity.value)) return null;
  const { verb, ...rest } = activity.value;
  return typeof verb === 'string' && verb ? { verb, data: stringData(rest) } : null;
}

export function registerHandlers(app: App, deps: TeamsHandlerDeps): void {
  const { core, log, references } = deps;
  const firstWelcome = createWelcomeGate();

  const turnFailed = (activity: { type?: string; name?: string; conversation?: unknown }, error: unknown) =>
    log('teams.turn_error', {
      level: 'error',
      type: activity.type,
      name: activity.name,
      conversationType: isRecord(activity.conversation) ? activity.conversation.conversationType : undefined,
      error: errorMessage(error),
    });

  // Runs first, for every activity that passed token validation: alerts need the conversation later.
  app.use(async ({ activity, next }) => {
    const reference = referenceOf(activity);
    if (reference !== null) {
      try {
        await references.save(reference.conversation.id, reference);
      } catch (error) {
        log('teams.reference_save_failed', { level: 'error', error: errorMessage(error) });
      }
    }
    return next();
  });

  // Every message, an empty one included (a bare mention means "help").
  app.on('message', async ({ activity, send }) => {
    try {
      const submit = submitted(activity);
      const view = submit
        ? await core.act(submit.verb, submit.data, userOf(activity), channelOf(activity))
        : await core.answer(commandText(activity), userOf(activity), channelOf(activity));
      await send(cardMessage(view));
    } catch (error) {
      turnFailed(activity, error);
      await send('Sorry, Certify could not answer that. Please try again.').catch((sendError: unknown) =>
        log('teams.error_reply_failed', { level: 'error', error: errorMessage(sendError) }),
      );
    }
  });

  // Universal Actions: the returned card is the invoke response and replaces the pressed one.
  app.on('card.action', async ({ activity }): Promise<AdaptiveCardActionResponse> => {
    try {
      const action = activity.value.action;
      const verb = typeof action.verb === 'string' ? action.verb : '';
      const view = await core.act(verb, stringData(action.data), userOf(activity), channelOf(activity));
      return { statusCode: 200, type: CARD_TYPE, value: teamsCard(view) };
    } catch (error) {
      turnFailed(activity, error);
      return {
        statusCode: 500,
        type: 'application/vnd.microsoft.error',
        value: {
          code: 'InternalError',
          message: 'Certify could not handle that action.',
          innerHttpError: { statusCode: 500, body: null },
        },
      };
    }
  });

  const welcome = async (
    activity: { conversation?: { id?: string; conversationType?: string } },
    send: (message: MessageActivityInput) => Promise<unknown>,
  ) => {
    if (!firstWelcome(activity.conversation?.id ?? '')) return;
    try {
      await send(cardMessage(teamsWelcome(deps.approvers, activity.conversation?.conversationType)));
      log('teams.welcomed', { conversationType: activity.conversation?.conversationType });
    } catch (error) {
      turnFailed(activity, error);
    }
  };

  app.on('install.add', ({ activity, send }) => welcome(activity, send));

  // Members joining are welcomed only when the member is Certify itself.
  app.on('conversationUpdate', async ({ activity, send }) => {
    const botId = activity.recipient?.id;
    if (!botId || !(activity.membersAdded ?? []).some((m) => m.id === botId)) return;
    await welcome(activity, send);
  });
}
