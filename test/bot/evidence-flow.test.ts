/**
 * `/certify evidence …` → approval card → Sign assertion (name, role) → Download, driven the way
 * people drive it: through the playground's HTTP API and through signed Slack requests (real Bolt,
 * fake Slack Web API). The bundle that comes out of the link is checked by the offline verifier.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { guardDownloads } from '../../bot/download-guard.js';
import { scheduledScan } from '../../bot/scheduled-scan.js';
import { createServer } from '../../bot/server.js';
import { createSlackRoute } from '../../bot/slack/index.js';
import { createMemoryReferenceStore, createTeamsRoute } from '../../bot/teams/index.js';
import type { BotServer } from '../../bot/server.js';
import type { Log } from '../../bot/types.js';
import type { EvidenceView, View } from '../../cards/views.js';
import { openPorts } from '../../app/ports.js';
import { openEvidence, type EvidenceWiring } from '../../app/evidence.js';
import { verifyAuditLog } from '../../store/audit-log.js';
import { verifyBundle } from '../../evidence/verify.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack/index.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-botconnector/index.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const RILEY = { id: 'playground-riley', name: 'Riley Chen' };
const MORGAN = { id: 'playground-morgan', name: 'Morgan Diaz' };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const log: Log = suiteLog('evidence-flow');

async function wire(approvers: string[], publicUrl: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-flow-'));
  dirs.push(dataDir);
  const ports = openPorts(dataDir, 50);
  const source = demoSource({ profile: 'showcase', size: 250, seed: 3 });
  const wiring = await openEvidence({
    dataDir,
    ports,
    source,
    approvers,
    publicUrl,
    tsaUrl: null,
    now: Date.parse('2026-09-01T00:00:00Z'),
  });
  // A scan inside last quarter (2026-Q3), as the scheduler would have saved it.
  await scheduledScan({
    ports,
    source,
    audit: wiring.audit,
    clock: () => Date.parse('2026-09-28T06:00:00Z'),
  });
  return { dataDir, ports, source, wiring };
}

function evidenceOf(view: View): EvidenceView {
  assert.equal(view.kind, 'evidence', JSON.stringify(view).slice(0, 400));
  return view as EvidenceView;
}

describe('evidence in the playground', () => {
  let server: BotServer;
  let base: string;
  let wiring: EvidenceWiring;
  let dataDir: string;

  beforeAll(async () => {
    const config = { ...readBotEnv({ PORT: '0' }, '/tmp') };
    const w = await wire(config.approvers, 'http://placeholder');
    wiring = w.wiring;
    dataDir = w.dataDir;
    const core = createBotCore({
      ports: w.ports,
      source: w.source,
      clock: () => NOW,
      evidence: w.wiring.service,
      audit: w.wiring.audit,
    });
    server = createServer({
      config,
      core,
      log,
      version: 'test',
      jwks: () => w.wiring.signer.jwks(),
      redeemDownload: guardDownloads(w.wiring.service, { log, clock: () => NOW + 60_000 }),
    });
    const { port } = await server.listen();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.close());

  const command = async (text: string, user: { id: string; name: string }) => {
    const res = await fetch(`${base}/api/playground/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, user }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { view: View }).view;
  };
  const act = async (verb: string, data: Record<string, string>, user: { id: string; name: string }) => {
    const res = await fetch(`${base}/api/playground/action`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verb, data, user }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { view: View }).view;
  };

  it('/certify evidence soc2 last-quarter → Morgan signs → the link gives a bundle that verifies, once', async () => {
    const pending = evidenceOf(await command('/certify evidence soc2 last-quarter', RILEY));
    assert.equal(pending.status, 'pending');
    assert.deepEqual(
      pending.actions.map((a) => a.verb),
      ['evidence.sign', 'evidence.reject'],
    );
    assert.ok(pending.facts.some((f) => f.label === 'Period' && f.value.includes('2026-07-01')));
    assert.match(pending.note ?? '', /not from a trusted third party/);
    const id = pending.bundleId;

    // Riley is not an approver: the card stays, with the reason.
    const self = evidenceOf(await act('evidence.sign', { id }, RILEY));
    assert.equal(self.status, 'pending');
    assert.match(self.note ?? '', /Riley Chen is not an approver/);

    const signing = evidenceOf(await act('evidence.sign', { id }, MORGAN));
    assert.equal(signing.status, 'signing');
    assert.match(signing.statement ?? '', /I confirm, for tenant/);
    assert.deepEqual(
      signing.inputs.map((i) => i.id),
      ['name', 'role'],
    );
    assert.equal(signing.inputs[0]!.value, 'Morgan Diaz');

    const noRole = evidenceOf(await act('evidence.confirm', { id, name: 'Morgan Diaz', role: '' }, MORGAN));
    assert.equal(noRole.status, 'signing');
    assert.match(noRole.note ?? '', /name and role/);

    const signed = evidenceOf(
      await act('evidence.confirm', { id, name: 'Morgan Diaz', role: 'Head of Security' }, MORGAN),
    );
    assert.equal(signed.status, 'signed');
    assert.match(signed.text, /Signed by Morgan Diaz \(Head of Security\) at 2026-11-26 10:00 UTC/);
    assert.ok(signed.link);
    assert.ok(signed.link.url.startsWith('http://placeholder/downloads/'));
    const path = new URL(signed.link.url).pathname;

    // A double click: no second signature, no second link.
    const again = evidenceOf(
      await act('evidence.confirm', { id, name: 'Morgan Diaz', role: 'Head of Security' }, MORGAN),
    );
    assert.equal(again.link, null);
    assert.match(again.note ?? '', /Already signed/);

    // Slack's unfurler fetching the link does not spend it.
    const preview = await fetch(`${base}${path}`, {
      headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' },
    });
    assert.equal(preview.status, 200);
    assert.match(preview.headers.get('content-type') ?? '', /text\/html/);
    await preview.text();

    const download = await fetch(`${base}${path}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'application/zip');
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="${id}.zip"`);
    const zip = Buffer.from(await download.arrayBuffer());
    const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
    const v = await verifyBundle(zip, { jwks: jwks as never });
    assert.ok(v.ok, JSON.stringify(v.checks.filter((c) => c.level === 'fail')));

    const reused = await fetch(`${base}${path}`);
    assert.equal(reused.status, 410);
    assert.match(((await reused.json()) as { error: string }).error, /already been used/);
    const unknown = await fetch(`${base}/downloads/${'A'.repeat(43)}`);
    assert.equal(unknown.status, 404);
    await unknown.text();

    // Every step is in the audit log, which still verifies.
    const actions = (await wiring.audit.entries()).map((e) => `${e.action}:${e.actor.id}`);
    for (const a of [
      'command:playground-riley',
      'evidence.requested:playground-riley',
      'evidence.sign.refused:playground-riley',
      'evidence.signed:playground-morgan',
      'evidence.downloaded:127.0.0.1',
      'evidence.download.refused:127.0.0.1',
    ]) {
      assert.ok(actions.includes(a), `${a} not in ${actions.join(' ')}`);
    }
    assert.ok((await verifyAuditLog(dataDir, wiring.signer.jwks())).ok);
  });

  it('an approver who asked for a bundle cannot sign it', async () => {
    const own = evidenceOf(await command('evidence iso 2026-Q3', MORGAN));
    const refused = evidenceOf(await act('evidence.sign', { id: own.bundleId }, MORGAN));
    assert.equal(refused.status, 'pending');
    assert.match(refused.note ?? '', /requested .* and cannot approve their own request/);
    const alsoRefused = evidenceOf(
      await act('evidence.confirm', { id: own.bundleId, name: 'M', role: 'R' }, MORGAN),
    );
    assert.equal(alsoRefused.status, 'pending');
  });

  it('a reject asks for a reason and records it; unknown frameworks and periods are named', async () => {
    const pending = evidenceOf(await command('evidence pci 2026-Q3', RILEY));
    const rejecting = evidenceOf(await act('evidence.reject', { id: pending.bundleId }, MORGAN));
    assert.equal(rejecting.status, 'rejecting');
    assert.deepEqual(
      rejecting.inputs.map((i) => i.id),
      ['reason'],
    );
    const cancel = rejecting.actions.find((a) => a.verb === 'evidence.cancel');
    assert.equal(cancel?.ignoresInputs, true);
    const rejected = evidenceOf(
      await act(
        'evidence.reject-confirm',
        { id: pending.bundleId, reason: 'Scope misses kv-payments' },
        MORGAN,
      ),
    );
    assert.equal(rejected.status, 'rejected');
    assert.match(rejected.text, /Rejected by Morgan Diaz .*: Scope misses kv-payments/);
    assert.deepEqual(rejected.actions, []);

    const unknownFw = await command('evidence sox last-quarter', RILEY);
    assert.equal(unknownFw.kind, 'message');
    assert.match(JSON.stringify(unknownFw), /sox/);
    const badPeriod = await command('evidence soc2 someday', RILEY);
    assert.match(JSON.stringify(badPeriod), /someday.{1,4} is not a period I know/);
    const missing = await act('evidence.sign', { id: 'ev-ffffffffffffffff' }, MORGAN);
    assert.match(JSON.stringify(missing), /no evidence bundle ev-ffffffffffffffff/);
  });
});

describe('evidence in Teams (real Teams SDK App, fake Bot Connector)', () => {
  const BOT = { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify' };
  const TENANT = '00000000-0000-0000-0000-0000000000cc';
  const REQUESTER = {
    id: '29:1requester',
    name: 'Megan Bowen',
    aadObjectId: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8',
  };
  const APPROVER = {
    id: '29:1approver',
    name: 'Avery Stone',
    aadObjectId: '00000000-0000-0000-0000-0000000000aa',
  };
  const CONVERSATION = { conversationType: 'channel', tenantId: TENANT, id: '19:audit@thread.tacv2' };
  let connector: FakeConnector;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    connector = await startFakeConnector();
    const w = await wire([APPROVER.aadObjectId], 'https://certify.example.test');
    const core = createBotCore({
      ports: w.ports,
      source: w.source,
      clock: () => NOW,
      evidence: w.wiring.service,
      audit: w.wiring.audit,
    });
    const route = createTeamsRoute({
      config: { teams: null },
      core,
      log,
      references: createMemoryReferenceStore(),
    });
    server = createHttpServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await connector.close();
  });

  const send = async (activity: Record<string, unknown>) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return text ? (JSON.parse(text) as { value?: { body: unknown[]; actions?: { verb?: string }[] } }) : {};
  };
  const invoke = (from: typeof APPROVER, verb: string, data: Record<string, string>) =>
    send({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: `f:${verb}`,
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from,
      conversation: CONVERSATION,
      recipient: BOT,
      value: { action: { type: 'Action.Execute', id: 'btn', verb, data }, trigger: 'manual' },
      channelData: { tenant: { id: TENANT } },
    });

  it('the approval card arrives in the channel, and an approver signs it in place', async () => {
    await send({
      type: 'message',
      id: '1700000000001',
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from: REQUESTER,
      conversation: CONVERSATION,
      recipient: BOT,
      text: `<at>${BOT.name}</at> evidence soc2 last-quarter`,
      entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
      channelData: { tenant: { id: TENANT } },
    });
    const sent = connector.activities.at(-1)!;
    const card = JSON.stringify(sent.activity);
    assert.match(card, /"verb":"evidence.sign"/);
    const bundleId = /ev-[0-9a-f]{16}/.exec(card)![0];

    const refused = await invoke(REQUESTER, 'evidence.sign', { id: bundleId });
    assert.match(JSON.stringify(refused.value), /Megan Bowen is not an approver/);
    const signing = await invoke(APPROVER, 'evidence.sign', { id: bundleId });
    assert.match(JSON.stringify(signing.value), /"type":"Input.Text","id":"name"/);
    // Teams merges the inputs into the action's data.
    const signed = await invoke(APPROVER, 'evidence.confirm', {
      id: bundleId,
      name: 'Avery Stone',
      role: 'CISO',
    });
    const text = JSON.stringify(signed.value);
    assert.match(text, /Signed by Avery Stone \(CISO\)/);
    assert.match(
      text,
      /"type":"Action.OpenUrl","title":"Download bundle \(.zip\)","url":"https:\/\/certify\.example\.test\/downloads\//,
    );
  });
});

describe('a long build', () => {
  it('answers "building…" at once, then posts the approval card to the same channel', async () => {
    const w = await wire(['approver'], 'http://placeholder');
    const posted: { channel: { kind: string; id: string }; view: View }[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const core = createBotCore({
      ports: w.ports,
      source: w.source,
      clock: () => NOW,
      evidence: w.wiring.service,
      audit: w.wiring.audit,
      progressAfterMs: 0,
      notify: async (channel, view) => {
        posted.push({ channel, view });
        release();
      },
    });
    const first = await core.answer('evidence hipaa 2026-Q3', RILEY, { kind: 'teams', id: 'conv-1' });
    assert.equal(first.kind, 'message');
    assert.match(JSON.stringify(first), /Building the evidence bundle/);
    await held;
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]!.channel, { kind: 'teams', id: 'conv-1' });
    const card = evidenceOf(posted[0]!.view);
    assert.equal(card.status, 'pending');
    assert.match(card.title, /HIPAA/);
  });
});

describe('evidence in Slack (signed requests, real Bolt, fake Slack)', () => {
  const SECRET = 'evidence-flow-signing-secret-0123456789';
  const TOKEN = ['xoxb', 'flow', '0000', 'test'].join('-');
  let fake: FakeSlack;
  let server: Server;
  let url: string;
  let n = 0;

  beforeAll(async () => {
    fake = await startFakeSlack();
    const w = await wire(['U0APPROVER'], 'https://certify.example.test');
    const core = createBotCore({
      ports: w.ports,
      source: w.source,
      clock: () => NOW,
      evidence: w.wiring.service,
      audit: w.wiring.audit,
    });
    const route = createSlackRoute({
      config: { slack: { botToken: TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl } },
      core,
      log,
      clock: () => NOW,
    });
    server = createHttpServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await fake.close();
  });

  async function post(body: string) {
    const ts = Math.floor(NOW / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
      body,
    });
    assert.equal(res.status, 200);
    await res.text();
  }

  const blocks = (call: FakeSlackCall) => JSON.stringify(call.body['blocks'] ?? []);

  async function press(
    user: string,
    verb: string,
    data: Record<string, string>,
    state: Record<string, string> = {},
  ) {
    const id = `e${++n}`;
    const payload = {
      type: 'block_actions',
      user: { id: user, username: user, name: user, team_id: 'T1' },
      api_app_id: 'A1',
      token: 'x',
      container: { type: 'message', message_ts: '1.2', channel_id: 'C1', is_ephemeral: false },
      trigger_id: '1.2.3',
      team: { id: 'T1', domain: 'd' },
      channel: { id: 'C1', name: 'audit' },
      response_url: fake.responseUrl(id),
      actions: [
        {
          action_id: verb,
          block_id: 'actions',
          text: { type: 'plain_text', text: verb },
          value: JSON.stringify(data),
          type: 'button',
          action_ts: '1.3',
        },
      ],
      state: {
        values: Object.fromEntries(
          Object.entries(state).map(([k, v]) => [`in_${k}`, { [k]: { type: 'plain_text_input', value: v } }]),
        ),
      },
    };
    await post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    return fake.waitFor((c) => c.method === 'response' && c.id === id);
  }

  it('request, refusals, signature with name and role from input blocks, link button', async () => {
    const id = `e${++n}`;
    await post(
      new URLSearchParams({
        team_id: 'T1',
        channel_id: 'C1',
        user_id: 'U0REQUESTER',
        user_name: 'riley',
        command: '/certify',
        text: 'evidence soc2 last-quarter',
        api_app_id: 'A1',
        response_url: fake.responseUrl(id),
        trigger_id: '1.2.3',
      }).toString(),
    );
    const card = await fake.waitFor((c) => c.method === 'response' && c.id === id);
    const bundleId = /ev-[0-9a-f]{16}/.exec(blocks(card))?.[0];
    assert.ok(bundleId, blocks(card));
    assert.match(blocks(card), /evidence\.sign/);

    const self = await press('U0REQUESTER', 'evidence.sign', { id: bundleId });
    assert.match(blocks(self), /not an approver/);
    assert.equal(self.body['replace_original'], true);

    const signing = await press('U0APPROVER', 'evidence.sign', { id: bundleId });
    assert.match(blocks(signing), /"type":"input"/);
    assert.match(blocks(signing), /in_role/);

    const signed = await press(
      'U0APPROVER',
      'evidence.confirm',
      { id: bundleId },
      { name: 'Avery Stone', role: 'CISO' },
    );
    assert.match(blocks(signed), /Signed by Avery Stone \(CISO\)/);
    assert.match(blocks(signed), /"url":"https:\/\/certify\.example\.test\/downloads\/[A-Za-z0-9_-]{43}"/);
    assert.doesNotMatch(String(signed.body['text'] ?? ''), /downloads/);
  });
});
