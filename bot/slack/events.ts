/**
 * Commands typed to Certify as messages: `@Certify score` in a channel or thread (app_mention),
 * and `score` in a direct message (message.im). The text, without the bot's mention, goes to the
 * core as `/certify` text would; the answer is posted with chat.postMessage in the thread the
 * message came from (a channel message starts one under itself). In a DM the answer is a plain
 * reply, in the thread only when the message was itself in one: a DM is already a conversation
 * with Certify.
 *
 * Slack's retries never reach this: the receiver drops a repeated event_id before Bolt sees it.
 */
import type { App, types } from '@slack/bolt';
import { toBlockKit } from '../../cards/index.js';
import type { BotChannel, BotCore, BotUser, Log } from '../types.js';
import { errorMessage } from './logger.js';

/** The message as this listener needs it; Slack's event types are a union too wide to narrow here. */
interface IncomingMessage {
  type?: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel?: string;
  channel_type?: string;
  ts?: string;
  thread_ts?: string;
}

/**
 * `text` without any mention of the bot (`<@U123>` or `<@U123|certify>`), spaces trimmed. Other
 * users' mentions stay: they may be arguments.
 */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  if (botUserId === undefined || botUserId === '') return text.trim();
  const escaped = botUserId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text
    .replace(new RegExp(`<@${escaped}(\\|[^>]*)?>`, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Why a message gets no answer, or null when it is one to answer: edits, deletions and every
 * other subtype (a bot's post, a join) are not commands, and no bot (Certify itself included)
 * is answered, so two bots never talk to each other forever.
 */
export function ignoredBecause(message: IncomingMessage, botUserId: string | undefined): string | null {
  if (message.bot_id !== undefined) return 'bot';
  if (message.subtype !== undefined) return 'subtype';
  if (message.user === undefined || message.user === '') return 'no-user';
  if (botUserId !== undefined && message.user === botUserId) return 'self';
  if (message.channel === undefined || message.ts === undefined) return 'no-channel';
  return null;
}

export function registerMessageEvents(
  app: App,
  deps: { core: BotCore; log: Log; /** Posted when the core fails. */ failedText: string },
): void {
  const { core, log } = deps;

  const answer = async (
    message: IncomingMessage,
    botUserId: string | undefined,
    threadTs: string | undefined,
    client: App['client'],
    kind: 'mention' | 'dm',
  ): Promise<void> => {
    const skip = ignoredBecause(message, botUserId);
    if (skip !== null) {
      log('slack.message.ignored', { kind, reason: skip });
      return;
    }
    const user: BotUser = { id: message.user!, name: message.user! };
    const channel: BotChannel = { kind: 'slack', id: message.channel! };
    const text = stripBotMention(message.text ?? '', botUserId);
    const where = { channel: channel.id, ...(threadTs !== undefined ? { thread_ts: threadTs } : {}) };
    try {
      const view = await core.answer(text, user, channel);
      const { text: fallback, blocks } = toBlockKit(view);
      await client.chat.postMessage({ ...where, text: fallback, blocks: blocks as types.KnownBlock[] });
      log('slack.message.answered', { kind, user: user.id, channel: channel.id, view: view.kind });
    } catch (error) {
      log('slack.message.failed', { kind, user: user.id, channel: channel.id, error: errorMessage(error) });
      try {
        await client.chat.postMessage({ ...where, text: deps.failedText });
      } catch (e) {
        log('slack.message.reply_failed', { kind, error: errorMessage(e) });
      }
    }
  };

  app.event('app_mention', async ({ event, context, client }) => {
    const message = event as unknown as IncomingMessage;
    // In a channel the answer always goes in a thread: under the mention, or in its thread.
    await answer(message, context.botUserId, message.thread_ts ?? message.ts, client, 'mention');
  });

  app.event('message', async ({ event, context, client }) => {
    const message = event as unknown as IncomingMessage;
    // Only direct messages: in channels Certify answers mentions (app_mention), not every message.
    if (message.channel_type !== 'im') return;
    await answer(message, context.botUserId, message.thread_ts, client, 'dm');
  });
}
