/**
 * What every channel adapter (Teams, Slack, playground) is given: one function for typed
 * commands, one for button presses. Both return a View, rendered by cards/ per channel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { View } from '../cards/views.js';

export interface BotUser {
  id: string;
  name: string;
}

export interface BotChannel {
  kind: 'teams' | 'slack' | 'playground';
  /** Conversation / channel id in that platform. */
  id: string;
}

export interface BotCore {
  /** Text the user typed after `/certify` (or the message with the bot mention stripped). */
  answer(text: string, user: BotUser, channel: BotChannel): Promise<View>;
  /** A button press: the ActionView's verb and data, echoed back by the platform. */
  act(verb: string, data: Record<string, string>, user: BotUser, channel: BotChannel): Promise<View>;
}

/** One structured log line (JSON on stdout). Never pass a secret or a token. */
export type Log = (event: string, fields?: Record<string, unknown>) => void;

/** An HTTP route of the one server: reads the request, writes the response. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
