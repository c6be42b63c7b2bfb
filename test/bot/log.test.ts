/**
 * The service's structured log (bot/log.ts): pino JSON lines with a level label, ISO time, the
 * event, the active span's trace id, and no credential even when a caller passes one.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { context } from '@opentelemetry/api';
// Comes with @opentelemetry/sdk-node: the context manager the Node SDK registers.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { LogLevel } from '@slack/bolt';
import { createLog, scrub } from '../../bot/log.js';
import type { LogLevel as Level } from '../../bot/log-level.js';
import { readBotEnv } from '../../bot/config.js';
import { isCertifyError } from '../../base/errors.js';
import { sdkLogger } from '../../bot/teams/sdk-logger.js';
import { boltLogger } from '../../bot/slack/logger.js';
import type { Log } from '../../bot/types.js';
import { SECRETS } from '../support/secrets.js';

/** A log writing into an array of parsed lines instead of stdout. */
function capture(level?: Level): { log: Log; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
  const { log } = createLog({ ...(level ? { level } : {}), destination, version: '9.9.9' });
  return { log, lines };
}

describe('the structured log', () => {
  it('writes one JSON line per event: level label, ISO time, base fields, the event and its fields', () => {
    const chunks: string[] = [];
    const { log } = createLog({
      destination: { write: (s: string) => void chunks.push(s) },
      version: '9.9.9',
    });
    log('store.opened', { store: 'file' });
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0]!.endsWith('}\n'));
    assert.equal(chunks[0]!.trim().split('\n').length, 1);
    const line = JSON.parse(chunks[0]!) as Record<string, unknown>;
    assert.equal(line['level'], 'info');
    assert.match(String(line['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(line['event'], 'store.opened');
    assert.equal(line['store'], 'file');
    assert.equal(line['service'], 'certify');
    assert.equal(line['version'], '9.9.9');
    assert.equal(line['pid'], process.pid);
    assert.equal(line['hostname'], hostname());
    assert.equal(line['trace_id'], undefined, 'no span is active');
  });

  it("takes the line's level from a `level` field, which is not written as a field", () => {
    const { log, lines } = capture();
    log('command_error', { level: 'error', error: 'boom' });
    log('snapshots.orphans_failed', { level: 'warn', error: 'x' });
    log('odd', { level: 'loud' });
    assert.deepEqual(
      lines.map((l) => [l['event'], l['level']]),
      [
        ['command_error', 'error'],
        ['snapshots.orphans_failed', 'warn'],
        ['odd', 'info'],
      ],
    );
    assert.equal(lines[0]!['error'], 'boom');
    assert.equal(Object.keys(lines[0]!).filter((k) => k === 'level').length, 1);
  });

  it('writes a `msg` field as the human sentence, and health probes at debug', () => {
    const { log, lines } = capture();
    log('service.listening', { msg: 'Certify 9.9.9 listening on 127.0.0.1:1234', port: 1234 });
    log('http', { method: 'GET', path: '/readyz', status: 200, ms: 1 });
    log('http', { method: 'GET', path: '/healthz', status: 200, ms: 1 });
    log('http', { method: 'POST', path: '/api/messages', status: 200, ms: 3 });
    assert.deepEqual(
      lines.map((l) => [l['event'], l['path'] ?? l['msg']]),
      [
        ['service.listening', 'Certify 9.9.9 listening on 127.0.0.1:1234'],
        ['http', '/api/messages'],
      ],
    );
    const debug = capture('debug');
    debug.log('http', { method: 'GET', path: '/readyz', status: 200, ms: 1 });
    assert.equal(debug.lines[0]!['level'], 'debug');
  });

  it('writes nothing below LOG_LEVEL, and nothing at all when silent', () => {
    const warn = capture('warn');
    warn.log('a', {});
    warn.log('b', { level: 'warn' });
    warn.log('c', { level: 'error' });
    assert.deepEqual(
      warn.lines.map((l) => l['event']),
      ['b', 'c'],
    );
    const silent = capture('silent');
    silent.log('d', { level: 'fatal' });
    assert.equal(silent.lines.length, 0);
    const trace = capture('trace');
    trace.log('e', { level: 'trace' });
    assert.equal(trace.lines[0]!['level'], 'trace');
  });

  it('redacts fields named like credentials, at the top level, one object down and in headers', () => {
    const { log, lines } = capture();
    log('oops', {
      authorization: `Bearer ${SECRETS.botConnectorToken}`,
      clientSecret: SECRETS.teamsClientSecret,
      request: {
        headers: { authorization: 'Basic abc', cookie: 'session=1' },
        password: SECRETS.databasePassword,
      },
      slack: { signingSecret: SECRETS.slackSigningSecret, botToken: SECRETS.slackBotToken },
      connectionString: 'Server=x;Password=y',
      secretName: 'db-password',
    });
    const text = JSON.stringify(lines[0]);
    for (const value of Object.values(SECRETS))
      assert.ok(!text.includes(value), `${value.slice(0, 4)}… leaked`);
    assert.ok(!text.includes('Basic abc') && !text.includes('session=1') && !text.includes('Password=y'));
    assert.equal(lines[0]!['clientSecret'], '[redacted]');
    // A key that merely names a secret (its name, not its value) stays.
    assert.equal(lines[0]!['secretName'], 'db-password');
  });

  it('cuts bearer tokens, JWTs, Slack tokens and URL passwords out of any string field', () => {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2lnbmF0dXJl`;
    assert.equal(scrub(`refused Bearer abc.def-1 (${jwt})`), 'refused [redacted] ([redacted])');
    assert.equal(scrub(`token ${SECRETS.slackBotToken}!`), 'token [redacted]!');
    assert.equal(
      scrub('connect to postgres://certify:hunter2@db:5432/certify failed'),
      'connect to postgres://certify:[redacted]@db:5432/certify failed',
    );
    const { log, lines } = capture();
    log('teams.sdk', { level: 'error', message: `401 for Bearer ${jwt}` });
    assert.equal(lines[0]!['message'], '401 for [redacted]');
    log('service.telemetry', {
      exporters: ['OTLP to https://u:hunter2@otel.example'],
      nested: { why: [jwt] },
    });
    assert.deepEqual(lines[1]!['exporters'], ['OTLP to https://u:[redacted]@otel.example']);
    assert.deepEqual(lines[1]!['nested'], { why: ['[redacted]'] });
  });
});

describe('trace ids in log lines', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    context.disable();
    await provider.shutdown();
  });

  it("names the active span's trace and span in every line, across awaits, and none outside", async () => {
    const { log, lines } = capture();
    const tracer = provider.getTracer('certify-test');
    await tracer.startActiveSpan('request', async (span) => {
      log('first', {});
      await new Promise((r) => setTimeout(r, 1));
      log('after an await', {});
      await tracer.startActiveSpan('child', async (child) => {
        log('in the child', {});
        child.end();
      });
      span.end();
    });
    log('outside', {});
    const [request, child] = [
      exporter.getFinishedSpans().find((s) => s.name === 'request')!,
      exporter.getFinishedSpans().find((s) => s.name === 'child')!,
    ];
    const ids = lines.map((l) => [l['event'], l['trace_id'], l['span_id']]);
    assert.deepEqual(ids, [
      ['first', request.spanContext().traceId, request.spanContext().spanId],
      ['after an await', request.spanContext().traceId, request.spanContext().spanId],
      ['in the child', request.spanContext().traceId, child.spanContext().spanId],
      ['outside', undefined, undefined],
    ]);
    assert.match(String(lines[0]!['trace_id']), /^[0-9a-f]{32}$/);
    assert.equal(lines[0]!['trace_flags'], '01');
  });
});

describe('LOG_LEVEL', () => {
  it('is info by default and read case-insensitively', () => {
    assert.equal(readBotEnv({}, '/tmp').logLevel, 'info');
    assert.equal(readBotEnv({ LOG_LEVEL: 'WARN' }, '/tmp').logLevel, 'warn');
    assert.equal(readBotEnv({ LOG_LEVEL: 'silent' }, '/tmp').logLevel, 'silent');
  });

  it('stops the start-up on an unknown level, naming the variable and the allowed values', () => {
    let problems: string[] = [];
    try {
      readBotEnv({ LOG_LEVEL: 'verbose' }, '/tmp');
    } catch (e) {
      assert.ok(isCertifyError(e));
      problems = [...e.problems];
    }
    assert.deepEqual(problems, [
      'LOG_LEVEL: "verbose" is not a log level; set one of trace, debug, info, warn, error, fatal, silent (default info)',
    ]);
  });
});

describe('the SDK loggers', () => {
  it("write the Teams SDK's lines at Certify levels: errors, warnings; info as debug; debug as trace", () => {
    const { log, lines } = capture('trace');
    const sdk = sdkLogger(log).child('http');
    sdk.error(new Error('token refused'), { authorization: 'Bearer x' });
    sdk.warn('no credentials');
    sdk.info('listening on port 3978');
    sdk.debug('Handling activity', { text: 'user text' });
    sdk.log('trace', 'tick');
    assert.deepEqual(
      lines.map((l) => [l['event'], l['level'], l['source'], l['message']]),
      [
        ['teams.sdk', 'error', 'teams-sdk/http', 'token refused [object]'],
        ['teams.sdk', 'warn', 'teams-sdk/http', 'no credentials'],
        ['teams.sdk', 'debug', 'teams-sdk/http', 'listening on port 3978'],
        ['teams.sdk', 'trace', 'teams-sdk/http', 'Handling activity [object]'],
        ['teams.sdk', 'trace', 'teams-sdk/http', 'tick'],
      ],
    );
    const info = capture();
    sdkLogger(info.log).info('listening on port 3978');
    assert.equal(info.lines.length, 0, "the SDK's info is debug in Certify's log");
  });

  it("write Bolt's lines at Bolt's level, drop its debug, and scrub Slack tokens", () => {
    const { log, lines } = capture('trace');
    const bolt = boltLogger(log);
    bolt.setName('bolt-app');
    bolt.debug('body', { token: SECRETS.slackBotToken });
    bolt.info('started');
    bolt.warn(`retrying with ${SECRETS.slackBotToken}`);
    bolt.error(new Error('failed'));
    bolt.setLevel(LogLevel.ERROR);
    bolt.warn('not written');
    assert.deepEqual(
      lines.map((l) => [l['event'], l['level'], l['source'], l['message']]),
      [
        ['slack.sdk', 'info', 'bolt-app', 'started'],
        ['slack.sdk', 'warn', 'bolt-app', 'retrying with [token]'],
        ['slack.sdk', 'error', 'bolt-app', 'failed'],
      ],
    );
  });
});
