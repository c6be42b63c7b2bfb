/**
 * Slack's Events API end to end: `@Certify …` mentions, direct messages and the App Home, as
 * signed JSON deliveries through the real route (project receiver, real Bolt App, real core on
 * the demo source) against the fake Slack Web API.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { createBotCore } from '../../bot/core.js';
import {
  createHomeSource,
  createSlackHomeRefresher,
  createSlackRoute,
  FAILED_TEXT,
  refreshHomes,
  stripBotMention,
  type HomeSource,
  type SlackHomeDeps,
} from '../../bot/slack/index.js';
import type { BotCore, Log, Route } from '../../bot/types.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { scan, type CertifyPorts } from '../../services/scan.js';
import { createAlertStore, type AlertStore } from '../../store/alerts.js';
import { createHomeViewers, type HomeViewers } from '../../store/home-viewers.js';
import { suiteLog } from '../support/child-log.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const DAY = 86_400_000;
// From test/support/secrets.ts: the log check after the run looks for them in every log.
const SECRET: string = SECRETS.slackSigningSecret;
const BOT_TOKEN: string = SECRETS.slackBotToken;
/** What the fake Slack's auth.test answers: Certify's own bot user and bot. */
const BOT_USER = 'U0CERTIFY';
const BOT_ID = 'B0CERTIFY';
const TEAM = 'T0CERTIFY';

const lines: { event: string; fields: Record<string, unknown> }[] = [];
const log: Log = suiteLog('slack-events', (event, fields = {}) => {
  lines.push({ event, fields });
});

const servers: Server[] = [];
const dirs: string[] = [];
let fake: FakeSlack;

async function serve(route: Route): Promise<string> {
  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
}

