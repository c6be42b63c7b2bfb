/**
 * The Slack adapter end to end: a node:http server routing `POST /slack/events` to the real
 * route (real Bolt App, real core on the demo source), and a fake Slack for auth.test,
 * chat.postMessage / chat.update and response_url POSTs.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createBotCore } from '../../bot/core.js';
import { createSlackNotifier, createSlackRoute, FAILED_TEXT, WORKING_TEXT } from '../../bot/slack/index.js';
import type { Log, Route } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
// From test/support/secrets.ts: the log check after the run looks for them in every log.
const SECRET: string = SECRETS.slackSigningSecret;
const BOT_TOKEN: string = SECRETS.slackBotToken;
const FIXTURE = JSON.parse(readFileSync('/work/shared/fixtures/wire/slack-requests.json', 'utf8')) as {
  signature_test_vector: { signing_secret: string; headers: Record<string, string>; raw_body: string };
  block_actions_payload: { payload: Record<string, unknown> & { actions: Record<string, unknown>[] } };
};

const lines: { event: string; fields: Record<string, unknown> }[] = [];
const log: Log = suiteLog('slack', (event, fields = {}) => {
  lines.push({ event, fields });
});

async function serve(route: Route): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/slack/events') {
      route(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, server };
}

function sign(body: string, timestamp: number, secret = SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

async function post(
  url: string,
  body: string,
  opts: { timestamp?: number; signature?: string; contentType?: string } = {},
): Promise<{ status: number; text: string; at: number }> {
  const timestamp = opts.timestamp ?? Math.floor(NOW / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': opts.signature ?? sign(body, timestamp),
    },
    body,
  });
  const at = performance.now();
  return { status: res.status, text: await res.text(), at };
}

let triggers = 0;

/** Each command gets its own trigger_id, as from Slack: a repeated one is a duplicate delivery. */
function commandBody(text: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'fixed-value',
    team_id: 'T111',
    team_domain: 'domain-value',
    channel_id: 'C111',
    channel_name: 'random',
    user_id: 'W111',
    user_name: 'primary-owner',
    command: '/certify',
    text,
    api_app_id: 'A111',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `111.222.${++triggers}`,
  }).toString();
}

function blocksText(call: FakeSlackCall): string {
  return JSON.stringify(call.body['blocks'] ?? []);
}

