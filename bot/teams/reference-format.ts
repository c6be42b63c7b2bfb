/**
 * Conversation references in and out of the store: the Teams SDK adapter's format is written,
 * and both it and the Bot Framework adapter's older references are read, so a conversation
 * subscribed before the move to the Teams SDK still gets its alerts.
 */
import type { StoredReference, TeamsReference } from './references.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Absent keys instead of `undefined` ones: what is stored compares equal to what is read back. */
function defined<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * What to keep of an inbound activity: the conversation, the bot and where to post. Not the
 * message id or the sender, which change with every message: the stored reference then changes
 * only when the conversation does, and an unchanged one costs the store no write.
 */
export function referenceOf(activity: {
  serviceUrl?: string;
  channelId?: string;
  conversation?: unknown;
  recipient?: unknown;
}): TeamsReference | null {
  const conversation = isRecord(activity.conversation) ? activity.conversation : {};
  const bot = isRecord(activity.recipient) ? activity.recipient : {};
  const id = str(conversation.id);
  const serviceUrl = str(activity.serviceUrl);
  if (id === undefined || serviceUrl === undefined || !isHttpUrl(serviceUrl)) return null;
  return {
    format: 2,
    serviceUrl: trimSlash(serviceUrl),
    channelId: str(activity.channelId) ?? 'msteams',
    conversation: defined({
      id,
      conversationType: str(conversation.conversationType),
      tenantId: str(conversation.tenantId),
      isGroup: typeof conversation.isGroup === 'boolean' ? conversation.isGroup : undefined,
      name: str(conversation.name),
    }),
    bot: defined({ id: str(bot.id) ?? '', name: str(bot.name) }),
  };
}

/**
 * A stored reference in the Teams SDK adapter's format, whichever adapter wrote it, or null
 * when it names no conversation or no http(s) service URL. A Bot Framework reference without a
 * bot account (botbuilder made every field optional) gets `fallbackBotId`.
 */
export function migrateReference(stored: StoredReference, fallbackBotId = ''): TeamsReference | null {
  if (!isRecord(stored)) return null;
  const migrated = referenceOf({
    serviceUrl: str(stored.serviceUrl),
    channelId: str(stored.channelId),
    conversation: stored.conversation,
    recipient: isRecord(stored.bot) && str(stored.bot.id) ? stored.bot : { id: fallbackBotId },
  });
  return migrated;
}

/** True when `stored` is already what the Teams SDK adapter writes (nothing to migrate). */
export function isCurrent(stored: StoredReference): boolean {
  return stored.format === 2;
}