function sign(body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A delivery signed as Slack signs it at `atMs` (a retry is signed afresh, with its own time). */
async function deliver(
  url: string,
  body: string,
  opts: { atMs?: number; retryNum?: number; form?: boolean } = {},
): Promise<{ status: number; text: string }> {
  const timestamp = Math.floor((opts.atMs ?? NOW) / 1000);
  const headers: Record<string, string> = {
    'content-type': opts.form ? 'application/x-www-form-urlencoded' : 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': sign(body, timestamp),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

let seq = 0;
const next = (prefix: string): string => `${prefix}${++seq}`;
const ts = (): string => `${Math.floor(NOW / 1000)}.${String(++seq).padStart(6, '0')}`;

/** An Events API envelope around `event`, with an event_id of its own unless given one. */
function envelope(event: Record<string, unknown>, eventId = next('Ev')): string {
  return JSON.stringify({
    token: 'unused-verification-token',
    team_id: TEAM,
    api_app_id: 'A0CERTIFY',
    event: { event_ts: event['ts'] ?? ts(), ...event },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(NOW / 1000),
  });
}

const posts = (pred: (c: FakeSlackCall) => boolean): FakeSlackCall[] =>
  fake.calls.filter((c) => c.method === 'chat.postMessage' && pred(c));
const publishes = (user: string): FakeSlackCall[] =>
  fake.calls.filter((c) => c.method === 'views.publish' && c.body['user_id'] === user);
const blocksOf = (call: FakeSlackCall): string => JSON.stringify(call.body['blocks'] ?? []);
const headerOf = (call: FakeSlackCall): string | undefined =>
  (call.body['blocks'] as { type: string; text?: { text: string } }[] | undefined)?.find(
    (b) => b.type === 'header',
  )?.text?.text;

/** Lets a wrongly processed delivery reach the fake Slack before counting. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  fake = await startFakeSlack();
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await fake.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data dir with two saved scans (a trend with a change), an alert subscription, a core, homes. */
async function world(): Promise<{
  ports: CertifyPorts;
  core: BotCore;
  alerts: AlertStore;
  viewers: HomeViewers;
  source: HomeSource;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'certify-slack-events-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  await scan(ports, demoSource({ profile: 'showcase', size: 150, seed: 1 }), {
    now: NOW - 2 * DAY,
    save: true,
    audit: null,
  });
  await scan(ports, demoSource({ profile: 'showcase', size: 150, seed: 2 }), {
    now: NOW - DAY,
    save: true,
    audit: null,
  });
  const alerts = createAlertStore(dir);
  await alerts.subscribe({
    channel: { kind: 'slack', id: 'C0ALERTS' },
    filters: { severity: 'High' },
    createdBy: 'U0HOME',
    createdAt: new Date(NOW - DAY).toISOString(),
  });
  const core = createBotCore({
    ports,
    source: demoSource({ profile: 'showcase', size: 150, seed: 2 }),
    clock: () => NOW,
    alerts,
  });
  return {
    ports,
    core,
    alerts,
    viewers: createHomeViewers(dir),
    source: createHomeSource({ ports, alerts }),
  };
}

function route(core: BotCore, home?: SlackHomeDeps): Route {
  return createSlackRoute({
    config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
    core,
    log,
    clock: () => NOW,
    ...(home ? { home } : {}),
  });
}

describe('stripBotMention', () => {
  it("removes the bot's own mention, with or without a label, and leaves other users'", () => {
    assert.equal(stripBotMention('<@U0CERTIFY> score', BOT_USER), 'score');
    assert.equal(
      stripBotMention('  hey <@U0CERTIFY|certify>  control pci 3.7 ', BOT_USER),
      'hey control pci 3.7',
    );
    assert.equal(stripBotMention('<@U0OTHER> score <@U0CERTIFY>', BOT_USER), '<@U0OTHER> score');
    assert.equal(stripBotMention(' score ', undefined), 'score');
  });
});

describe('Slack mentions and direct messages', () => {
  let url: string;
  let answers: string[];

  beforeAll(async () => {
    const w = await world();
    answers = [];
    const core: BotCore = {
      answer: (text, user, channel) => {
        answers.push(text);
        return w.core.answer(text, user, channel);
      },
      act: (verb, data, user, channel) => w.core.act(verb, data, user, channel),
    };
    url = await serve(route(core));
  });

  it('answers "@Certify score" in a channel thread with one message in that thread', async () => {
    const channel = next('C0THREAD');
    const parent = ts();
    const res = await deliver(
      url,
      envelope({
        type: 'app_mention',
        user: 'U0ALICE',
        text: `<@${BOT_USER}> score`,
        ts: ts(),
        thread_ts: parent,
        channel,
      }),
    );
    assert.equal(res.status, 200);
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['channel'] === channel,
    );
    assert.equal(answer.body['thread_ts'], parent, 'in the thread the mention came from');
    assert.equal(headerOf(answer), 'Certify score', 'the score view, as /certify score shows it');
    assert.ok(answer.authorized);
    await settle();
    assert.equal(posts((c) => c.body['channel'] === channel).length, 1);
    assert.ok(
      fake.calls.some((c) => c.method === 'auth.test'),
      "Bolt's auth.test gave the bot user id",
    );
  });

  it('starts a thread under a mention that was not in one', async () => {
    const channel = next('C0TOP');
    const mention = ts();
    await deliver(
      url,
      envelope({ type: 'app_mention', user: 'U0ALICE', text: `<@${BOT_USER}> trend`, ts: mention, channel }),
    );
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['channel'] === channel,
    );
    assert.equal(answer.body['thread_ts'], mention);
    assert.equal(headerOf(answer), 'Score trend');
  });

  it('answers "score" in a DM once, as a plain reply', async () => {
    const channel = next('D0DM');
    const before = answers.length;
    await deliver(
      url,
      envelope({ type: 'message', channel_type: 'im', user: 'U0ALICE', text: 'score', ts: ts(), channel }),
    );
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['channel'] === channel,
    );
    assert.equal(answer.body['thread_ts'], undefined, 'a DM is answered in place');
    assert.equal(headerOf(answer), 'Certify score');
    await settle();
    assert.equal(posts((c) => c.body['channel'] === channel).length, 1);
    assert.deepEqual(answers.slice(before), ['score']);
  });

  it('answers a DM sent in a thread in that thread', async () => {
    const channel = next('D0DMT');
    const parent = ts();
    await deliver(
      url,
      envelope({
        type: 'message',
        channel_type: 'im',
        user: 'U0ALICE',
        text: 'score',
        ts: ts(),
        thread_ts: parent,
        channel,
      }),
    );
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['channel'] === channel,
    );
    assert.equal(answer.body['thread_ts'], parent);
  });

  it('answers a retried event (same event_id, X-Slack-Retry-Num: 1, signed afresh) only once', async () => {
    const channel = next('C0RETRY');
    const body = envelope({
      type: 'app_mention',
      user: 'U0ALICE',
      text: `<@${BOT_USER}> score`,
      ts: ts(),
      channel,
    });
    const before = answers.length;
    assert.equal((await deliver(url, body)).status, 200);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel);
    const retry = await deliver(url, body, { atMs: NOW + 3_000, retryNum: 1 });
    assert.equal(retry.status, 200);
    assert.equal(retry.text, '');
    const again = await deliver(url, body, { atMs: NOW + 60_000, retryNum: 2 });
    assert.equal(again.status, 200);
    await settle();
    assert.equal(posts((c) => c.body['channel'] === channel).length, 1, 'one answer');
    assert.equal(answers.length - before, 1, 'the core was asked once');
    assert.ok(
      lines.some(
        (l) =>
          l.event === 'slack_duplicate_ignored' && l.fields['kind'] === 'event' && l.fields['retryNum'] === 1,
      ),
    );
  });

  it("never answers Certify's own messages, other bots, or edits and deletions", async () => {
    const channel = next('D0BOTS');
    const before = answers.length;
    const im = { type: 'message', channel_type: 'im', channel };
    const deliveries = [
      // Certify's own answer, as Slack echoes it into the DM.
      { ...im, subtype: 'bot_message', bot_id: BOT_ID, text: 'Certify score', ts: ts() },
      { ...im, user: BOT_USER, bot_id: BOT_ID, text: 'score', ts: ts() },
      // Another bot, with and without the bot_message subtype.
      { ...im, subtype: 'bot_message', bot_id: 'B0OTHER', text: 'score', ts: ts() },
      { ...im, user: 'U0OTHERBOT', bot_id: 'B0OTHER', text: 'score', ts: ts() },
      // Edits and deletions of a user's message.
      { ...im, subtype: 'message_changed', message: { user: 'U0ALICE', text: 'score' }, ts: ts() },
      { ...im, subtype: 'message_deleted', previous_message: { user: 'U0ALICE', text: 'score' }, ts: ts() },
      // A mention by another bot in a channel.
      {
        type: 'app_mention',
        user: 'U0OTHERBOT',
        bot_id: 'B0OTHER',
        text: `<@${BOT_USER}> score`,
        ts: ts(),
        channel,
      },
    ];
    for (const event of deliveries) assert.equal((await deliver(url, envelope(event))).status, 200);
    // A message from a person afterwards is answered: the listener was live all along.
    await deliver(url, envelope({ ...im, user: 'U0ALICE', text: 'score', ts: ts() }));
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel);
    await settle();
    assert.equal(posts((c) => c.body['channel'] === channel).length, 1);
    assert.deepEqual(answers.slice(before), ['score']);
    assert.ok(lines.some((l) => l.event === 'slack.message.ignored' && l.fields['reason'] === 'bot'));
    assert.ok(lines.some((l) => l.event === 'slack.message.ignored' && l.fields['reason'] === 'subtype'));
  });

  it('ignores channel messages that do not mention Certify (only DMs are read)', async () => {
    const channel = next('C0CHATTER');
    const before = answers.length;
    await deliver(
      url,
      envelope({
        type: 'message',
        channel_type: 'channel',
        user: 'U0ALICE',
        text: 'score',
        ts: ts(),
        channel,
      }),
    );
    await settle();
    assert.equal(posts((c) => c.body['channel'] === channel).length, 0);
    assert.equal(answers.length, before);
  });

  it('posts a short failure in the thread when the core fails, and logs no message text', async () => {
    const failing = await serve(
      route({
        answer: () => Promise.reject(new Error('boom')),
        act: () => Promise.reject(new Error('boom')),
      }),
    );
    const channel = next('C0FAIL');
    const mention = ts();
    await deliver(
      failing,
      envelope({
        type: 'app_mention',
        user: 'U0ALICE',
        text: `<@${BOT_USER}> secret-looking words`,
        ts: mention,
        channel,
      }),
    );
    const answer = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body['channel'] === channel,
    );
    assert.equal(answer.body['text'], FAILED_TEXT);
    assert.equal(answer.body['thread_ts'], mention);
    assert.ok(lines.some((l) => l.event === 'slack.message.failed' && l.fields['error'] === 'boom'));
    assert.ok(!JSON.stringify(lines).includes('secret-looking words'));
  });
});

