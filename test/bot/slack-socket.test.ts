/**
 * Slack over Socket Mode end to end: the real Bolt App and the real SocketModeClient, connected
 * through a fake Socket Mode server (apps.connections.open + a WebSocket that sends envelopes and
 * collects acks) in front of the fake Web API, with the real core on the demo source. Commands,
 * buttons and events are answered as over HTTP; a re-sent envelope is acked and does nothing;
 * a token Slack refuses fails the start; with SLACK_APP_TOKEN the service mounts no Slack route.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { adapterRoutes } from '../../bot/service.js';
import {
  createHomeSource,
  createSlackSocket,
  WORKING_TEXT,
  type SlackSocket,
} from '../../bot/slack/index.js';
import { createHomeViewers, type HomeViewers } from '../../store/home-viewers.js';
import type { BotCore, Log } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { isCertifyError } from '../../base/errors.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack/index.js';
import { startFakeSlackSocket, type Envelope, type FakeSlackSocket } from '../support/fake-slack-socket.js';
import { SECRETS } from '../support/secrets.js';
import { captureChildOutput, suiteLog } from '../support/child-log.js';
import { listeningBot } from '../support/bot-process.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const BOT_TOKEN: string = SECRETS.slackBotToken;
const APP_TOKEN: string = SECRETS.slackAppToken;
const FIXTURE = JSON.parse(readFileSync('/work/shared/fixtures/wire/slack-requests.json', 'utf8')) as {
  block_actions_payload: { payload: Record<string, unknown> & { actions: Record<string, unknown>[] } };
};

const lines: { event: string; fields: Record<string, unknown> }[] = [];
const log: Log = suiteLog('slack-socket', (event, fields = {}) => {
  lines.push({ event, fields });
});

let seq = 0;
const next = (): number => ++seq;

function commandEnvelope(text: string, responseUrl: string, triggerId = `111.222.${next()}`): Envelope {
  return {
    envelope_id: `env-command-${next()}`,
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: {
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
      trigger_id: triggerId,
    },
  };
}

function mentionEnvelope(eventId: string, retry?: number): Envelope {
  const ts = `1764741600.00${next()}`;
  return {
    envelope_id: `env-event-${next()}`,
    type: 'events_api',
    accepts_response_payload: false,
    ...(retry !== undefined ? { retry_attempt: retry, retry_reason: 'timeout' } : {}),
    payload: {
      token: 'fixed-value',
      team_id: 'T111',
      api_app_id: 'A111',
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(NOW / 1000),
      authorizations: [{ team_id: 'T111', user_id: 'U0CERTIFY', is_bot: true }],
      event: {
        type: 'app_mention',
        user: 'W111',
        // U0CERTIFY is the fake's auth.test user_id: the bot's own mention is stripped.
        text: '<@U0CERTIFY> score',
        channel: 'C111',
        ts,
        event_ts: ts,
      },
    },
  };
}

function blocksText(call: FakeSlackCall): string {
  return JSON.stringify(call.body['blocks'] ?? []);
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(pred: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out');
    await settle(10);
  }
}

describe('Slack over Socket Mode', () => {
  let web: FakeSlack;
  let fake: FakeSlackSocket;
  let socket: SlackSocket;
  let dir: string;
  let core: BotCore;
  let viewers: HomeViewers;
  let n = 0;
  const responseId = (): string => `s${++n}`;

  beforeAll(async () => {
    web = await startFakeSlack();
    fake = await startFakeSlackSocket(web);
    dir = mkdtempSync(join(tmpdir(), 'certify-slack-socket-'));
    core = createBotCore({
      ports: openPorts(dir, 50),
      source: demoSource({ size: 150 }),
      clock: () => NOW,
    });
    const ports = openPorts(dir, 50);
    viewers = createHomeViewers(dir);
    socket = createSlackSocket({
      config: { slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl } },
      core,
      log,
      clock: () => NOW,
      reconnectDelayMs: 10,
      home: { source: createHomeSource({ ports }), viewers, log, clock: () => NOW },
    });
    await socket.start();
    await fake.connected();
  });

  afterAll(async () => {
    await socket?.stop();
    await fake?.close();
    await web?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the app-level token through the configured API base, and says so', () => {
    assert.ok(fake.opens.length >= 1);
    assert.ok(
      fake.opens.every((o) => o.appToken),
      'apps.connections.open carried an xapp- token',
    );
    // Bolt's deferred init ran before the socket opened: auth.test with the bot token.
    assert.ok(web.calls.some((c) => c.method === 'auth.test' && c.authorized));
    assert.ok(lines.some((l) => l.event === 'slack.socket.connected'));
    assert.doesNotMatch(JSON.stringify(lines), /xapp-|xoxb-/, 'no token in the log');
  });

  it('answers /certify score: the ack carries the working text, then the score through response_url', async () => {
    const id = responseId();
    const envelope = commandEnvelope('score', web.responseUrl(id));
    const ack = await fake.send(envelope);
    assert.equal(ack.envelope_id, envelope.envelope_id);
    assert.deepEqual(ack.payload, { response_type: 'ephemeral', text: WORKING_TEXT });
    const call = await web.waitFor((c) => c.method === 'response' && c.id === id);
    assert.equal(call.body['response_type'], 'in_channel');
    assert.ok(Array.isArray(call.body['blocks']) && (call.body['blocks'] as unknown[]).length > 0);
    assert.match(blocksText(call), /score/i);
  });

  it('handles a block_actions button: acked, then replace_original through response_url', async () => {
    const id = responseId();
    const payload = structuredClone(FIXTURE.block_actions_payload.payload);
    payload['response_url'] = web.responseUrl(id);
    payload['trigger_id'] = `333.444.${next()}`;
    payload['actions'] = [
      {
        ...payload.actions[0],
        action_id: 'control.show#2',
        action_ts: `1764741600.${next()}`,
        value: JSON.stringify({ framework: 'pci', control: '3.7' }),
      },
    ];
    const envelope: Envelope = {
      envelope_id: `env-action-${next()}`,
      type: 'interactive',
      accepts_response_payload: false,
      payload,
    };
    const ack = await fake.send(envelope);
    assert.equal(ack.envelope_id, envelope.envelope_id);
    const call = await web.waitFor((c) => c.method === 'response' && c.id === id);
    assert.equal(call.body['replace_original'], true);
    assert.match(blocksText(call), /3\.7/);
  });

  it('delivers an events_api envelope to the App: an app_mention is answered in its thread', async () => {
    const envelope = mentionEnvelope(`Ev${next()}`);
    const ack = await fake.send(envelope);
    assert.equal(ack.envelope_id, envelope.envelope_id);
    const event = envelope.payload['event'] as Record<string, string>;
    const post = await web.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['thread_ts'] === event['ts'],
    );
    assert.equal(post.body['channel'], 'C111');
    assert.ok(post.authorized, 'posted with the bot token');
    assert.match(blocksText(post), /score/i);
  });

  /** An events_api envelope around `event`, as Slack sends one over the socket. */
  const eventEnvelope = (event: Record<string, string>): Envelope => ({
    envelope_id: `env-event-${next()}`,
    type: 'events_api',
    accepts_response_payload: false,
    payload: {
      team_id: 'T111',
      api_app_id: 'A111',
      type: 'event_callback',
      event_id: `Ev${next()}`,
      event_time: Math.floor(NOW / 1000),
      authorizations: [{ team_id: 'T111', user_id: 'U0CERTIFY', is_bot: true }],
      event,
    },
  });

  it('answers a direct message once, in the DM', async () => {
    const channel = `D0SOCK${next()}`;
    const ts = `1764741600.00${next()}`;
    const envelope = eventEnvelope({
      type: 'message',
      channel_type: 'im',
      user: 'W222',
      text: 'score',
      channel,
      ts,
    });
    const ack = await fake.send(envelope);
    assert.equal(ack.envelope_id, envelope.envelope_id);
    const post = await web.waitFor((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel);
    assert.match(blocksText(post), /score/i);
    assert.equal(post.body['thread_ts'], undefined, 'a DM is answered in place, not in a thread');
    // A command sent after it is answered, so a second answer to the DM would be in by now.
    const id = responseId();
    await fake.send(commandEnvelope('help', web.responseUrl(id)));
    await web.waitFor((c) => c.method === 'response' && c.id === id);
    assert.equal(
      web.calls.filter((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel).length,
      1,
    );
  });

  it('publishes the App Home on app_home_opened, and remembers the viewer', async () => {
    const user = `W0HOME${next()}`;
    const envelope = eventEnvelope({
      type: 'app_home_opened',
      user,
      channel: `D0HOME${next()}`,
      tab: 'home',
      event_ts: `1764741600.00${next()}`,
    });
    await fake.send(envelope);
    const call = await web.waitFor((c) => c.method === 'views.publish' && c.body['user_id'] === user);
    const view = call.body['view'] as { type: string; blocks: unknown[] };
    assert.equal(view.type, 'home');
    assert.match(JSON.stringify(view.blocks), /\*Trend\*/);
    // Remembered just after the publish, for the refresh after each scheduled scan.
    let remembered = false;
    for (let i = 0; i < 200 && !remembered; i++) {
      remembered = (await viewers.recent(10)).some((v) => v.userId === user);
      if (!remembered) await settle(10);
    }
    assert.ok(remembered, 'the viewer is remembered');
  });

  it('acks a re-sent event (retry_attempt 1, same event_id) and does not answer it twice', async () => {
    const eventId = `Ev${next()}`;
    const first = mentionEnvelope(eventId);
    await fake.send(first);
    const ts = (first.payload['event'] as Record<string, string>)['ts'];
    await web.waitFor((c) => c.method === 'chat.postMessage' && c.body['thread_ts'] === ts);
    const retry: Envelope = { ...mentionEnvelope(eventId, 1), payload: first.payload };
    const ack = await fake.send(retry);
    assert.equal(ack.envelope_id, retry.envelope_id);
    assert.ok(
      lines.some(
        (l) =>
          l.event === 'slack_duplicate_ignored' &&
          l.fields['kind'] === 'event' &&
          l.fields['retryNum'] === 1 &&
          l.fields['transport'] === 'socket',
      ),
    );
    // A command sent after the retry is answered, so anything the retry had set off is in too.
    const id = responseId();
    await fake.send(commandEnvelope('help', web.responseUrl(id)));
    await web.waitFor((c) => c.method === 'response' && c.id === id);
    await settle(100);
    const posts = web.calls.filter((c) => c.method === 'chat.postMessage' && c.body['thread_ts'] === ts);
    assert.equal(posts.length, 1);
  });

  it('acks a re-sent slash command (same trigger_id) without a second answer', async () => {
    const id = responseId();
    const envelope = commandEnvelope('score', web.responseUrl(id));
    await fake.send(envelope);
    await web.waitFor((c) => c.method === 'response' && c.id === id);
    const again = await fake.send({ ...envelope, envelope_id: `env-command-${next()}`, retry_attempt: 1 });
    // The duplicate's ack is empty: the working text went out with the first delivery.
    assert.deepEqual(again.payload ?? {}, {});
    const later = responseId();
    await fake.send(commandEnvelope('help', web.responseUrl(later)));
    await web.waitFor((c) => c.method === 'response' && c.id === later);
    await settle(100);
    assert.equal(web.calls.filter((c) => c.method === 'response' && c.id === id).length, 1);
  });

  it('reconnects after the connection drops, past a refused attempt, and answers again', async () => {
    const before = fake.connections;
    fake.refuseNext('internal_error');
    fake.drop();
    await waitUntil(() => lines.some((l) => l.event === 'slack.socket.reconnected'));
    assert.equal(fake.connections, before + 1);
    assert.ok(
      lines.some(
        (l) =>
          l.event === 'slack.socket.reconnect_failed' && /internal_error/.test(String(l.fields['error'])),
      ),
    );
    await fake.connected();
    const id = responseId();
    const ack = await fake.send(commandEnvelope('help', web.responseUrl(id)));
    assert.deepEqual(ack.payload, { response_type: 'ephemeral', text: WORKING_TEXT });
    await web.waitFor((c) => c.method === 'response' && c.id === id);
  });

  it('fails the start with a clear error when Slack refuses the app-level token', async () => {
    fake.refuseNext('invalid_auth');
    const refused = createSlackSocket({
      config: { slack: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl } },
      core,
      log,
    });
    await assert.rejects(refused.start(), (e: Error) => {
      assert.match(e.message, /invalid_auth/);
      assert.doesNotMatch(e.message, /xapp-/);
      return true;
    });
    await refused.stop();
  });
});

