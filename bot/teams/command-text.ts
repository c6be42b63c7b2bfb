/**
 * What a Teams user typed, as the command parser expects it: Teams puts the bot's mention in
 * the text of every channel and group-chat message, and HTML entities where the client typed a
 * non-breaking space.
 */
import { stripMentionsText } from '@microsoft/teams.api';

interface TextActivity {
  text?: string | undefined;
  entities?: readonly unknown[] | undefined;
  recipient?: { id?: string } | undefined;
}

type StripInput = Parameters<typeof stripMentionsText>[0];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The SDK reads `mentioned.id` of every mention: one without it would throw. */
function wellFormed(entity: unknown): boolean {
  if (!isRecord(entity)) return false;
  return entity.type !== 'mention' || (isRecord(entity.mentioned) && typeof entity.mentioned.id === 'string');
}

/**
 * The text without the bot's own mention (another person's mention stays: it may be an argument),
 * a leftover `<at>…</at>` at the start (a client that sent no mention entity), `&nbsp;`, and a
 * leading `/certify`.
 */
export function commandText(activity: TextActivity): string {
  let text = activity.text ?? '';
  const botId = activity.recipient?.id;
  if (botId && Array.isArray(activity.entities)) {
    const entities = activity.entities.filter(wellFormed);
    text = stripMentionsText({ text, entities } as StripInput, { accountId: botId }) ?? '';
  }
  return text
    .replace(/&nbsp;/gi, ' ')
    .replace(/^\s*(<at>[^<]*<\/at>\s*)+/i, '')
    .replace(/^\s*\/certify\b/i, '')
    .trim();
}
