/**
 * Slack retries and replays, end to end: signed requests through the real route (project
 * receiver, real Bolt App) against a fake Slack. A retried or replayed delivery must be
 * acknowledged and do nothing; a retry of a delivery that never reached us is processed once.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createBotCore } from '../../bot/core.js';
import {
  createSlackRoute,
  DELIVERY_WINDOW_MS,
  MemoryDeliveryLedger,
  WORKING_TEXT,
  type DeliveryLedger,
} from '../../bot/slack/index.js';
import type { BotCore, Log, Route } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { openEvidence } from '../../app/evidence.js';
import type { View } from '../../cards/views.js';
import type { EvidenceService } from '../../services/evidence.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-11-26T10:00:00Z');
// From test/support/secrets.ts: the log check after the run looks for them in every log.
const SECRET: string = SECRETS.slackDeliveriesSigningSecret;
const BOT_TOKEN: string = SECRETS.slackDeliveriesBotToken;

const lines: { event: string; fields: Record<string, unknown> }[] = [];
const log: Log = suiteLog('slack-deliveries', (event, fields = {}) => {
  lines.push({ event, fields });
});

const dirs: string[] = [];
const servers: Server[] = [];
let fake: FakeSlack;

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

function sign(body: string, timestamp: number): string {
  return `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

interface Delivery {
  body: string;
  timestamp: number;
  signature: string;
  retry?: { num: number; reason: string };
}

/** A delivery as Slack would sign it at `nowMs`. */
function signed(body: string, nowMs: number, retry?: Delivery['retry']): Delivery {
  const timestamp = Math.floor(nowMs / 1000);
  return { body, timestamp, signature: sign(body, timestamp), ...(retry ? { retry } : {}) };
}

async function deliver(url: string, d: Delivery): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(d.timestamp),
    'x-slack-signature': d.signature,
  };
  if (d.retry) {
    headers['x-slack-retry-num'] = String(d.retry.num);
    headers['x-slack-retry-reason'] = d.retry.reason;
  }
  const res = await fetch(url, { method: 'POST', headers, body: d.body });
  return { status: res.status, text: await res.text() };
}

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

let seq = 0;
const nextId = (prefix: string): string => `${prefix}-${++seq}`;

function commandBody(text: string, responseId: string, triggerId: string): string {
  return new URLSearchParams({
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U0REQUESTER',
    user_name: 'riley',
    command: '/certify',
    text,
    api_app_id: 'A1',
    response_url: fake.responseUrl(responseId),
    trigger_id: triggerId,
  }).toString();
}

