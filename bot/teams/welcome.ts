/**
 * The card a chat gets when Certify is installed in it, and when to send it. Teams announces an
 * install twice (an `installationUpdate` and a `conversationUpdate` adding the bot), and local
 * tools send either: whichever comes first is welcomed, the other is not.
 */
import { welcomeView, type View } from '../../cards/index.js';
import { COMMAND_TABLE } from '../commands/index.js';

/** The three commands to try first, as typed in Teams, with the command table's description. */
const TRY = [
  { word: 'score', typed: 'score' },
  { word: 'control', typed: 'control pci 3.7' },
  { word: 'evidence', typed: 'evidence soc2 last-quarter' },
] as const;

/** How long a conversation's welcome holds back a second announcement of the same install. */
const WELCOME_WINDOW_MS = 10 * 60_000;
/** Conversations remembered at once; the oldest is forgotten first. */
const WELCOME_MEMORY = 1000;

export function teamsWelcome(approvers: readonly string[], conversationType: string | undefined): View {
  const commands = TRY.map(({ word, typed }) => {
    const entry = COMMAND_TABLE.find((c) => c.word === word);
    return { usage: typed, description: entry?.description ?? '' };
  });
  const personal = conversationType === undefined || conversationType === 'personal';
  return welcomeView({
    commands,
    hint: personal
      ? 'Type a command here; "/certify" in front is optional.'
      : 'In a channel or group chat, mention @Certify first: @Certify score.',
    approvers: approvers.length,
    actions: [
      { verb: 'score.show', title: 'Show the score', data: {} },
      { verb: 'control.show', title: 'PCI DSS 3.7', data: { framework: 'pci', control: '3.7' } },
    ],
  });
}

/** True the first time a conversation is named within the window. */
export function createWelcomeGate(clock: () => number = Date.now): (conversationId: string) => boolean {
  const seen = new Map<string, number>();
  return (conversationId) => {
    const now = clock();
    const at = seen.get(conversationId);
    if (at !== undefined && now - at < WELCOME_WINDOW_MS) return false;
    seen.delete(conversationId);
    seen.set(conversationId, now);
    if (seen.size > WELCOME_MEMORY) seen.delete(seen.keys().next().value as string);
    return true;
  };
}