describe('Slack App Home', () => {
  let w: Awaited<ReturnType<typeof world>>;
  let url: string;

  beforeAll(async () => {
    w = await world();
    url = await serve(route(w.core, { source: w.source, viewers: w.viewers, log, clock: () => NOW }));
  });

  const opened = (user: string, tab = 'home'): string =>
    envelope({ type: 'app_home_opened', user, channel: next('D0HOME'), tab, event_ts: ts() });

  it('publishes the home on app_home_opened: score, trend, expiring, Critical rules, subscriptions, buttons', async () => {
    const user = next('U0HOME');
    assert.equal((await deliver(url, opened(user))).status, 200);
    const call = await fake.waitFor((c) => c.method === 'views.publish' && c.body['user_id'] === user);
    assert.ok(call.authorized);
    const view = call.body['view'] as { type: string; blocks: Record<string, unknown>[] };
    assert.equal(view.type, 'home');
    const text = JSON.stringify(view.blocks);
    const latest = (await w.ports.scans.latest())!;
    assert.match(text, new RegExp(`Score ${String(latest.score).replace('.', '\\.')}`));
    assert.match(text, /\*Trend\*/);
    assert.match(text, /[▁▂▃▄▅▆▇█]{2}/, 'a sparkline of the two saved scans');
    assert.match(text, /since 2026-11-21/, 'the change since the first scan');
    assert.match(text, /Expiring soon/);
    assert.match(text, /Failing Critical rules/);
    assert.match(text, /<#C0ALERTS>/);
    assert.ok(!view.blocks.some((b) => b['type'] === 'image'), 'no chart was given');
    const buttons = view.blocks
      .filter((b) => b['type'] === 'actions')
      .flatMap((b) => b['elements'] as { action_id: string; value: string }[]);
    assert.deepEqual(
      buttons.map((b) => b.action_id),
      ['score.show', 'trend.show', 'scan.run'],
    );
    assert.ok(buttons.every((b) => JSON.parse(b.value) !== null));
    assert.deepEqual(
      (await w.viewers.recent(10)).filter((v) => v.userId === user),
      [{ teamId: TEAM, userId: user, openedAt: NOW }],
      'the viewer is remembered for the refresh after each scan',
    );
  });

  it('publishes nothing for the Messages tab', async () => {
    const user = next('U0MSGTAB');
    await deliver(url, opened(user, 'messages'));
    await settle();
    assert.equal(publishes(user).length, 0);
    assert.ok(!(await w.viewers.recent(100)).some((v) => v.userId === user));
  });

  it('publishes once for a retried app_home_opened', async () => {
    const user = next('U0RETRYHOME');
    const body = opened(user);
    await deliver(url, body);
    await fake.waitFor((c) => c.method === 'views.publish' && c.body['user_id'] === user);
    await deliver(url, body, { atMs: NOW + 2_000, retryNum: 1 });
    await settle();
    assert.equal(publishes(user).length, 1);
  });

  it('shows the chart as an image block when one is given', async () => {
    const charted = await serve(
      route(w.core, {
        source: createHomeSource({
          ports: w.ports,
          alerts: w.alerts,
          chart: (trend) =>
            Promise.resolve({
              url: 'https://certify.example.test/charts/abc.png',
              alt: `Score trend, ${trend.sparkline.count} scans`,
            }),
        }),
        log,
        clock: () => NOW,
      }),
    );
    const user = next('U0CHART');
    await deliver(charted, opened(user));
    const call = await fake.waitFor((c) => c.method === 'views.publish' && c.body['user_id'] === user);
    const blocks = (call.body['view'] as { blocks: Record<string, unknown>[] }).blocks;
    const image = blocks.find((b) => b['type'] === 'image');
    assert.deepEqual(image, {
      type: 'image',
      image_url: 'https://certify.example.test/charts/abc.png',
      alt_text: 'Score trend, 2 scans',
    });
    // The sparkline stays: it is the chart's text.
    assert.match(JSON.stringify(blocks), /\*Trend\*/);
  });

  it('publishes the home without the chart when drawing it fails, and logs why', async () => {
    const broken = await serve(
      route(w.core, {
        source: createHomeSource({
          ports: w.ports,
          chart: () => Promise.reject(new Error('resvg exploded')),
          log,
        }),
        log,
        clock: () => NOW,
      }),
    );
    const user = next('U0NOCHART');
    await deliver(broken, opened(user));
    const call = await fake.waitFor((c) => c.method === 'views.publish' && c.body['user_id'] === user);
    const blocks = (call.body['view'] as { blocks: Record<string, unknown>[] }).blocks;
    assert.ok(!blocks.some((b) => b['type'] === 'image'));
    assert.match(JSON.stringify(blocks), /\*Trend\*/);
    assert.ok(
      lines.some((l) => l.event === 'slack.home.chart_failed' && l.fields['error'] === 'resvg exploded'),
    );
  });

  it("answers a Home button in the user's DM (no response_url, no channel)", async () => {
    const user = next('U0PRESS');
    const press = (actionId: string) =>
      new URLSearchParams({
        payload: JSON.stringify({
          type: 'block_actions',
          user: { id: user, username: 'alice', name: 'alice', team_id: TEAM },
          api_app_id: 'A0CERTIFY',
          container: { type: 'view', view_id: 'V0HOME' },
          trigger_id: next('trigger'),
          team: { id: TEAM, domain: 'certify-test' },
          view: { id: 'V0HOME', type: 'home', blocks: [] },
          actions: [
            {
              action_id: actionId,
              block_id: 'home',
              text: { type: 'plain_text', text: 'x' },
              value: '{}',
              type: 'button',
              action_ts: `${Math.floor(NOW / 1000)}.${String(++seq).padStart(6, '0')}`,
            },
          ],
        }),
      }).toString();
    assert.equal((await deliver(url, press('score.show'), { form: true })).status, 200);
    const answer = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.body['channel'] === user);
    assert.equal(headerOf(answer), 'Certify score');
    await settle();
    assert.equal(posts((c) => c.body['channel'] === user).length, 1);
    assert.equal(publishes(user).length, 0, 'Score changes nothing on the home');

    // Scan now: answered in the DM, and the home shows the new scan at once.
    await deliver(url, press('scan.run'), { form: true });
    const scanned = await fake.waitFor(
      (c) => c.method === 'views.publish' && c.body['user_id'] === user,
      20_000,
    );
    assert.equal((scanned.body['view'] as { type: string }).type, 'home');
    assert.equal(posts((c) => c.body['channel'] === user).length, 2);
    assert.match(blocksOf(posts((c) => c.body['channel'] === user)[1]!), /Scan finished/);
  });
});

