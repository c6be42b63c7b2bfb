/**
 * The Teams adapter end to end: the real Teams SDK App (`@microsoft/teams.apps`) behind Certify's
 * route, the real bot core on a temporary data directory and the demo source, and a fake Bot
 * Connector as `serviceUrl` (and, with credentials, as the Bot Framework's token issuer and key set).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { App } from '@microsoft/teams.apps';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer as createCertifyServer } from '../../bot/server.js';
import { sdkCredentials } from '../../bot/teams/app.js';
import { CertifyHost } from '../../bot/teams/host.js';
import { sdkLogger } from '../../bot/teams/sdk-logger.js';
import {
  commandText,
  createMemoryReferenceStore,
  createTeamsNotifier,
  createTeamsRoute,
  TOKEN_VALIDATION_OFF_WARNING,
} from '../../bot/teams/index.js';
import type { ConversationReferenceStore, TeamsConfig, TeamsSdkPorts } from '../../bot/teams/index.js';
import { localOnlyProblem } from '../../bot/teams/local-only.js';
import { teamsWelcome } from '../../bot/teams/welcome.js';
import type { BotCore, Route } from '../../bot/types.js';
import { cardSize, toAdaptiveCard } from '../../cards/index.js';
import type { AdaptiveCard, View } from '../../cards/index.js';
import { openPorts } from '../../app/ports.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { startFakeConnector } from '../support/fake-botconnector/index.js';
import type { FakeConnector } from '../support/fake-botconnector/index.js';
import { SECRETS } from '../support/secrets.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const CARD = 'application/vnd.microsoft.card.adaptive';
const BOT = { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify' };
const APP_ID = '11111111-2222-3333-4444-555555555555';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certify-teams-'));
  dirs.push(d);
  return d;
}

function makeCore(): BotCore {
  return createBotCore({
    ports: openPorts(tempDir(), 50),
    source: demoSource({ profile: 'showcase', size: 150 }),
    clock: () => NOW,
  });
}

/** A core that fails the test if anything reaches it. */
function untouchable(): BotCore & { calls: number } {
  const core = {
    calls: 0,
    answer: () => {
      core.calls++;
      return Promise.reject(new Error('must not be called'));
    },
    act: () => {
      core.calls++;
      return Promise.reject(new Error('must not be called'));
    },
  };
  return core;
}

type Json = Record<string, unknown>;
type LogLine = { event: string; fields: Json | undefined };

/**
 * Microsoft's published inbound sample (shared/fixtures/wire/teams-activities.json,
 * message_activity_docs_example), with `serviceUrl` and `text` set per test.
 */
function personalMessage(serviceUrl: string, text: string, id = '1485983408511'): Json {
  return {
    type: 'message',
    id,
    timestamp: '2017-02-01T21:10:07.437Z',
    localTimestamp: '2017-02-01T14:10:07.437-07:00',
    serviceUrl,
    channelId: 'msteams',
    from: {
      id: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw',
      name: 'Megan Bowen',
      aadObjectId: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8',
    },
    conversation: {
      conversationType: 'personal',
      id: 'a:17I0kl9EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbfcAg2IaydGElSo10tVr4C7Fc6GtieTJX663WuJCc1uA83n4CSrHSgGBj5XNYLcVlJAs2ZX8DbYBPck201w-',
    },
    recipient: { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Teams TestBot' },
    textFormat: 'plain',
    text,
    entities: [
      {
        locale: 'en-US',
        country: 'US',
        platform: 'Windows',
        timezone: 'America/Los_Angeles',
        type: 'clientInfo',
      },
    ],
    channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
    locale: 'en-US',
  };
}

const USER = { id: '29:1user', name: 'Test User', aadObjectId: '00000000-0000-0000-0000-0000000000aa' };
const TENANT = '00000000-0000-0000-0000-0000000000cc';

function mentionMessage(serviceUrl: string, conversation: Json, text: string, extra: Json = {}): Json {
  return {
    type: 'message',
    id: `1700000000${Math.floor(Math.random() * 1000)}`,
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation: { tenantId: TENANT, ...conversation },
    recipient: BOT,
    textFormat: 'plain',
    text,
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
    channelData: { tenant: { id: TENANT }, ...extra },
    locale: 'en-US',
  };
}

/** The synthesized `adaptiveCard/action` invoke of the wire fixture, with our verb and data. */
function actionInvoke(serviceUrl: string, verb: string, data: Record<string, string>): Json {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: 'f:1234567890',
    timestamp: '2025-01-01T10:00:05.000Z',
    serviceUrl,
    channelId: 'msteams',
    from: USER,
    conversation: { conversationType: 'personal', tenantId: TENANT, id: 'a:1conv' },
    recipient: BOT,
    replyToId: '1700000000001',
    value: { action: { type: 'Action.Execute', id: 'btn', verb, data }, trigger: 'manual' },
    channelData: { tenant: { id: TENANT }, source: { name: 'message' } },
    locale: 'en-US',
  };
}