function buttonBody(responseId: string, triggerId: string): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0APPROVER', username: 'avery', name: 'avery', team_id: 'T1' },
    api_app_id: 'A1',
    container: { type: 'message', message_ts: '1.2', channel_id: 'C1', is_ephemeral: false },
    trigger_id: triggerId,
    team: { id: 'T1', domain: 'd' },
    channel: { id: 'C1', name: 'audit' },
    response_url: fake.responseUrl(responseId),
    actions: [
      {
        action_id: 'evidence.sign',
        block_id: 'actions',
        text: { type: 'plain_text', text: 'Sign' },
        value: JSON.stringify({ id: 'ev-0000000000000000' }),
        type: 'button',
        action_ts: `${Math.floor(NOW / 1000)}.000100`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A core that counts what it was asked to do. */
function countingCore(): { core: BotCore; answers: string[]; acts: string[] } {
  const answers: string[] = [];
  const acts: string[] = [];
  const view: View = { kind: 'message', tone: 'good', title: 'Done', text: 'ok', hint: null, actions: [] };
  return {
    answers,
    acts,
    core: {
      answer: (text) => {
        answers.push(text);
        return Promise.resolve(view);
      },
      act: (verb) => {
        acts.push(verb);
        return Promise.resolve(view);
      },
    },
  };
}

function responsesTo(id: string): number {
  return fake.calls.filter((c) => c.method === 'response' && c.id === id).length;
}

/** Lets a wrongly processed duplicate reach the fake Slack before counting. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

describe('Slack deliveries: replays and retries', () => {
  let clock = NOW;
  let counting: ReturnType<typeof countingCore>;
  let url: string;

  beforeAll(async () => {
    counting = countingCore();
    url = await serve(
      createSlackRoute({
        config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
        core: counting.core,
        log,
        clock: () => clock,
      }),
    );
  });

  it('an exact replay of a signed /certify evidence soc2 builds one bundle and answers once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'certify-replay-'));
    dirs.push(dataDir);
    const ports = openPorts(dataDir, 50);
    const source = demoSource({ profile: 'showcase', size: 150, seed: 3 });
    await scan(ports, source, { now: Date.parse('2026-09-28T06:00:00Z'), save: true, audit: null });
    const wiring = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: ['U0APPROVER'],
      publicUrl: 'https://certify.example.test',
      tsaUrl: null,
      now: Date.parse('2026-09-01T00:00:00Z'),
    });
    let bundles = 0;
    // The core hands builds to its job queue (withBuildQueue): the service it gets counts too.
    const counting = (service: EvidenceService): EvidenceService => ({
      ...service,
      request: (args) => {
        bundles += 1;
        return service.request(args);
      },
      withBuildQueue: (queue) => counting(service.withBuildQueue(queue)),
    });
    const evidence = counting(wiring.service);
    const core = createBotCore({ ports, source, clock: () => NOW, evidence, audit: wiring.audit });
    const evidenceUrl = await serve(
      createSlackRoute({
        config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
        core,
        log,
        clock: () => NOW + 20_000,
      }),
    );

    const id = nextId('evidence');
    const first = signed(commandBody('evidence soc2', id, nextId('trigger')), NOW);
    const ack = await deliver(evidenceUrl, first);
    assert.equal(ack.status, 200);
    assert.deepEqual(JSON.parse(ack.text), { response_type: 'ephemeral', text: WORKING_TEXT });
    const answer = await fake.waitFor((c) => c.method === 'response' && c.id === id, 30_000);
    assert.match(JSON.stringify(answer.body['blocks'] ?? []), /ev-[0-9a-f]{16}/);

    for (let i = 0; i < 2; i++) {
      const replay = await deliver(evidenceUrl, first);
      assert.equal(replay.status, 200, 'a replay is acknowledged');
      assert.equal(replay.text, '', 'a replay gets no content');
    }
    await settle();
    assert.equal(bundles, 1, 'one bundle for one command');
    assert.equal(responsesTo(id), 1, 'one answer for one command');

    const refused = lines.filter((l) => l.event === 'slack_replay_refused');
    assert.equal(refused.length, 2);
    assert.ok(!JSON.stringify(refused).includes(first.signature.slice(3)), 'no signature in the log');
    assert.ok(!JSON.stringify(lines).includes(first.signature.slice(3)));
  });

  it('acks a retry (new timestamp and signature, X-Slack-Retry-Num: 1) of a processed command with an empty 200 and does nothing', async () => {
    const id = nextId('retry');
    const trigger = nextId('trigger');
    const body = commandBody('rotate kv-prod/api-key', id, trigger);
    const before = counting.answers.length;

    const first = await deliver(url, signed(body, clock));
    assert.equal(first.status, 200);
    await fake.waitFor((c) => c.method === 'response' && c.id === id);

    const retry = await deliver(url, signed(body, clock + 2_000, { num: 1, reason: 'http_timeout' }));
    assert.equal(retry.status, 200);
    assert.equal(retry.text, '', 'a retry of a processed delivery gets an empty ack');
    await settle();
    assert.equal(counting.answers.length - before, 1, 'the command ran once');
    assert.equal(responsesTo(id), 1);
    assert.ok(
      lines.some(
        (l) =>
          l.event === 'slack_duplicate_ignored' &&
          l.fields['retryNum'] === 1 &&
          l.fields['kind'] === 'command',
      ),
    );
  });

  it('acts once on a button press that is replayed and retried', async () => {
    const id = nextId('press');
    const body = buttonBody(id, nextId('trigger'));
    const before = counting.acts.length;

    const press = signed(body, clock);
    assert.equal((await deliver(url, press)).status, 200);
    await fake.waitFor((c) => c.method === 'response' && c.id === id);

    const replay = await deliver(url, press);
    assert.equal(replay.status, 200);
    assert.equal(replay.text, '');
    const retry = await deliver(url, signed(body, clock + 1_000, { num: 1, reason: 'http_error' }));
    assert.equal(retry.status, 200);
    assert.equal(retry.text, '');
    await settle();
    assert.equal(counting.acts.length - before, 1, 'the button acted once');
    assert.equal(responsesTo(id), 1);
  });

  it('processes once a retry whose first delivery never reached us', async () => {
    const id = nextId('lost');
    const body = commandBody('score', id, nextId('trigger'));
    const before = counting.answers.length;

    const retry = await deliver(url, signed(body, clock, { num: 1, reason: 'connection_failed' }));
    assert.equal(retry.status, 200);
    assert.deepEqual(JSON.parse(retry.text), { response_type: 'ephemeral', text: WORKING_TEXT });
    await fake.waitFor((c) => c.method === 'response' && c.id === id);

    const again = await deliver(url, signed(body, clock + 60_000, { num: 2, reason: 'connection_failed' }));
    assert.equal(again.status, 200);
    assert.equal(again.text, '');
    await settle();
    assert.equal(counting.answers.length - before, 1);
    assert.equal(responsesTo(id), 1);
  });

  it('forgets a delivery once the window has passed', async () => {
    const id = nextId('window');
    const body = commandBody('score', id, nextId('trigger'));
    const before = counting.answers.length;
    const start = clock;
    try {
      assert.equal((await deliver(url, signed(body, clock))).status, 200);
      const first = await fake.waitFor((c) => c.method === 'response' && c.id === id);

      // The last millisecond of the window: still remembered.
      clock = start + DELIVERY_WINDOW_MS - 1;
      const inside = await deliver(url, signed(body, clock, { num: 3, reason: 'http_timeout' }));
      assert.equal(inside.text, '');
      await settle();
      assert.equal(counting.answers.length - before, 1);

      // Once the window has passed the memory has let go: the same trigger is processed again.
      clock = start + DELIVERY_WINDOW_MS;
      const late = await deliver(url, signed(body, clock));
      assert.deepEqual(JSON.parse(late.text), { response_type: 'ephemeral', text: WORKING_TEXT });
      await fake.waitFor((c) => c.method === 'response' && c.id === id && c !== first);
      assert.equal(counting.answers.length - before, 2);
    } finally {
      clock = start;
    }
  });

  it('shares one ledger between replicas: a retry landing on another replica does nothing', async () => {
    const shared = new MemoryDeliveryLedger({ windowMs: DELIVERY_WINDOW_MS });
    const replica = (): Promise<string> =>
      serve(
        createSlackRoute({
          config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
          core: counting.core,
          log,
          clock: () => clock,
          ledger: shared,
        }),
      );
    const [a, b] = await Promise.all([replica(), replica()]);
    const id = nextId('replica');
    const body = commandBody('score', id, nextId('trigger'));
    const before = counting.answers.length;

    assert.equal((await deliver(a, signed(body, clock))).status, 200);
    await fake.waitFor((c) => c.method === 'response' && c.id === id);
    const retry = await deliver(b, signed(body, clock + 3_000, { num: 1, reason: 'http_timeout' }));
    assert.equal(retry.status, 200);
    assert.equal(retry.text, '');
    await settle();
    assert.equal(counting.answers.length - before, 1);
  });

  it('answers 503 and does nothing when the ledger cannot answer', async () => {
    const broken: DeliveryLedger = {
      seen: () => Promise.reject(new Error('ledger store unreachable')),
      forget: () => Promise.resolve(),
    };
    const brokenUrl = await serve(
      createSlackRoute({
        config: { slack: { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
        core: counting.core,
        log,
        clock: () => clock,
        ledger: broken,
      }),
    );
    const id = nextId('broken');
    const before = counting.answers.length;
    const res = await deliver(brokenUrl, signed(commandBody('score', id, nextId('trigger')), clock));
    assert.equal(res.status, 503);
    await settle();
    assert.equal(counting.answers.length - before, 0);
    assert.equal(responsesTo(id), 0);
    assert.ok(
      lines.some(
        (l) => l.event === 'slack.ledger_failed' && l.fields['error'] === 'ledger store unreachable',
      ),
    );
  });
});