describe('Socket Mode configuration and wiring', () => {
  it('refuses a SLACK_APP_TOKEN that is not an app-level token, naming the variable, not the value', () => {
    assert.throws(
      () => readBotEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: SECRETS.slackUserToken }, '/'),
      (e: unknown) => {
        assert.ok(isCertifyError(e));
        const text = e.problems.join('\n');
        assert.match(text, /^SLACK_APP_TOKEN: does not start with xapp-/m);
        assert.match(text, /connections:write/);
        assert.doesNotMatch(text, /very-secret/);
        return true;
      },
    );
  });

  it('mounts no POST /slack/events in Socket Mode, and mounts it over HTTP', async () => {
    const stubCore: BotCore = {
      answer: () => Promise.reject(new Error('unused')),
      act: () => Promise.reject(new Error('unused')),
    };
    const services = {
      store: { deliveryLedger: () => undefined },
      conversations: () => {
        throw new Error('Teams is not configured here');
      },
    } as unknown as Parameters<typeof adapterRoutes>[2];
    const env = { SLACK_BOT_TOKEN: BOT_TOKEN, CERTIFY_SLACK_API_URL: 'http://127.0.0.1:9/api' };

    const socketMode = readBotEnv({ ...env, SLACK_APP_TOKEN: APP_TOKEN }, '/');
    const overSocket = await adapterRoutes(socketMode, stubCore, services, log);
    assert.deepEqual(Object.keys(overSocket.routes), []);
    assert.ok(overSocket.slackSocket, 'a Socket Mode connection to start with the service');
    assert.ok(overSocket.notifiers.slack, 'proactive messages still go through the Web API');

    const http = readBotEnv({ ...env, SLACK_SIGNING_SECRET: SECRETS.slackSigningSecret }, '/');
    const overHttp = await adapterRoutes(http, stubCore, services, log);
    assert.deepEqual(Object.keys(overHttp.routes), ['POST /slack/events']);
    assert.equal(overHttp.slackSocket, undefined);
  });
});

