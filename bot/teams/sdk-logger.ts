/**
 * The Teams SDK's logger, writing Certify's structured lines (`teams.sdk`) at a level of Certify's
 * log: the SDK's errors and warnings as errors and warnings, its info (its own HTTP server's
 * lifecycle, which Certify does not use) as debug, its debug and trace as trace. The SDK logs whole
 * error objects (a refused token's stack included) and, at debug level, whole activities; every
 * call is cut to one short message string (objects named by type, never shown), so no stack
 * trace, token or message text reaches the log whatever LOG_LEVEL says.
 */
import type { AppOptions } from '@microsoft/teams.apps';
import type { Log } from '../types.js';

type ILogger = NonNullable<AppOptions<never>['logger']>;
type LogLevel = Parameters<ILogger['log']>[0];

/** Longest SDK message kept: an error's text can quote a whole response body. */
const MAX_MESSAGE = 300;

function describe(part: unknown): string {
  if (part instanceof Error) return part.message;
  if (typeof part === 'string') return part;
  if (typeof part === 'number' || typeof part === 'boolean') return String(part);
  // Objects (activities, response bodies, options) may carry user text or tokens: named, not shown.
  return part === null || part === undefined ? '' : `[${typeof part}]`;
}

/** The SDK's level → the level of Certify's line. */
const LEVEL: Record<LogLevel, 'error' | 'warn' | 'debug' | 'trace'> = {
  error: 'error',
  warn: 'warn',
  info: 'debug',
  debug: 'trace',
  trace: 'trace',
};

export function sdkLogger(log: Log, name = 'teams-sdk'): ILogger {
  const write = (sdkLevel: LogLevel, parts: unknown[]) => {
    const level = LEVEL[sdkLevel] ?? 'debug';
    const message = parts
      .map(describe)
      .filter((p) => p !== '')
      .join(' ');
    log('teams.sdk', {
      level,
      source: name,
      message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    });
  };
  return {
    // Read by the SDK to set MSAL's own log level: warnings and errors only there too.
    loggerOptions: { level: 'warn' },
    debug: (...msg: unknown[]) => write('debug', msg),
    info: (...msg: unknown[]) => write('info', msg),
    warn: (...msg: unknown[]) => write('warn', msg),
    error: (...msg: unknown[]) => write('error', msg),
    trace: (...msg: unknown[]) => write('trace', msg),
    log: (level: LogLevel, ...msg: unknown[]) => write(level, msg),
    child: (child: string) => sdkLogger(log, `${name}/${child}`),
  };
}

/** An error as one short line for Certify's own log lines: its message, never its stack. */
export function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
