/**
 * The bot service's structured log: one JSON line per event on stdout, written by pino.
 *
 *   {"level":"info","time":"2026-12-03T09:30:00.000Z","service":"certify","version":"0.1.0",
 *    "pid":4242,"hostname":"web-1","trace_id":"…","span_id":"…","event":"http","method":"GET",…}
 *
 * Callers keep the `Log` port (bot/types.ts): an event name and fields. A `level` field picks the
 * line's level (and is not written as a field); without one, `http` lines of the health probes
 * are debug (they come every few seconds) and everything else is info. A `msg` field is the
 * human sentence some events carry (the start-up lines). While an OpenTelemetry span is active,
 * every line names it (`trace_id`, `span_id`), so a log line leads to its trace.
 *
 * Nothing here is a place for secrets: callers never pass one. As defence in depth, fields whose
 * key names a credential are redacted, and anything that looks like a bearer token, a JWT, a
 * Slack token or a URL's password is cut out of every string in the line.
 */
import { hostname } from 'node:os';
import { isSpanContextValid, trace, context } from '@opentelemetry/api';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { DEFAULT_LOG_LEVEL, type LogLevel } from './log-level.js';
import type { Log } from './types.js';

const LINE_LEVELS: ReadonlySet<string> = new Set<Level>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** Paths answered to load balancers and orchestrators: their access lines are debug. */
const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/livez']);

/** Keys whose values are credentials wherever they appear (top level or one object down). */
export const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'botToken',
  'appToken',
  'password',
  'appPassword',
  'secret',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'apiKey',
  'connectionString',
  'connection_string',
  'databaseUrl',
  'privateKey',
] as const;

/** pino's redaction paths for those keys: at the top level, one object down, and in headers. */
const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dot = k.startsWith('[') ? k : `.${k}`;
  return [k, `*${dot}`, `headers${dot}`, `*.headers${dot}`];
});

/** Values that are credentials whatever field they are in (an SDK's message quoting a header). */
const TOKEN_SHAPES: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+/g,
  // user:password@ in a URL (a connection string in an error message).
  /(?<=\/\/[^/\s:@]+:)[^/\s@]+(?=@)/g,
];

/** A string with anything token-shaped replaced by `[redacted]`. */
export function scrub(text: string): string {
  let out = text;
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, '[redacted]');
  return out;
}

/** Every string in a line's fields (objects and arrays a few levels down) through scrub(). */
function scrubbed(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubbed(v, depth + 1));
  // Errors, dates, buffers keep their own serialisation; only plain objects are walked.
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubbed(v, depth + 1);
  return out;
}

export interface LogOptions {
  level?: LogLevel;
  /** Where lines go; stdout (synchronously, so nothing is lost at exit) unless told otherwise. */
  destination?: DestinationStream;
  /** Base fields of every line, beside pid and hostname. */
  service?: string;
  version?: string;
}

export interface ServiceLog {
  log: Log;
  /** The pino logger underneath, for level checks (`isLevelEnabled`). */
  logger: Logger;
}

/** The trace and span of the active OpenTelemetry span, if any (a mixin: read per line). */
function traceFields(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return {
    trace_id: ctx.traceId,
    span_id: ctx.spanId,
    trace_flags: `0${ctx.traceFlags.toString(16)}`.slice(-2),
  };
}

function levelOf(event: string, fields: Record<string, unknown>): Level {
  const asked = fields['level'];
  if (typeof asked === 'string' && LINE_LEVELS.has(asked)) return asked as Level;
  if (event === 'http' && typeof fields['path'] === 'string' && PROBE_PATHS.has(fields['path']))
    return 'debug';
  return 'info';
}

export function createLog(options: LogOptions = {}): ServiceLog {
  const logger = pino(
    {
      level: options.level ?? DEFAULT_LOG_LEVEL,
      base: {
        service: options.service ?? 'certify',
        ...(options.version ? { version: options.version } : {}),
        pid: process.pid,
        hostname: hostname(),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubbed(object, 0) as Record<string, unknown>,
      },
      mixin: traceFields,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const log: Log = (event, fields = {}) => {
    const level = levelOf(event, fields);
    if (!logger.isLevelEnabled(level)) return;
    const { level: _level, msg, ...rest } = fields;
    const line = { event, ...rest };
    if (typeof msg === 'string') logger[level](line, msg);
    else logger[level](line);
  };
  return { log, logger };
}