async function startBot(route: Route, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/messages') {
      route(req, res).catch(() => res.writeHead(500).end());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (): unknown => JSON.parse(text) };
}

function cardOf(activity: Json): AdaptiveCard {
  const attachments = activity.attachments as { contentType: string; content: AdaptiveCard }[] | undefined;
  assert.ok(
    attachments && attachments.length === 1,
    `expected one attachment, got ${JSON.stringify(activity)}`,
  );
  const [attachment] = attachments;
  assert.equal(attachment?.contentType, CARD);
  return attachment.content;
}

/** Runs `body` while capturing what the process writes to stderr, stdout and the console. */
async function quietly<T>(body: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const printed: string[] = [];
  const saved = {
    error: console.error,
    warn: console.warn,
    log: console.log,
    err: process.stderr.write,
    out: process.stdout.write,
  };
  const capture = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
  console.error = capture;
  console.warn = capture;
  console.log = capture;
  process.stderr.write = ((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  process.stdout.write = ((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await body(), printed: printed.join('\n') };
  } finally {
    console.error = saved.error;
    console.warn = saved.warn;
    console.log = saved.log;
    process.stderr.write = saved.err;
    process.stdout.write = saved.out;
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('commandText', () => {
  it('strips the bot mention, a leftover mention, &nbsp; and a leading /certify', () => {
    assert.equal(commandText({ text: '<at>Certify</at>&nbsp;control pci 3.7' }), 'control pci 3.7');
    assert.equal(commandText({ text: '  /certify score soc2 ' }), 'score soc2');
    assert.equal(commandText({ text: '/certifyx' }), '/certifyx');
    assert.equal(commandText({}), '');
  });

  it("strips only the bot's own mention, and survives a malformed mention entity", () => {
    const activity = {
      text: '<at>Certify</at> rotate kv/db <at>Avery</at>',
      recipient: { id: BOT.id },
      entities: [
        { type: 'mention', text: '<at>Avery</at>', mentioned: { id: '29:avery', name: 'Avery' } },
        { type: 'mention', text: '<at>Certify</at>', mentioned: BOT },
        { type: 'mention', text: '<at>Nobody</at>' },
      ],
    };
    assert.equal(commandText(activity), 'rotate kv/db <at>Avery</at>');
  });
});

describe('Teams route (local mode, no MicrosoftAppId)', () => {
  let connector: FakeConnector;
  let bot: { url: string; close(): Promise<void> };
  let references: ConversationReferenceStore;
  const logs: LogLine[] = [];
  const config: { teams: TeamsConfig | null; approvers: string[] } = {
    teams: null,
    approvers: ['00000000-0000-0000-0000-0000000000aa'],
  };
  // A second core with its own data directory, fed the same commands: the expected views.
  const twin = makeCore();
  const twinUser = { id: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8', name: 'Megan Bowen' };
  let scoreCard: AdaptiveCard;

  beforeAll(async () => {
    connector = await startFakeConnector();
    references = createMemoryReferenceStore();
    const route = createTeamsRoute({
      config,
      core: makeCore(),
      log: suiteLog('teams', (event, fields) => void logs.push({ event, fields })),
      references,
    });
    bot = await startBot(route);
  });
  afterAll(async () => {
    await bot.close();
    await connector.close();
  });

  it('logs exactly one warning that token validation is off', () => {
    const warnings = logs.filter((l) => JSON.stringify(l).includes(TOKEN_VALIDATION_OFF_WARNING));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.fields?.level, 'warn');
  });

  it('answers a personal-chat `score` with an Adaptive Card through the connector', async () => {
    const activity = personalMessage(connector.serviceUrl, 'score');
    const res = await post(bot.url, activity);
    assert.equal(res.status, 200);
    assert.equal(connector.activities.length, 1);
    const sent = connector.activities[0];
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.equal(sent.conversationId, (activity.conversation as { id: string }).id);
    assert.equal(sent.authorization, null, 'no token in local mode');
    assert.equal(sent.activity.type, 'message');
    assert.deepEqual(sent.activity.from, {
      id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c',
      name: 'Teams TestBot',
    });
    scoreCard = cardOf(sent.activity);
    assert.equal(scoreCard.version, '1.5');
    assert.ok(cardSize(scoreCard) <= 28 * 1024, `${cardSize(scoreCard)} bytes`);
    const expected = await twin.answer('score', twinUser, { kind: 'teams', id: 'x' });
    assert.equal(expected.kind, 'score');
    assert.deepEqual(scoreCard, toAdaptiveCard(expected));
    const score = (expected as Extract<View, { kind: 'score' }>).score;
    assert.ok(score !== null && JSON.stringify(scoreCard.body).includes(String(Math.round(score))));
    assert.deepEqual(connector.unexpected, []);
  });

  it('stores the conversation reference keyed by conversation id, in the Teams SDK format', async () => {
    const activity = personalMessage(connector.serviceUrl, 'help');
    const id = (activity.conversation as { id: string }).id;
    const reference = await references.get(id);
    assert.deepEqual(reference, {
      format: 2,
      serviceUrl: connector.serviceUrl.replace(/\/$/, ''),
      channelId: 'msteams',
      conversation: { id, conversationType: 'personal' },
      bot: { id: '28:c9e8c047-2a74-40a2-b28a-b162d5f5327c', name: 'Teams TestBot' },
    });
  });

  it('strips the bot mention in a channel: `<at>Certify</at> control pci 3.7` → control card', async () => {
    const before = connector.activities.length;
    const activity = mentionMessage(
      connector.serviceUrl,
      { conversationType: 'channel', id: '19:general@thread.tacv2;messageid=1700000000111', isGroup: true },
      '<at>Certify</at> control pci 3.7',
      { team: { id: '19:team@thread.tacv2' }, channel: { id: '19:general@thread.tacv2' } },
    );
    const res = await post(bot.url, activity);
    assert.equal(res.status, 200);
    assert.equal(connector.activities.length, before + 1);
    const sent = connector.activities.at(-1);
    assert.ok(sent);
    assert.equal(sent.conversationId, '19:general@thread.tacv2;messageid=1700000000111', 'in the thread');
    const card = cardOf(sent.activity);
    const expected = await twin.answer('control pci 3.7', twinUser, { kind: 'teams', id: 'x' });
    assert.equal(expected.kind, 'control');
    assert.deepEqual(card, toAdaptiveCard(expected));
    assert.match(JSON.stringify(card), /3\.7/);
  });

  it('works in a group chat, and a bare mention is `help`', async () => {
    const before = connector.activities.length;
    const activity = mentionMessage(
      connector.serviceUrl,
      { conversationType: 'groupChat', id: '19:group@thread.v2', isGroup: true },
      '<at>Certify</at>',
    );
    const res = await post(bot.url, activity);
    assert.equal(res.status, 200);
    const sent = connector.activities.at(-1);
    assert.ok(sent && connector.activities.length === before + 1);
    assert.equal(sent.conversationId, '19:group@thread.v2');
    const expected = await twin.answer('help', twinUser, { kind: 'teams', id: 'x' });
    assert.deepEqual(cardOf(sent.activity), toAdaptiveCard(expected));
    assert.ok(await references.get('19:group@thread.v2'));
  });

  it('answers an Action.Execute invoke with the new card as the invoke response', async () => {
    const action = scoreCard.actions[0];
    assert.ok(action, 'the score card has at least one Action.Execute');
    assert.equal(action.type, 'Action.Execute');
    const before = connector.activities.length;
    const res = await post(bot.url, actionInvoke(connector.serviceUrl, action.verb, action.data));
    assert.equal(res.status, 200);
    const body = res.json() as { statusCode: number; type: string; value: AdaptiveCard };
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, CARD);
    assert.equal(body.value.type, 'AdaptiveCard');
    const expected = await twin.act(
      action.verb,
      action.data,
      { id: USER.aadObjectId, name: USER.name },
      { kind: 'teams', id: 'a:1conv' },
    );
    assert.deepEqual(body.value, toAdaptiveCard(expected));
    assert.equal(
      connector.activities.length,
      before,
      'the card is refreshed by the response, not a new message',
    );
    assert.ok(await references.get('a:1conv'));
  });

  it('welcomes once when the bot is added or installed, never when someone else joins', async () => {
    const update = (conversation: string, member: { id: string }) => ({
      type: 'conversationUpdate',
      id: 'cu-1',
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from: USER,
      conversation: { conversationType: 'personal', tenantId: TENANT, id: conversation },
      recipient: BOT,
      membersAdded: [member],
      channelData: { tenant: { id: TENANT }, eventType: 'membersAdded' },
    });
    const install = (conversation: string, conversationType: string) => ({
      type: 'installationUpdate',
      action: 'add',
      id: 'iu-1',
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from: USER,
      conversation: {
        conversationType,
        tenantId: TENANT,
        id: conversation,
        isGroup: conversationType !== 'personal',
      },
      recipient: BOT,
      channelData: { tenant: { id: TENANT }, source: { name: 'message' } },
    });
    const before = connector.activities.length;
    assert.equal((await post(bot.url, update('a:2conv', { id: USER.id }))).status, 200);
    assert.equal(connector.activities.length, before);
    assert.equal((await post(bot.url, update('a:2conv', { id: BOT.id }))).status, 200);
    assert.equal(connector.activities.length, before + 1);
    const sent = connector.activities.at(-1);
    assert.ok(sent);
    assert.equal(sent.conversationId, 'a:2conv');
    const welcome = cardOf(sent.activity);
    assert.deepEqual(welcome, toAdaptiveCard(teamsWelcome(config.approvers, 'personal')));
    const text = JSON.stringify(welcome);
    assert.match(text, /Certify is here/);
    assert.match(text, /"control pci 3\.7"/);
    assert.match(text, /"evidence soc2 last-quarter"/);
    assert.match(text, /the approver your administrator named/);
    // Teams announces the same install twice: the second announcement is not welcomed again.
    assert.equal((await post(bot.url, install('a:2conv', 'personal'))).status, 200);
    assert.equal(connector.activities.length, before + 1);
    // An install in a team's channel is welcomed, with the mention hint.
    assert.equal((await post(bot.url, install('19:team@thread.tacv2', 'channel'))).status, 200);
    assert.equal(connector.activities.length, before + 2);
    const channel = connector.activities.at(-1)!;
    assert.equal(channel.conversationId, '19:team@thread.tacv2');
    assert.match(JSON.stringify(cardOf(channel.activity)), /mention @Certify first/);
    // The welcome's buttons answer in place, like any card's.
    const button = welcome.actions.find((a) => a.verb === 'score.show');
    assert.ok(button);
    const res = await post(bot.url, actionInvoke(connector.serviceUrl, button.verb, button.data));
    assert.equal((res.json() as { value: AdaptiveCard }).value.type, 'AdaptiveCard');
    assert.match(JSON.stringify((res.json() as { value: AdaptiveCard }).value), /Certify score/);
  });

  it('sends a proactive alert to a stored conversation', async () => {
    const key = (personalMessage('', '').conversation as { id: string }).id;
    const notifier = createTeamsNotifier({ config, references, log: suiteLog('teams') });
    const view: View = {
      kind: 'message',
      tone: 'attention',
      title: 'Expiring',
      text: '3 secrets expire soon',
      hint: null,
      actions: [],
    };
    const before = connector.activities.length;
    await notifier.send(key, view);
    assert.equal(connector.activities.length, before + 1);
    const sent = connector.activities.at(-1);
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.equal(sent.conversationId, key);
    assert.equal(sent.activityId, null, 'a new message, not a reply');
    assert.equal(sent.authorization, null);
    assert.deepEqual(cardOf(sent.activity), toAdaptiveCard(view));
    await assert.rejects(notifier.send('19:unknown', view), /No Teams conversation/);
  });

  it('rejects bad bodies before the SDK sees them', async () => {
    assert.equal((await post(bot.url, '{not json')).status, 400);
    assert.equal((await post(bot.url, '[1,2]')).status, 400);
    assert.equal((await post(bot.url, { type: 'message' })).status, 400, 'no conversation');
    const big = JSON.stringify({ type: 'message', text: 'x'.repeat(1024 * 1024 + 10) });
    assert.equal((await post(bot.url, big)).status, 413);
  });

  it('refuses what is not a program on this machine: proxied, from a web page, not JSON', async () => {
    const before = connector.activities.length;
    const message = personalMessage(connector.serviceUrl, 'score');
    const refusals: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.7' },
      { forwarded: 'for=203.0.113.7' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'text/plain' },
    ];
    for (const headers of refusals) {
      const res = await post(bot.url, message, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal(connector.activities.length, before);
    assert.equal(logs.filter((l) => l.event === 'teams.refused').length, 5);
  });
});

describe('local mode refuses other machines', () => {
  const fakeReq = (remoteAddress: string, headers: Json = {}) =>
    ({
      socket: { remoteAddress },
      headers: { 'content-type': 'application/json', ...headers },
    }) as unknown as IncomingMessage;

  it('lets loopback callers through, IPv4, IPv6 and mapped', () => {
    assert.equal(localOnlyProblem(fakeReq('127.0.0.1')), null);
    assert.equal(localOnlyProblem(fakeReq('::1')), null);
    assert.equal(localOnlyProblem(fakeReq('::ffff:127.0.0.1')), null);
    assert.equal(localOnlyProblem(fakeReq('10.0.0.5')), 'not from this machine');
    assert.equal(localOnlyProblem(fakeReq('::ffff:192.168.1.4')), 'not from this machine');
  });

  it('answers 403 to a request over a network interface', async (ctx) => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!address) {
      ctx.skip();
      return;
    }
    const core = untouchable();
    const route = createTeamsRoute({
      config: { teams: null },
      core,
      log: suiteLog('teams'),
      references: createMemoryReferenceStore(),
    });
    const bot = await startBot(route, '0.0.0.0');
    try {
      const url = bot.url.replace('127.0.0.1', address);
      const res = await post(url, personalMessage('http://127.0.0.1:9/', 'score'));
      assert.equal(res.status, 403);
      assert.equal(core.calls, 0);
    } finally {
      await bot.close();
    }
  });
});

describe('Teams Action.Execute with input values', () => {
  it('passes the inputs Teams merged into action.data to core.act, as strings, verb untouched', async () => {
    const connector = await startFakeConnector();
    const calls: { verb: string; data: Record<string, string> }[] = [];
    const core: BotCore = {
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
    };
    const bot = await startBot(
      createTeamsRoute({
        config: { teams: null },
        core,
        log: suiteLog('teams'),
        references: createMemoryReferenceStore(),
      }),
    );
    try {
      // Teams sends the card's own data with each Input.Text value under its id (inputs win).
      const invoke = actionInvoke(connector.serviceUrl, 'evidence.confirm', {
        bundleId: 'ev-1',
        name: 'Morgan Diaz',
        role: 'CISO',
        verb: 'evidence.reject',
      });
      const res = await post(bot.url, invoke);
      assert.equal(res.status, 200);
      assert.equal((res.json() as { statusCode: number }).statusCode, 200);
      assert.deepEqual(calls, [
        {
          verb: 'evidence.confirm',
          data: { bundleId: 'ev-1', name: 'Morgan Diaz', role: 'CISO', verb: 'evidence.reject' },
        },
      ]);
    } finally {
      await bot.close();
      await connector.close();
    }
  });

  it('a failing command answers the pressed card with an error, and a message with an apology', async () => {
    const connector = await startFakeConnector();
    const logs: LogLine[] = [];
    const core: BotCore = {
      answer: () => Promise.reject(new Error('store is on fire at /secret/path')),
      act: () => Promise.reject(new Error('store is on fire at /secret/path')),
    };
    const bot = await startBot(
      createTeamsRoute({
        config: { teams: null },
        core,
        log: suiteLog('teams', (event, fields) => void logs.push({ event, fields })),
        references: createMemoryReferenceStore(),
      }),
    );
    try {
      const res = await post(bot.url, actionInvoke(connector.serviceUrl, 'score.show', {}));
      assert.equal(res.status, 200);
      const body = res.json() as { statusCode: number; type: string; value: { message: string } };
      assert.equal(body.statusCode, 500);
      assert.equal(body.type, 'application/vnd.microsoft.error');
      assert.doesNotMatch(res.text, /on fire/);
      assert.equal((await post(bot.url, personalMessage(connector.serviceUrl, 'score'))).status, 200);
      const sent = connector.activities.at(-1)!;
      assert.match(String(sent.activity.text), /could not answer that/);
      assert.equal(logs.filter((l) => l.event === 'teams.turn_error').length, 2);
    } finally {
      await bot.close();
      await connector.close();
    }
  });
});

describe('Teams route with credentials (token validation on)', () => {
  let connector: FakeConnector;
  let outbound: string;
  let sdk: TeamsSdkPorts;
  beforeAll(async () => {
    connector = await startFakeConnector();
    outbound = connector.outboundToken();
    sdk = { cloud: connector.cloud, token: () => outbound };
  });
  afterAll(() => connector.close());

  const TYPES: Array<[string, TeamsConfig]> = [
    [
      'MultiTenant',
      { appId: APP_ID, appPassword: SECRETS.teamsClientSecret, tenantId: null, appType: 'MultiTenant' },
    ],
    [
      'SingleTenant',
      { appId: APP_ID, appPassword: SECRETS.teamsClientSecret, tenantId: TENANT, appType: 'SingleTenant' },
    ],
    ['UserAssignedMSI', { appId: APP_ID, appPassword: null, tenantId: TENANT, appType: 'UserAssignedMSI' }],
  ];

  async function withRoute(
    teams: TeamsConfig,
    core: BotCore,
    run: (url: string, logs: LogLine[], references: ConversationReferenceStore) => Promise<void>,
  ) {
    const logs: LogLine[] = [];
    const references = createMemoryReferenceStore();
    const route = createTeamsRoute({
      config: { teams },
      core,
      log: suiteLog('teams', (event, fields) => void logs.push({ event, fields })),
      references,
      sdk,
    });
    const bot = await startBot(route);
    try {
      await run(bot.url, logs, references);
    } finally {
      await bot.close();
    }
  }

  it('answers 401 to a request without an Authorization header and handles nothing', async () => {
    const core = untouchable();
    const password = SECRETS.teamsClientSecret;
    await withRoute(TYPES[0]![1], core, async (url, logs, references) => {
      const before = connector.activities.length;
      const res = await post(url, personalMessage(connector.serviceUrl, 'score'));
      assert.equal(res.status, 401);
      assert.equal(res.text, 'Unauthorized');
      assert.equal(core.calls, 0);
      assert.deepEqual(await references.list(), []);
      assert.equal(connector.activities.length, before);
      assert.equal(logs.filter((l) => JSON.stringify(l).includes(TOKEN_VALIDATION_OFF_WARNING)).length, 0);
      assert.ok(!JSON.stringify(logs).includes(password));
    });
  });

  for (const [name, teams] of TYPES) {
    it(`${name}: a token the Bot Framework signed is accepted, and the reply carries the bot's token`, async () => {
      await withRoute(teams, makeCore(), async (url, logs) => {
        const before = connector.activities.length;
        const activity = personalMessage(connector.serviceUrl, 'rules');
        const token = connector.token({ audience: APP_ID, serviceUrl: connector.serviceUrl });
        const res = await post(url, activity, { authorization: `Bearer ${token}` });
        assert.equal(res.status, 200, JSON.stringify(logs));
        assert.equal(connector.activities.length, before + 1);
        const sent = connector.activities.at(-1)!;
        assert.equal(sent.authorization, `Bearer ${outbound}`);
        assert.equal(cardOf(sent.activity).version, '1.5');
        assert.match(JSON.stringify(cardOf(sent.activity)), /P001/);
        assert.ok(connector.keySetFetches > 0, 'the key set was fetched from the (fake) issuer');
      });
    });
  }

  it('refuses forged, expired, wrong-audience, wrong-issuer, wrong-service-url and unsigned tokens: 401, nothing printed, no stack', async () => {
    const core = untouchable();
    await withRoute(TYPES[1]![1], core, async (url, logs, references) => {
      const serviceUrl = connector.serviceUrl;
      const cases: Array<[string, string]> = [
        ['forged', connector.token({ audience: APP_ID, serviceUrl, forged: true })],
        ['expired', connector.token({ audience: APP_ID, serviceUrl, expiresIn: -3600 })],
        ['wrong audience', connector.token({ audience: '99999999-2222-3333-4444-555555555555', serviceUrl })],
        ['wrong issuer', connector.token({ audience: APP_ID, serviceUrl, issuer: 'https://evil.example' })],
        ['wrong service url', connector.token({ audience: APP_ID, serviceUrl: 'https://evil.example/' })],
        ['unsigned', connector.token({ audience: APP_ID, serviceUrl, unsigned: true })],
        ['malformed', 'not-a-jwt'],
      ];
      const before = connector.activities.length;
      for (const [label, token] of cases) {
        const { value: res, printed } = await quietly(() =>
          post(url, personalMessage(serviceUrl, 'score'), { authorization: `Bearer ${token}` }),
        );
        assert.equal(res.status, 401, `${label}: ${res.status} ${res.text}`);
        assert.equal(res.text, 'Unauthorized', label);
        assert.equal(printed, '', `nothing printed outside the structured log for ${label}`);
      }
      assert.equal(core.calls, 0);
      assert.equal(connector.activities.length, before);
      assert.deepEqual(await references.list(), []);
      assert.equal(logs.filter((l) => l.event === 'teams.unauthorized').length, cases.length);
      const text = JSON.stringify(logs);
      assert.doesNotMatch(text, /\bat [^ ]+ \(|\.js:\d+:\d+/, 'no stack trace in the log');
      for (const [, token] of cases) assert.ok(!text.includes(token), 'no token in the log');
    });
  });

  it('answers 400, not 500, to an unauthenticated {} and a malformed or missing token 401', async () => {
    await withRoute(TYPES[0]![1], untouchable(), async (url, logs) => {
      const { value: res, printed } = await quietly(() => post(url, {}));
      assert.equal(res.status, 400);
      assert.equal(printed, '');
      assert.ok(logs.some((l) => l.event === 'teams.bad_request'));
      for (const authorization of ['Bearer not-a-jwt', 'Basic dXNlcjpwYXNz', '']) {
        const { value, printed: out } = await quietly(() =>
          post(url, personalMessage(connector.serviceUrl, 'score'), authorization ? { authorization } : {}),
        );
        assert.equal(value.status, 401, `${authorization}: ${value.status}`);
        assert.equal(value.text, 'Unauthorized');
        assert.equal(out, '');
      }
    });
  });

  it('accepts requests from anywhere once tokens are validated (no loopback rule)', async () => {
    await withRoute(TYPES[0]![1], makeCore(), async (url) => {
      const token = connector.token({ audience: APP_ID, serviceUrl: connector.serviceUrl });
      const res = await post(url, personalMessage(connector.serviceUrl, 'help'), {
        authorization: `Bearer ${token}`,
        'x-forwarded-for': '52.112.0.1',
      });
      assert.equal(res.status, 200);
    });
  });

  it('proactive alerts carry the bot token', async () => {
    const references = createMemoryReferenceStore();
    await references.save('a:proactive', {
      format: 2,
      serviceUrl: connector.serviceUrl.replace(/\/$/, ''),
      channelId: 'msteams',
      conversation: { id: 'a:proactive', conversationType: 'personal' },
      bot: { id: `28:${APP_ID}` },
    });
    const notifier = createTeamsNotifier({
      config: { teams: TYPES[1]![1] },
      references,
      log: suiteLog('teams'),
      sdk,
    });
    await notifier.send('a:proactive', {
      kind: 'message',
      tone: 'good',
      title: 'Hi',
      text: 'ok',
      hint: null,
      actions: [],
    });
    const sent = connector.activities.at(-1)!;
    assert.equal(sent.conversationId, 'a:proactive');
    assert.equal(sent.authorization, `Bearer ${outbound}`);
  });
});

describe("on Certify's one server, with nothing configured (npm start)", () => {
  it('a Teams message from this machine is answered with an Adaptive Card at the connector', async () => {
    const connector = await startFakeConnector();
    const config = readBotEnv({ PORT: '0' }, tempDir());
    assert.equal(config.teams, null);
    assert.equal(config.teamsLocal, true);
    const core = makeCore();
    const server = createCertifyServer({
      config,
      core,
      log: suiteLog('teams'),
      version: 'test',
      routes: {
        'POST /api/messages': createTeamsRoute({
          config,
          core,
          log: suiteLog('teams'),
          references: createMemoryReferenceStore(),
        }),
      },
    });
    const { port } = await server.listen();
    try {
      const res = await post(
        `http://127.0.0.1:${port}/api/messages`,
        personalMessage(connector.serviceUrl, 'score'),
      );
      assert.equal(res.status, 200);
      const sent = connector.activities.at(-1);
      assert.ok(sent);
      const card = cardOf(sent.activity);
      assert.equal(card.version, '1.5');
      assert.ok(cardSize(card) <= 28 * 1024, `${cardSize(card)} bytes`);
      assert.ok(Buffer.byteLength(JSON.stringify(sent.activity)) <= 28 * 1024, 'the whole activity fits');
      assert.match(JSON.stringify(card), /Certify score/);
    } finally {
      await server.close();
      await connector.close();
    }
  });
});

describe('app types, as the Teams SDK reads the credentials', () => {
  const base = { appId: APP_ID, tenantId: TENANT };
  const credentialsOf = (teams: TeamsConfig | null) =>
    new App({ ...sdkCredentials(teams), logger: sdkLogger(() => {}), httpServerAdapter: new CertifyHost() })
      .credentials;

  it('SingleTenant: the secret in the tenant; MultiTenant: no tenant, whatever TENANT_ID says', () => {
    const saved = process.env.TENANT_ID;
    process.env.TENANT_ID = 'from-the-environment';
    try {
      assert.deepEqual(credentialsOf({ ...base, appPassword: 'pw', appType: 'SingleTenant' }), {
        clientId: APP_ID,
        clientSecret: 'pw',
        tenantId: TENANT,
      });
      assert.deepEqual(credentialsOf({ ...base, appPassword: 'pw', appType: 'MultiTenant' }), {
        clientId: APP_ID,
        clientSecret: 'pw',
        tenantId: '',
      });
    } finally {
      if (saved === undefined) delete process.env.TENANT_ID;
      else process.env.TENANT_ID = saved;
    }
  });

  it("UserAssignedMSI: the bot's own managed identity, or another one trusted by a federated credential", () => {
    assert.deepEqual(credentialsOf({ ...base, appPassword: null, appType: 'UserAssignedMSI' }), {
      clientId: APP_ID,
      tenantId: TENANT,
    });
    assert.deepEqual(
      credentialsOf({
        ...base,
        appPassword: null,
        appType: 'UserAssignedMSI',
        managedIdentityClientId: 'mi-1',
      }),
      { clientId: APP_ID, tenantId: TENANT, managedIdentityClientId: 'mi-1', managedIdentityType: 'user' },
    );
  });

  it("local mode: no credentials, even with the SDK's own variables in the environment", () => {
    const saved = { id: process.env.CLIENT_ID, secret: process.env.CLIENT_SECRET };
    process.env.CLIENT_ID = 'from-the-environment';
    process.env.CLIENT_SECRET = SECRETS.teamsEnvironmentSecret;
    try {
      assert.equal(credentialsOf(null), undefined);
    } finally {
      for (const [name, value] of [
        ['CLIENT_ID', saved.id],
        ['CLIENT_SECRET', saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