describe('the bot process with SLACK_APP_TOKEN', () => {
  const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  let web: FakeSlack;
  let fake: FakeSlackSocket;

  beforeAll(async () => {
    web = await startFakeSlack();
    fake = await startFakeSlackSocket(web);
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fake?.close();
    await web?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function spawnBot(): { child: ChildProcess } {
    const dataDir = mkdtempSync(join(tmpdir(), 'certify-socket-bot-'));
    dirs.push(dataDir);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of [
      'AZURE_SUBSCRIPTION_IDS',
      'CERTIFY_DATABASE_URL',
      'SLACK_SIGNING_SECRET',
      'MicrosoftAppId',
      'CLIENT_ID',
      'CERTIFY_SCAN_ON_START',
    ])
      delete env[name];
    Object.assign(env, {
      CERTIFY_DATA_DIR: dataDir,
      CERTIFY_SOURCE: 'demo',
      // The showcase tenant has no seeded history: these tests are about the process, not the demo.
      CERTIFY_DEMO_PROFILE: 'showcase',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      CERTIFY_SLACK_API_URL: fake.apiUrl,
    });
    const child = captureChildOutput(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'slack-socket-bot',
    );
    children.push(child);
    return { child };
  }

  it('answers over the socket, has no /slack/events, and disconnects on SIGTERM', async () => {
    const { child } = spawnBot();
    const bot = await listeningBot(child, 30_000);
    // Connected before the listening line: the start-up waits for Slack's hello.
    assert.match(bot.output(), /"event":"slack\.socket\.connected"/);
    await fake.connected();

    const events = await fetch(`http://127.0.0.1:${bot.port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(events.status, 404, 'no HTTP endpoint for Slack in Socket Mode');

    const id = 'process-1';
    const ack = await fake.send(commandEnvelope('score', web.responseUrl(id)), 15_000);
    assert.deepEqual(ack.payload, { response_type: 'ephemeral', text: WORKING_TEXT });
    const answer = await web.waitFor((c) => c.method === 'response' && c.id === id, 15_000);
    assert.match(blocksText(answer), /score/i);

    child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.output());
    const out = bot.output();
    assert.match(out, /Channels: Slack \(Socket Mode\)/);
    assert.ok(
      out.indexOf('"event":"slack.socket.disconnected"') > out.indexOf('"event":"service.stopping"'),
      out,
    );
    assert.doesNotMatch(out, /xapp-|xoxb-/, 'no token in the output');
  }, 60_000);

  it('stops at start-up, naming the cause, when Slack refuses the app-level token', async () => {
    fake.refuseNext('invalid_auth');
    const { child } = spawnBot();
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    assert.notEqual(code, 0, out);
    assert.match(out, /Slack Socket Mode connection could not start: .*invalid_auth/);
    assert.doesNotMatch(out, /xapp-/);
  }, 60_000);
});
