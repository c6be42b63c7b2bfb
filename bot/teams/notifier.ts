/**
 * Proactive posts (alerts, a long build's approval card) to a conversation the bot has already
 * seen, from its stored reference. A reference the Bot Framework adapter stored before the move
 * to the Teams SDK is read too, and rewritten in the new format the first time it is used.
 */
import type { View } from '../../cards/index.js';
import type { TeamsConfig } from '../config.js';
import type { Log } from '../types.js';
import { appIdOf, createTeamsApp, type TeamsApp, type TeamsSdkPorts } from './app.js';
import { cardMessage } from './card-message.js';
import { isCurrent, migrateReference } from './reference-format.js';
import type { ConversationReferenceStore } from './references.js';

export interface TeamsNotifierDeps {
  config: { teams: TeamsConfig | null };
  log: Log;
  references: ConversationReferenceStore;
  /** Endpoints and outgoing tokens instead of the SDK's (tests; see app.ts). */
  sdk?: TeamsSdkPorts;
}

export interface TeamsNotifier {
  /**
   * Posts `view` as a new message in the conversation saved under `conversationKey`; answers the
   * new activity's id (empty when the service gave none), which `update` needs.
   */
  send(conversationKey: string, view: View): Promise<{ id: string }>;
  /** Replaces the card of the activity `activityId` (one `send` posted) with `view`. */
  update(conversationKey: string, activityId: string, view: View): Promise<void>;
}

export function createTeamsNotifier(deps: TeamsNotifierDeps): TeamsNotifier {
  const { log, references } = deps;
  // Built on the first post: a service that never alerts never builds a second App.
  let teams: TeamsApp | undefined;
  const appId = appIdOf(deps.config.teams);
  // Teams names a bot `28:<app id>`; a Bot Framework reference may lack the bot account.
  const botId = appId === null ? '' : `28:${appId}`;
  /** The stored reference of a conversation, rewritten in the current format if it was not. */
  async function referenceOf(conversationKey: string) {
    const stored = await references.get(conversationKey);
    if (stored === undefined) throw new Error(`No Teams conversation is known as ${conversationKey}`);
    const reference = migrateReference(stored, botId);
    if (reference === null) {
      throw new Error(
        `The Teams conversation ${conversationKey} has an unusable stored reference (no conversation id or service URL)`,
      );
    }
    if (!isCurrent(stored)) {
      await references.save(conversationKey, reference);
      log('teams.reference_migrated', {
        from: 'botbuilder',
        conversationType: reference.conversation.conversationType,
      });
    }
    return reference;
  }

  /** The API client for the conversation's service URL, and the card as a message from the bot in it. */
  async function outgoing(conversationKey: string, view: View) {
    const reference = await referenceOf(conversationKey);
    teams ??= createTeamsApp(deps.config.teams, log, deps.sdk);
    const api = teams.app.api.clone({ serviceUrl: reference.serviceUrl });
    // As the SDK's own sender does for a reply: the message, from the bot, in the conversation.
    const message = Object.assign(cardMessage(view), {
      from: { ...reference.bot, role: 'bot' },
      conversation: {
        ...reference.conversation,
        conversationType: reference.conversation.conversationType ?? 'personal',
      },
    });
    return { reference, activities: api.conversations.activities(reference.conversation.id), message };
  }

  return {
    async send(conversationKey, view) {
      const { reference, activities, message } = await outgoing(conversationKey, view);
      const created = await activities.create(message);
      log('teams.proactive_sent', {
        conversationType: reference.conversation.conversationType,
        view: view.kind,
      });
      return { id: typeof created?.id === 'string' ? created.id : '' };
    },

    async update(conversationKey, activityId, view) {
      const { reference, activities, message } = await outgoing(conversationKey, view);
      await activities.update(activityId, message);
      log('teams.proactive_updated', {
        conversationType: reference.conversation.conversationType,
        view: view.kind,
      });
    },
  };
}
