/**
 * Bolt's Logger port, written to our structured Log as `slack.sdk` lines at Bolt's level (info,
 * warn, error; the level Bolt is set to still filters). Debug lines are dropped (Bolt prints
 * request bodies there); every message is cut to a string and scrubbed of anything that looks
 * like a Slack token, so no secret reaches the log through an SDK message.
 */
import { LogLevel } from '@slack/bolt';
import type { Logger } from '@slack/bolt';
import type { Log } from '../types.js';

const TOKEN = /xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+/g;
const MAX_MESSAGE = 300;

/** One log-safe line from whatever an SDK passed: strings and error messages only, never objects. */
export function safeMessage(parts: readonly unknown[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : `[${typeof p}]`))
    .join(' ')
    .replace(TOKEN, '[token]')
    .slice(0, MAX_MESSAGE);
}

/** The message of a thrown value, safe to log. */
export function errorMessage(error: unknown): string {
  return safeMessage([error instanceof Error ? error : String(error)]);
}

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

export function boltLogger(log: Log): Logger {
  let level: LogLevel = LogLevel.INFO;
  let name = 'bolt';
  const emit = (at: LogLevel, parts: unknown[]): void => {
    if (at === LogLevel.DEBUG || RANK[at] < RANK[level]) return;
    log('slack.sdk', { level: at, source: name, message: safeMessage(parts) });
  };
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => emit(LogLevel.INFO, parts),
    warn: (...parts: unknown[]) => emit(LogLevel.WARN, parts),
    error: (...parts: unknown[]) => emit(LogLevel.ERROR, parts),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}