describe('Slack adapter', () => {
  let fake: FakeSlack;
  let url: string;
  let server: Server;
  let dir: string;
  let n = 0;
  const responseId = (): string => `r${++n}`;

  beforeAll(async () => {
    fake = await startFakeSlack();
    dir = mkdtempSync(join(tmpdir(), 'certify-slack-'));
    const core = createBotCore({
      ports: openPorts(dir, 50),
      source: demoSource({ profile: 'showcase', size: 150 }),
      clock: () => NOW,
    });
    const route = createSlackRoute({
      config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
      core,
      log,
      clock: () => NOW,
    });
    ({ url, server } = await serve(route));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the fixture signature vector with its own secret and timestamp', async () => {
    const v = FIXTURE.signature_test_vector;
    const ts = Number(v.headers['X-Slack-Request-Timestamp']);
    const route = createSlackRoute({
      config: { slack: { botToken: BOT_TOKEN, signingSecret: v.signing_secret, apiUrl: fake.apiUrl } },
      core: {
        answer: () => Promise.reject(new Error('unused')),
        act: () => Promise.reject(new Error('unused')),
      },
      log,
      clock: () => ts * 1000 + 30_000,
    });
    const { url: vectorUrl, server: s } = await serve(route);
    try {
      const ok = await post(vectorUrl, v.raw_body, {
        timestamp: ts,
        signature: v.headers['X-Slack-Signature'],
      });
      assert.equal(ok.status, 200);
      const tampered = await post(vectorUrl, v.raw_body.replace('roadrunner', 'coyote'), {
        timestamp: ts,
        signature: v.headers['X-Slack-Signature'],
      });
      assert.equal(tampered.status, 401);
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });

  it('answers /certify score: ack first, then the score through response_url', async () => {
    const id = responseId();
    const ack = await post(url, commandBody('score', fake.responseUrl(id)));
    assert.equal(ack.status, 200);
    assert.deepEqual(JSON.parse(ack.text), { response_type: 'ephemeral', text: WORKING_TEXT });
    const call = await fake.waitFor((c) => c.method === 'response' && c.id === id);
    assert.ok(ack.at < call.at, 'the HTTP ack must come back before the response_url POST');
    assert.equal(call.body['response_type'], 'in_channel');
    assert.ok(Array.isArray(call.body['blocks']) && (call.body['blocks'] as unknown[]).length > 0);
    assert.match(blocksText(call), /score/i);
    assert.equal(typeof call.body['text'], 'string');
    assert.ok(
      fake.calls.some((c) => c.method === 'auth.test' && c.authorized),
      'Bolt verified the token',
    );
  });

  it('answers /certify control pci 3.7', async () => {
    const id = responseId();
    const ack = await post(url, commandBody('control pci 3.7', fake.responseUrl(id)));
    assert.equal(ack.status, 200);
    const call = await fake.waitFor((c) => c.method === 'response' && c.id === id);
    assert.equal(call.body['response_type'], 'in_channel');
    assert.match(blocksText(call), /3\.7/);
  });

  it('refuses a forged signature with 401 and never answers', async () => {
    const id = responseId();
    const body = commandBody('score', fake.responseUrl(id));
    const res = await post(url, body, { signature: sign(body, Math.floor(NOW / 1000), 'not-the-secret') });
    assert.equal(res.status, 401);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!fake.calls.some((c) => c.id === id));
    assert.ok(lines.some((l) => l.event === 'slack.rejected' && l.fields['reason'] === 'signature'));
  });

  it('refuses a stale timestamp (> 5 minutes) with 401, even when correctly signed', async () => {
    const id = responseId();
    const body = commandBody('score', fake.responseUrl(id));
    const old = Math.floor(NOW / 1000) - 301;
    const res = await post(url, body, { timestamp: old, signature: sign(body, old) });
    assert.equal(res.status, 401);
    assert.ok(!fake.calls.some((c) => c.id === id));
  });

  it('refuses a wrong content type with 415', async () => {
    const body = commandBody('score', fake.responseUrl(responseId()));
    const res = await post(url, body, { contentType: 'text/plain' });
    assert.equal(res.status, 415);
  });

  it('answers ssl_check and url_verification', async () => {
    const ssl = await post(url, 'ssl_check=1&token=x', { signature: 'v0=bogus' });
    assert.equal(ssl.status, 200);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' });
    const res = await post(url, body, { contentType: 'application/json' });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { challenge: 'c-123' });
  });

  it('handles a block_actions button: ack, then replace_original through response_url', async () => {
    const id = responseId();
    const payload = structuredClone(FIXTURE.block_actions_payload.payload);
    payload['response_url'] = fake.responseUrl(id);
    payload['actions'] = [
      {
        ...payload.actions[0],
        action_id: 'control.show#2',
        value: JSON.stringify({ framework: 'pci', control: '3.7' }),
      },
    ];
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const ack = await post(url, body);
    assert.equal(ack.status, 200);
    assert.equal(ack.text, '');
    const call = await fake.waitFor((c) => c.method === 'response' && c.id === id);
    assert.ok(ack.at < call.at);
    assert.equal(call.body['replace_original'], true);
    assert.match(blocksText(call), /3\.7/);
  });

  it('merges the input blocks of a block_actions payload into the data given to core.act', async () => {
    const calls: { verb: string; data: Record<string, string> }[] = [];
    const route = createSlackRoute({
      config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
      core: {
        answer: () => Promise.reject(new Error('unused')),
        act: (verb, data) => {
          calls.push({ verb, data });
          return Promise.resolve({
            kind: 'message',
            tone: 'good',
            title: 'Signed',
            text: 'ok',
            hint: null,
            actions: [],
          });
        },
      },
      log,
      clock: () => NOW,
    });
    const { url: inputUrl, server: s } = await serve(route);
    try {
      const id = responseId();
      const payload = structuredClone(FIXTURE.block_actions_payload.payload);
      payload['response_url'] = fake.responseUrl(id);
      payload['actions'] = [
        {
          ...payload.actions[0],
          action_id: 'evidence.confirm',
          value: JSON.stringify({ bundleId: 'ev-1', name: 'from the button' }),
        },
      ];
      payload['state'] = {
        values: {
          in_name: { name: { type: 'plain_text_input', value: 'Morgan Diaz' } },
          in_role: { role: { type: 'plain_text_input', value: 'CISO' } },
          // An empty input comes back as null: left out, as Teams leaves out unset inputs.
          in_comment: { comment: { type: 'plain_text_input', value: null } },
          // An input named like the verb cannot change which handler runs.
          in_verb: { verb: { type: 'plain_text_input', value: 'evidence.reject' } },
        },
      };
      const ack = await post(inputUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
      assert.equal(ack.status, 200);
      const call = await fake.waitFor((c) => c.method === 'response' && c.id === id);
      assert.equal(call.body['replace_original'], true);
      assert.deepEqual(calls, [
        {
          verb: 'evidence.confirm',
          data: { bundleId: 'ev-1', name: 'Morgan Diaz', role: 'CISO', verb: 'evidence.reject' },
        },
      ]);

      // A link button (the download) only gets the ack: Slack opens the url itself.
      const linkPayload = structuredClone(FIXTURE.block_actions_payload.payload);
      linkPayload['response_url'] = fake.responseUrl(responseId());
      linkPayload['actions'] = [
        {
          ...linkPayload.actions[0],
          action_id: 'open_link',
          url: 'https://example.com/d/1',
          value: undefined,
        },
      ];
      const linkAck = await post(
        inputUrl,
        new URLSearchParams({ payload: JSON.stringify(linkPayload) }).toString(),
      );
      assert.equal(linkAck.status, 200);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(calls.length, 1);
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });

  it('posts and updates proactive messages through the Web API', async () => {
    const core = createBotCore({
      ports: openPorts(dir, 50),
      source: demoSource({ profile: 'showcase', size: 150 }),
      clock: () => NOW,
    });
    const view = await core.answer('score', { id: 'U1', name: 'n' }, { kind: 'slack', id: 'C9' });
    const notifier = createSlackNotifier({
      config: { slack: { botToken: BOT_TOKEN, apiUrl: fake.apiUrl } },
      log,
    });
    const { ts } = await notifier.post('C9', view);
    assert.match(ts, /^\d+\.\d+$/);
    const posted = await fake.waitFor((c) => c.method === 'chat.postMessage');
    assert.equal(posted.body['channel'], 'C9');
    assert.ok(posted.authorized);
    assert.ok(Array.isArray(posted.body['blocks']));
    await notifier.update('C9', ts, view);
    const updated = await fake.waitFor((c) => c.method === 'chat.update');
    assert.equal(updated.body['ts'], ts);
    assert.equal(updated.body['channel'], 'C9');
  });

  it('answers a core failure after the ack with a short error message, and logs it', async () => {
    const route = createSlackRoute({
      config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
      core: { answer: () => Promise.reject(new Error('boom')), act: () => Promise.reject(new Error('boom')) },
      log,
      clock: () => NOW,
    });
    const { url: failUrl, server: s } = await serve(route);
    try {
      const id = responseId();
      const ack = await post(failUrl, commandBody('score', fake.responseUrl(id)));
      assert.equal(ack.status, 200);
      const call = await fake.waitFor((c) => c.method === 'response' && c.id === id);
      assert.equal(call.body['text'], FAILED_TEXT);
      assert.ok(lines.some((l) => l.event === 'slack.command.failed' && l.fields['error'] === 'boom'));
    } finally {
      s.closeAllConnections();
      s.close();
    }
  });

  it('never logs the token or the signing secret', () => {
    const all = JSON.stringify(lines);
    assert.ok(!all.includes(BOT_TOKEN));
    assert.ok(!all.includes(SECRET));
    assert.ok(!all.includes('response_url'));
  });
});