describe('refreshing the homes after a scheduled scan', () => {
  it('republishes the most recent viewers, up to the cap, and logs a failure without stopping', async () => {
    const w = await world();
    for (let i = 1; i <= 4; i++) await w.viewers.opened(TEAM, `U0VIEW${i}`, NOW + i * 1000);
    const published: string[] = [];
    const result = await refreshHomes({
      viewers: w.viewers,
      publish: (viewer) => {
        if (viewer.userId === 'U0VIEW3') return Promise.reject(new Error('user_not_found'));
        published.push(viewer.userId);
        return Promise.resolve();
      },
      log,
      max: 3,
    });
    // Newest first; the oldest (U0VIEW1) is beyond the cap; U0VIEW3's failure stops nobody.
    assert.deepEqual(published, ['U0VIEW4', 'U0VIEW2']);
    assert.deepEqual(result, { published: 2, failed: 1 });
    assert.ok(
      lines.some(
        (l) =>
          l.event === 'slack.home.refresh_one_failed' &&
          l.fields['user'] === 'U0VIEW3' &&
          l.fields['error'] === 'user_not_found',
      ),
    );
  });

  it('publishes each remembered home through the Web API with the bot token', async () => {
    const w = await world();
    await w.viewers.opened(TEAM, 'U0REFRESH1', NOW);
    await w.viewers.opened(TEAM, 'U0REFRESH2', NOW + 1);
    fake.failNext('views.publish', [500, 500, 500]);
    const refresher = createSlackHomeRefresher({
      config: { slack: { botToken: BOT_TOKEN, apiUrl: fake.apiUrl } },
      source: w.source,
      viewers: w.viewers,
      log,
    });
    const result = await refresher.refresh();
    // The first publish (the newest viewer, U0REFRESH2) failed on every attempt the client made.
    assert.deepEqual(result, { published: 1, failed: 1 });
    const ok = publishes('U0REFRESH1');
    assert.equal(ok.length, 1);
    assert.ok(ok[0]!.authorized);
    assert.equal((ok[0]!.body['view'] as { type: string }).type, 'home');
  });

  it('never throws when the viewers cannot be read', async () => {
    const result = await refreshHomes({
      viewers: { opened: () => Promise.resolve(), recent: () => Promise.reject(new Error('store down')) },
      publish: () => Promise.reject(new Error('unreachable')),
      log,
    });
    assert.deepEqual(result, { published: 0, failed: 0 });
    assert.ok(
      lines.some((l) => l.event === 'slack.home.refresh_failed' && l.fields['error'] === 'store down'),
    );
  });
});

describe('no secrets in the log', () => {
  it('never logs the token or the signing secret', () => {
    const all = JSON.stringify(lines);
    assert.ok(!all.includes(BOT_TOKEN));
    assert.ok(!all.includes(SECRET));
  });
});
