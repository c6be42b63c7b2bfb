/**
 * The doors an attacker on the network would try first: where the server listens, who the
 * playground acts for, cross-site and DNS-rebinding requests, a read-only playground beside
 * anything real, slow request bodies, and a malformed certificate path. Each case was
 * reproduced against the service before it was closed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PLAYGROUND_APPROVER, readBotEnv, type BotConfig } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer } from '../../bot/server.js';
import type { BotCore } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { suiteLog } from '../support/child-log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A core that records what reached it, so a refusal can be shown to have done nothing. */
function recordingCore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-doors-'));
  dirs.push(dataDir);
  const real = createBotCore({
    ports: openPorts(dataDir, 50),
    source: demoSource({ profile: 'showcase', size: 50 }),
    clock: () => Date.parse('2026-11-23T06:00:00Z'),
  });
  const calls: string[] = [];
  const core: BotCore = {
    answer: (text, user, channel) => {
      calls.push(`answer:${text}:${user.id}`);
      return real.answer(text, user, channel);
    },
    act: (verb, data, user, channel) => {
      calls.push(`act:${verb}:${user.id}`);
      return real.act(verb, data, user, channel);
    },
  };
  return { core, calls };
}

function configFrom(env: Record<string, string>): BotConfig {
  return readBotEnv({ PORT: '0', ...env }, '/tmp');
}

async function started(config: BotConfig, extra: { requestTimeoutMs?: number; scan?: boolean } = {}) {
  const { core, calls } = recordingCore();
  const server = createServer({
    config,
    core,
    log: suiteLog('open-doors'),
    version: '0.0.0',
    ...(extra.requestTimeoutMs ? { requestTimeoutMs: extra.requestTimeoutMs } : {}),
    ...(extra.scan ? { runScheduledScan: async () => 'ran' } : {}),
    certificates: { lookup: async () => null, jwksUrl: () => 'http://127.0.0.1/.well-known/jwks.json' },
  });
  const { port } = await server.listen();
  return { server, port, calls };
}

async function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('configuration: loopback by default, and when the playground may act', () => {
  it('listens on 127.0.0.1 unless HOST says otherwise', () => {
    assert.equal(configFrom({}).host, '127.0.0.1');
    assert.equal(configFrom({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.throws(
      () => configFrom({ HOST: 'not a host!' }),
      (e: { problems?: string[] }) => (e.problems ?? []).some((p) => p.startsWith('HOST:')),
    );
  });

  const table: [string, Record<string, string>, boolean][] = [
    ['the demo tenant with nothing real configured', {}, true],
    ['the azure source', { CERTIFY_SOURCE: 'azure' }, false],
    ['real approvers', { CERTIFY_APPROVERS: 'U0REAL' }, false],
    [
      'a forced playground beside Slack',
      { CERTIFY_PLAYGROUND: '1', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' },
      false,
    ],
  ];
  for (const [name, env, acts] of table) {
    it(`${name}: the playground ${acts ? 'may act' : 'only reads'}`, () => {
      const config = configFrom(env);
      assert.equal(config.playground, true);
      assert.equal(config.playgroundReadOnly === null, acts, String(config.playgroundReadOnly));
      // The demo approver exists only in the demo: never beside a real source or real approvers.
      assert.equal(config.approvers.includes(PLAYGROUND_APPROVER), acts);
    });
  }
});

describe('the server with default settings', () => {
  let ctx: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    ctx = await started(configFrom({}));
  });
  afterAll(() => ctx.server.close());

  it('is bound to loopback only', async () => {
    // A connection to a non-loopback address of this machine would be refused.
    const res = await fetch(`http://127.0.0.1:${ctx.port}/healthz`);
    assert.equal(res.status, 200);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const socket = connect({ host: '::1', port: ctx.port, family: 6 }, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', reject);
      }),
      /ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/,
    );
  });

  it('acts only as its demo people: a body naming anyone else is refused and reaches nothing', async () => {
    for (const user of [{ id: 'U0REAL' }, { id: 'playground-morgan ' }, { id: 42 }, 'U0REAL']) {
      const command = await post(ctx.port, '/api/playground/command', { text: 'score', user });
      assert.equal(command.status, 403, JSON.stringify(user));
      const action = await post(ctx.port, '/api/playground/action', {
        verb: 'rotation.approve',
        data: { id: 'rot-1' },
        user,
      });
      assert.equal(action.status, 403, JSON.stringify(user));
    }
    assert.deepEqual(ctx.calls, []);
    const ok = await post(ctx.port, '/api/playground/command', {
      text: 'score',
      user: { id: 'playground-riley' },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ctx.calls, ['answer:score:playground-riley']);
    ctx.calls.length = 0;
  });

  it('refuses cross-site requests: text/plain, a foreign Origin, Sec-Fetch-Site cross-site', async () => {
    const body = { verb: 'rotation.approve', data: { id: 'rot-1' }, user: { id: 'playground-morgan' } };
    const plain = await post(ctx.port, '/api/playground/action', JSON.stringify(body), {
      'content-type': 'text/plain',
    });
    assert.equal(plain.status, 415);
    const form = await post(ctx.port, '/api/playground/command', 'text=score', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    const foreign = await post(ctx.port, '/api/playground/action', body, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    const site = await post(ctx.port, '/api/playground/action', body, { 'sec-fetch-site': 'cross-site' });
    assert.equal(site.status, 403);
    assert.deepEqual(ctx.calls, []);
    const own = await post(
      ctx.port,
      '/api/playground/command',
      { text: 'help' },
      { origin: `http://127.0.0.1:${ctx.port}`, 'sec-fetch-site': 'same-origin' },
    );
    assert.equal(own.status, 200);
    ctx.calls.length = 0;
  });

  it('refuses a foreign Host name (DNS rebinding), for the page and the API', async () => {
    const { request } = await import('node:http');
    const status = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: ctx.port,
            method,
            path,
            headers: { host: `evil.example:${ctx.port}`, 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await status('GET', '/'), 403);
    assert.equal(await status('GET', '/api/playground/events?after=0'), 403);
    assert.equal(await status('POST', '/api/playground/command', JSON.stringify({ text: 'score' })), 403);
    assert.deepEqual(ctx.calls, []);
  });

  it('answers GET /certs/% with 404, not 500', async () => {
    const res = await fetch(`http://127.0.0.1:${ctx.port}/certs/%`);
    assert.equal(res.status, 404);
    const bad = await fetch(`http://127.0.0.1:${ctx.port}/certs/%E0%A4%A`);
    assert.equal(bad.status, 404);
  });
});

describe('a read-only playground (azure source, real approvers or a chat channel)', () => {
  let ctx: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    ctx = await started(configFrom({ CERTIFY_PLAYGROUND: '1', CERTIFY_APPROVERS: 'U0REAL' }), { scan: true });
  });
  afterAll(() => ctx.server.close());

  it('reads: score, control, rules, help', async () => {
    for (const text of ['score', 'control pci 3.7', 'rules', 'rule list', 'help']) {
      const r = await post(ctx.port, '/api/playground/command', { text });
      assert.equal(r.status, 200, text);
    }
    const refresh = await post(ctx.port, '/api/playground/action', { verb: 'score.refresh', data: {} });
    assert.equal(refresh.status, 200);
    ctx.calls.length = 0;
  });

  it('never signs, approves, rotates, scans or changes rules', async () => {
    const commands = [
      'evidence soc2 last-quarter',
      'rotate kv-prod/db-password',
      'scan',
      'subscribe',
      'rule remove CUSTOM-1',
      'rule add {"id":"X"}',
    ];
    for (const text of commands) {
      const r = await post(ctx.port, '/api/playground/command', { text, user: { id: 'playground-morgan' } });
      assert.equal(r.status, 403, text);
      assert.match(r.text, /read-only/);
    }
    for (const verb of [
      'evidence.sign',
      'evidence.confirm',
      'rotation.approve',
      'rule.remove',
      'alert.ack',
    ]) {
      const r = await post(ctx.port, '/api/playground/action', {
        verb,
        data: { id: 'x' },
        user: { id: 'playground-morgan' },
      });
      assert.equal(r.status, 403, verb);
    }
    const scan = await post(ctx.port, '/api/playground/scan', {});
    assert.equal(scan.status, 403);
    assert.deepEqual(ctx.calls, []);
  });
});

describe('slow request bodies', () => {
  it('a client that stops sending its body is cut off at the request timeout', async () => {
    const ctx = await started(configFrom({}), { requestTimeoutMs: 400 });
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: ctx.port });
        let received = '';
        // A bound on the test itself, far above the server's timeout: a hang fails the test.
        const guard = setTimeout(() => {
          socket.destroy();
          reject(new Error('the server kept the connection open'));
        }, 10_000);
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => {
          clearTimeout(guard);
          resolve(received);
        });
        socket.on('error', () => undefined);
        socket.write(
          `POST /api/playground/command HTTP/1.1\r\nHost: 127.0.0.1:${ctx.port}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"te`,
        );
      });
      assert.match(answer, /^HTTP\/1\.1 408/);
      assert.deepEqual(ctx.calls, []);
    } finally {
      await ctx.server.close();
    }
  });
});
