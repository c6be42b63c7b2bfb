/**
 * POST/OPTIONS /api/eventgrid at the network edge: the real server (bot/server.ts) with the
 * production wiring of the route (bot/eventgrid/index.ts: the in-memory delivery ledger, the
 * tenant's keys fetched over HTTP), a real in-process job queue and a real audit log. A local
 * publisher does both handshakes and delivers the fixtures of every type in both envelopes; a
 * local Entra ID publishes the signing keys. What was enqueued is what the assertions read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { eventGridRoutes } from '../../bot/eventgrid/index.js';
import { REFUSAL_AUDIT_EVERY_MS } from '../../bot/eventgrid/route.js';
import { eventGridStartupMessage } from '../../bot/eventgrid/startup.js';
import {
  EVENTGRID_EVENTS_JOB,
  KEY_VAULT_EVENT_TYPES,
  type EventGridEventsJobData,
  type KeyVaultEvent,
} from '../../bot/eventgrid/types.js';
import { createServer, type BotServer } from '../../bot/server.js';
import type { Log } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { openAuditLog, type AuditLog } from '../../store/audit-writer.js';
import { createInProcessJobQueue } from '../../store/jobs/in-process.js';
import type { JobQueue } from '../../store/jobs/types.js';
import { loadOrCreateSigningKey } from '../../store/signing-key.js';
import { suiteLog } from '../support/child-log.js';
import {
  eventGridPublisher,
  fixtureEvent,
  startFakeEntra,
  type EventGridPublisher,
  type FakeEntra,
} from '../support/eventgrid-publisher.js';
import { SECRETS } from '../support/secrets.js';

const TENANT = '11111111-2222-3333-4444-555555555555';
const AUDIENCE = 'api://certify-eventgrid';
const KEY = SECRETS.eventGridKey;
const NOW = Date.parse('2026-12-03T09:00:05Z');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'certify-eventgrid-'));
  dirs.push(d);
  return d;
}

interface Harness {
  server: BotServer;
  publisher: EventGridPublisher;
  /** Every job data the route sent, in order (the queue runs them too: `handled`). */
  sent: EventGridEventsJobData[];
  handled: EventGridEventsJobData[];
  audit: AuditLog;
  lines: Array<{ event: string; fields: Record<string, unknown> }>;
  clock: { now: number };
  jobs: JobQueue;
  /** How many of the next sends fail, as a queue that cannot be reached does. */
  failSends: { left: number };
}

async function start(env: Record<string, string>): Promise<Harness> {
  const dataDir = tempDir();
  const lines: Harness['lines'] = [];
  const log: Log = suiteLog('eventgrid', (event, fields = {}) => void lines.push({ event, fields }));
  const config = readBotEnv({ PORT: '0', ...env }, dataDir);
  assert.ok(config.eventGrid, 'the environment configures Event Grid');
  const audit = openAuditLog(dataDir, await loadOrCreateSigningKey(dataDir));
  const queue = createInProcessJobQueue({ log });
  const sent: EventGridEventsJobData[] = [];
  const handled: EventGridEventsJobData[] = [];
  queue.define<EventGridEventsJobData>(
    EVENTGRID_EVENTS_JOB,
    async (job) => {
      handled.push(job.data);
    },
    { retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 },
  );
  await queue.start();
  const failSends = { left: 0 };
  const jobs = {
    send: async (name: string, data: EventGridEventsJobData) => {
      if (failSends.left > 0) {
        failSends.left -= 1;
        throw new Error('the job queue is unreachable');
      }
      sent.push(data);
      return queue.send(name, data);
    },
  };
  const clock = { now: NOW };
  const core = createBotCore({
    ports: openPorts(dataDir, 50),
    source: demoSource({ profile: 'showcase', size: 20 }),
    clock: () => NOW,
  });
  const server = createServer({
    config,
    core,
    log,
    version: '9.9.9',
    routes: eventGridRoutes(config.eventGrid, {
      jobs,
      audit,
      log,
      clock: () => clock.now,
      sharedLedger: null,
    }),
  });
  const { port } = await server.listen();
  return {
    server,
    publisher: eventGridPublisher(`http://127.0.0.1:${port}/api/eventgrid`),
    sent,
    handled,
    audit,
    lines,
    clock,
    jobs: queue,
    failSends,
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function refusals(audit: AuditLog) {
  return (await audit.entries()).filter((e) => e.action === 'eventgrid.refused');
}

/** A fixture event with another id (and optionally another time), for deliveries beyond the fixtures'. */
function renamed(event: Record<string, unknown>, id: string, time?: string): Record<string, unknown> {
  const timeField = 'eventTime' in event ? 'eventTime' : 'time';
  return { ...event, id, ...(time ? { [timeField]: time } : {}) };
}

describe('Event Grid route: not configured', () => {
  it('has no route (404 on POST and OPTIONS) and the start-up line says how to turn it on', async () => {
    const dataDir = tempDir();
    const config = readBotEnv({ PORT: '0' }, dataDir);
    assert.equal(config.eventGrid, null);
    const server = createServer({
      config,
      core: createBotCore({
        ports: openPorts(dataDir, 50),
        source: demoSource({ profile: 'showcase', size: 5 }),
        clock: () => NOW,
      }),
      log: suiteLog('eventgrid-off'),
      version: '9.9.9',
    });
    const { port } = await server.listen();
    try {
      const publisher = eventGridPublisher(`http://127.0.0.1:${port}/api/eventgrid`);
      const post = await publisher.deliver('eventgrid', [fixtureEvent('SecretNearExpiry', 'eventgrid')], {
        key: KEY,
      });
      assert.equal(post.status, 404);
      assert.equal((await publisher.validateCloudEvents({ key: KEY })).status, 404);
      assert.equal((await publisher.validateEventGrid({ key: KEY })).status, 404);
    } finally {
      await server.close();
    }
    const line = eventGridStartupMessage(null, 'https://certify.example.com');
    assert.match(line, /off/);
    assert.match(line, /CERTIFY_EVENTGRID_KEY/);
    assert.match(line, /CERTIFY_EVENTGRID_AUDIENCE/);
  });
});

describe('Event Grid route: key and Entra ID tokens', () => {
  let entra: FakeEntra;
  let h: Harness;
  beforeAll(async () => {
    entra = await startFakeEntra(TENANT);
    h = await start({
      CERTIFY_EVENTGRID_KEY: KEY,
      CERTIFY_EVENTGRID_AUDIENCE: AUDIENCE,
      CERTIFY_EVENTGRID_TENANT_ID: TENANT,
      CERTIFY_EVENTGRID_AUTHORITY_HOST: entra.authorityHost,
    });
  });
  afterAll(async () => {
    await h.server.close();
    await h.jobs.stop({ graceful: false, timeoutMs: 1000 });
    await entra.close();
  });

  const token = (claims: Record<string, unknown> = {}, opts: Parameters<FakeEntra['sign']>[1] = {}) =>
    entra.sign({ aud: AUDIENCE, ...claims }, { issuedAt: Math.floor(NOW / 1000) - 60, ...opts });

  it('answers the Event Grid validation handshake, and only with a credential', async () => {
    const code = (fixtureEvent('SubscriptionValidationEvent', 'eventgrid').data as { validationCode: string })
      .validationCode;
    const withKey = await h.publisher.validateEventGrid({ key: KEY });
    assert.equal(withKey.status, 200);
    assert.deepEqual(withKey.json, { validationResponse: code });
    const withToken = await h.publisher.validateEventGrid({ token: await token() });
    assert.deepEqual(withToken.json, { validationResponse: code });
    const without = await h.publisher.validateEventGrid({});
    assert.equal(without.status, 401);
    assert.equal(without.json?.validationResponse, undefined);
    assert.equal(h.sent.length, 0);
  });

  it('answers the CloudEvents OPTIONS handshake for Event Grid origins only, and only with a credential', async () => {
    const ok = await h.publisher.validateCloudEvents({ key: KEY });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('webhook-allowed-origin'), 'eventgrid.azure.net');
    assert.equal(ok.headers.get('webhook-allowed-rate'), '*');
    const gov = await h.publisher.validateCloudEvents({ token: await token() }, 'eventgrid.azure.us');
    assert.equal(gov.headers.get('webhook-allowed-origin'), 'eventgrid.azure.us');
    const other = await h.publisher.validateCloudEvents({ key: KEY }, 'attacker.example.com');
    assert.equal(other.status, 400);
    assert.equal(other.headers.get('webhook-allowed-origin'), null);
    assert.match(String(other.json?.error), /attacker\.example\.com.*is not Event Grid/);
    const anonymous = await h.publisher.validateCloudEvents({});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('webhook-allowed-origin'), null);
  });

  it('turns every Key Vault event type, in both envelopes, into one job with the normalised event', async () => {
    h.sent.length = 0;
    for (const envelope of ['eventgrid', 'cloudevents'] as const) {
      for (const type of KEY_VAULT_EVENT_TYPES) {
        const r = await h.publisher.deliver(envelope, [fixtureEvent(type, envelope)], { key: KEY });
        assert.equal(r.status, 200, `${type} (${envelope}): ${JSON.stringify(r.json)}`);
        assert.deepEqual(r.json, { queued: 1, duplicates: 0, ignored: 0 });
      }
    }
    assert.equal(h.sent.length, 2 * KEY_VAULT_EVENT_TYPES.length);
    for (const data of h.sent) {
      assert.equal(data.events.length, 1);
      assert.equal(data.receivedAt, new Date(NOW).toISOString());
    }
    const byType = (envelope: 'eventgrid' | 'cloudevents', type: string) =>
      h.sent.find(
        (d) => d.events[0]!.type === type && d.events[0]!.id === fixtureEvent(type as never, envelope).id,
      )!.events[0]!;
    const secret: KeyVaultEvent = {
      id: '00eccf70-95a7-4e7c-8299-2eb17ee9ad10',
      type: 'SecretNearExpiry',
      time: '2026-12-03T09:00:00.103Z',
      vault: 'kv-prod',
      objectType: 'Secret',
      objectName: 'db-password',
      version: 'ee059b2bb5bc48398a53b168c6cdc100',
      nbf: 1764547200,
      exp: 1767139200,
      assetId: 'https://kv-prod.vault.azure.net/secrets/db-password',
    };
    assert.deepEqual(byType('eventgrid', 'SecretNearExpiry'), secret);
    assert.deepEqual(byType('cloudevents', 'SecretNearExpiry'), {
      ...secret,
      id: '00eccf70-95a7-4e7c-8299-2eb17ee9ad50',
    });
    assert.equal(
      byType('eventgrid', 'KeyExpired').assetId,
      'https://kv-prod.vault.azure.net/keys/signing-key',
    );
    assert.equal(
      byType('cloudevents', 'CertificateNewVersionCreated').assetId,
      'https://kv-prod.vault.azure.net/certificates/api-tls',
    );
    assert.deepEqual(byType('eventgrid', 'VaultAccessPolicyChanged'), {
      id: '00eccf70-95a7-4e7c-8299-2eb17ee9ad19',
      type: 'VaultAccessPolicyChanged',
      time: '2026-12-03T09:00:00.103Z',
      vault: 'kv-prod',
      objectType: 'Vault',
      objectName: null,
      version: null,
      nbf: null,
      exp: null,
      assetId: null,
    });
    // The queue ran what was sent, as sent.
    await until('the jobs to run', () => h.handled.length === h.sent.length);
    assert.deepEqual(h.handled.map((d) => d.events[0]!.id).sort(), h.sent.map((d) => d.events[0]!.id).sort());
  });

  it('drops redelivered event ids: a batch of duplicates enqueues nothing, a mixed one only the new events', async () => {
    h.sent.length = 0;
    for (const envelope of ['eventgrid', 'cloudevents'] as const) {
      const all = KEY_VAULT_EVENT_TYPES.map((t) => fixtureEvent(t, envelope));
      const again = await h.publisher.deliver(envelope, all, { key: KEY });
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, { queued: 0, duplicates: 10, ignored: 0 });
    }
    assert.equal(h.sent.length, 0);
    const fresh = renamed(fixtureEvent('SecretExpired', 'cloudevents'), 'fresh-ce-1');
    const mixed = await h.publisher.deliver(
      'cloudevents',
      [fixtureEvent('SecretExpired', 'cloudevents'), fresh],
      { token: await token() },
    );
    assert.deepEqual(mixed.json, { queued: 1, duplicates: 1, ignored: 0 });
    assert.deepEqual(
      h.sent.map((d) => d.events.map((e) => e.id)),
      [['fresh-ce-1']],
    );
    const twice = renamed(fixtureEvent('KeyExpired', 'eventgrid'), 'twice-in-a-batch');
    const same = await h.publisher.deliver('eventgrid', [twice, twice], { key: KEY });
    assert.deepEqual(same.json, { queued: 1, duplicates: 1, ignored: 0 });
    assert.deepEqual(
      h.sent.at(-1)!.events.map((e) => e.id),
      ['twice-in-a-batch'],
    );
  });

  it('a delivery whose job could not be queued answers 503, and its retry is queued, not dropped', async () => {
    const event = renamed(fixtureEvent('SecretNearExpiry', 'eventgrid'), 'queue-down-1');
    const before = h.sent.length;
    h.failSends.left = 1;
    const failed = await h.publisher.deliver('eventgrid', [event], { key: KEY });
    assert.equal(failed.status, 503);
    assert.equal(h.sent.length, before);
    const retried = await h.publisher.deliver('eventgrid', [event], { key: KEY });
    assert.deepEqual(retried.json, { queued: 1, duplicates: 0, ignored: 0 });
    assert.deepEqual(
      h.sent.at(-1)!.events.map((e) => e.id),
      ['queue-down-1'],
    );
  });

  it('passes out-of-order deliveries on as they come, each with its own event time', async () => {
    h.sent.length = 0;
    const base = fixtureEvent('CertificateNearExpiry', 'eventgrid');
    const later = renamed(base, 'ooo-later', '2026-12-03T08:59:00Z');
    const earlier = renamed(base, 'ooo-earlier', '2026-12-01T08:00:00Z');
    assert.equal((await h.publisher.deliver('eventgrid', [later], { key: KEY })).status, 200);
    assert.equal((await h.publisher.deliver('eventgrid', [earlier], { key: KEY })).status, 200);
    assert.deepEqual(
      h.sent.map((d) => [d.events[0]!.id, d.events[0]!.time]),
      [
        ['ooo-later', '2026-12-03T08:59:00.000Z'],
        ['ooo-earlier', '2026-12-01T08:00:00.000Z'],
      ],
    );
  });

  it('survives a burst: 40 distinct deliveries and 10 copies of one at once enqueue each event exactly once', async () => {
    h.sent.length = 0;
    const base = fixtureEvent('KeyNearExpiry', 'cloudevents');
    const distinct = Array.from({ length: 40 }, (_, i) => renamed(base, `burst-${i}`));
    const copy = renamed(base, 'burst-copy');
    const answers = await Promise.all([
      ...distinct.map((e) => h.publisher.deliver('cloudevents', [e], { key: KEY })),
      ...Array.from({ length: 10 }, () => h.publisher.deliver('cloudevents', [copy], { key: KEY })),
    ]);
    assert.ok(answers.every((a) => a.status === 200));
    const ids = h.sent.flatMap((d) => d.events.map((e) => e.id));
    assert.equal(ids.length, 41);
    assert.equal(new Set(ids).size, 41);
    assert.equal(ids.filter((id) => id === 'burst-copy').length, 1);
  });

  it('reads CloudEvents sent as plain application/json by their specversion', async () => {
    h.sent.length = 0;
    const event = renamed(fixtureEvent('KeyNewVersionCreated', 'cloudevents'), 'plain-json-ce');
    const r = await h.publisher.raw(JSON.stringify([event]), 'application/json', { key: KEY });
    assert.equal(r.status, 200);
    assert.deepEqual(
      h.sent.map((d) => d.events.map((e) => [e.id, e.type, e.assetId])),
      [[['plain-json-ce', 'KeyNewVersionCreated', 'https://kv-prod.vault.azure.net/keys/signing-key']]],
    );
  });

  it('accepts and ignores event types other than Key Vault ones', async () => {
    h.sent.length = 0;
    const blob = {
      ...fixtureEvent('SecretNearExpiry', 'eventgrid'),
      id: 'blob-1',
      eventType: 'Microsoft.Storage.BlobCreated',
      data: { url: 'https://x.blob.core.windows.net/c/b' },
    };
    const r = await h.publisher.deliver('eventgrid', [blob], { key: KEY });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { queued: 0, duplicates: 0, ignored: 1 });
    assert.equal(h.sent.length, 0);
    assert.ok(
      h.lines.some(
        (l) => l.event === 'eventgrid.ignored' && l.fields.type === 'Microsoft.Storage.BlobCreated',
      ),
    );
  });

  it('refuses malformed bodies with 400 naming the problem, and too large ones with 413', async () => {
    h.sent.length = 0;
    const cases: Array<[string | Buffer, string, RegExp]> = [
      ['{not json', 'application/json', /not valid JSON/],
      ['[]', 'application/json', /no events/],
      ['"text"', 'application/json', /not an event/],
      [
        JSON.stringify([{ ...fixtureEvent('SecretExpired', 'eventgrid'), eventType: undefined }]),
        'application/json',
        /Event Grid schema.*eventType/,
      ],
      [
        JSON.stringify({ ...fixtureEvent('SecretExpired', 'cloudevents'), specversion: undefined, id: 'x' }),
        'application/cloudevents+json',
        /CloudEvents/,
      ],
      [
        JSON.stringify([
          {
            ...fixtureEvent('SecretExpired', 'eventgrid'),
            id: 'no-vault',
            data: { ObjectType: 'Secret', ObjectName: 'x' },
          },
        ]),
        'application/json',
        /event no-vault .*data\.VaultName is missing/,
      ],
      [
        JSON.stringify([
          {
            ...fixtureEvent('KeyExpired', 'eventgrid'),
            id: 'bad-exp',
            data: { VaultName: 'kv', ObjectType: 'Key', ObjectName: 'k', EXP: 'soon' },
          },
        ]),
        'application/json',
        /data\.EXP is not epoch seconds/,
      ],
    ];
    for (const [body, type, problem] of cases) {
      const r = await h.publisher.raw(body, type, { key: KEY });
      assert.equal(r.status, 400, String(body).slice(0, 80));
      assert.match(String(r.json?.error), problem);
    }
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const tooLarge = await h.publisher.raw(big, 'application/json', { key: KEY });
    assert.equal(tooLarge.status, 413);
    assert.equal(h.sent.length, 0);
  });

  it('accepts a v1 token and a v2 token from the tenant', async () => {
    h.sent.length = 0;
    const v1 = await token({ iss: `${entra.authorityHost}/${TENANT}/` });
    const a = await h.publisher.deliver(
      'eventgrid',
      [renamed(fixtureEvent('KeyExpired', 'eventgrid'), 'tok-v1')],
      {
        token: v1,
      },
    );
    assert.equal(a.status, 200);
    const b = await h.publisher.deliver(
      'eventgrid',
      [renamed(fixtureEvent('KeyExpired', 'eventgrid'), 'tok-v2')],
      {
        token: await token(),
      },
    );
    assert.equal(b.status, 200);
    assert.equal(h.sent.length, 2);
  });

  it('refuses forged and missing credentials with 401, enqueues nothing and audits each reason', async () => {
    h.sent.length = 0;
    const event = [renamed(fixtureEvent('SecretNearExpiry', 'eventgrid'), 'forged-1')];
    const nowS = Math.floor(NOW / 1000);
    const forged: Array<[string, { key?: string; token?: string }]> = [
      ['wrong key', { key: `${KEY}x` }],
      ['no credential', {}],
      ['token expired', { token: await token({}, { issuedAt: nowS - 7200, expiresAt: nowS - 3600 }) }],
      ['token audience', { token: await entra.sign({ aud: 'api://someone-else' }, { issuedAt: nowS - 60 }) }],
      ['token signature', { token: await token({}, { forged: true }) }],
      [
        'token issuer',
        { token: await token({ iss: 'https://login.microsoftonline.com/another-tenant/v2.0' }) },
      ],
      ['token malformed', { token: 'not-a-jwt' }],
    ];
    for (const [reason, cred] of forged) {
      const r = await h.publisher.deliver('eventgrid', event, cred);
      assert.equal(r.status, 401, reason);
      assert.deepEqual(r.json, { error: 'unauthorized' }, reason);
    }
    assert.equal(h.sent.length, 0);
    // The event was never recorded: delivered properly now, it is new.
    const real = await h.publisher.deliver('eventgrid', event, { key: KEY });
    assert.deepEqual(real.json, { queued: 1, duplicates: 0, ignored: 0 });
    await until('the refusals to be audited', async () => {
      const reasons = new Set((await refusals(h.audit)).map((e) => e.details.reason));
      return forged.every(([reason]) => reasons.has(reason));
    });
    const entries = await refusals(h.audit);
    for (const e of entries) {
      assert.equal(e.details.remote, '127.0.0.1');
      assert.ok(!JSON.stringify(e).includes(KEY.slice(0, 12)), 'the key is never audited');
      assert.ok(!JSON.stringify(e).includes('eyJ'), 'no token is audited');
    }
  });

  it('sums a flood of refusals into one audit entry per minute per reason', async () => {
    const before = (await refusals(h.audit)).filter((e) => e.details.reason === 'wrong key').length;
    h.clock.now = NOW + 10 * REFUSAL_AUDIT_EVERY_MS;
    const event = [fixtureEvent('SecretNearExpiry', 'eventgrid')];
    for (let i = 0; i < 20; i++) {
      assert.equal(
        (await h.publisher.deliver('eventgrid', event, { key: `forged-key-${i}-xxxxxxxx` })).status,
        401,
      );
    }
    await until('the first refusal of the flood to be audited', async () => {
      return (await refusals(h.audit)).filter((e) => e.details.reason === 'wrong key').length === before + 1;
    });
    h.clock.now += REFUSAL_AUDIT_EVERY_MS;
    assert.equal((await h.publisher.deliver('eventgrid', event, {})).status, 401);
    assert.equal(
      (await h.publisher.deliver('eventgrid', event, { key: 'one-more-forged-key-xx' })).status,
      401,
    );
    await until('the summary entry', async () => {
      return (await refusals(h.audit)).filter((e) => e.details.reason === 'wrong key').length === before + 2;
    });
    const wrongKey = (await refusals(h.audit)).filter((e) => e.details.reason === 'wrong key');
    assert.equal(wrongKey.at(-2)!.details.count, 1);
    // 19 held back from the flood, and the one that opened the next minute.
    assert.equal(wrongKey.at(-1)!.details.count, 20);
    h.clock.now = NOW;
  });
});

describe('Event Grid route: Entra ID tokens only', () => {
  let entra: FakeEntra;
  let h: Harness;
  beforeAll(async () => {
    entra = await startFakeEntra(TENANT);
    h = await start({
      CERTIFY_EVENTGRID_AUDIENCE: AUDIENCE,
      AZURE_TENANT_ID: TENANT,
      CERTIFY_EVENTGRID_AUTHORITY_HOST: entra.authorityHost,
      CERTIFY_KEYVAULT_DNS_SUFFIX: 'vault.usgovcloudapi.net',
    });
  });
  afterAll(async () => {
    await h.server.close();
    await h.jobs.stop({ graceful: false, timeoutMs: 1000 });
    await entra.close();
  });

  it('refuses a key when only tokens are configured, and builds asset ids with the configured DNS suffix', async () => {
    const event = [fixtureEvent('SecretNewVersionCreated', 'eventgrid')];
    assert.equal((await h.publisher.deliver('eventgrid', event, { key: KEY })).status, 401);
    assert.equal(h.sent.length, 0);
    const t = await entra.sign({ aud: AUDIENCE }, { issuedAt: Math.floor(NOW / 1000) - 60 });
    const ok = await h.publisher.deliver('eventgrid', event, { token: t });
    assert.equal(ok.status, 200);
    assert.equal(
      h.sent[0]!.events[0]!.assetId,
      'https://kv-prod.vault.usgovcloudapi.net/secrets/db-password',
    );
    assert.ok(entra.fetches() >= 1, 'the keys came from the tenant');
  });
});

describe('Event Grid route: the tenant keys cannot be read', () => {
  let entra: FakeEntra;
  let h: Harness;
  beforeAll(async () => {
    // Tokens signed by a tenant whose keys are published nowhere the service can reach.
    entra = await startFakeEntra(TENANT);
    const unreachable = await startFakeEntra(TENANT);
    const authority = unreachable.authorityHost;
    await unreachable.close();
    h = await start({
      CERTIFY_EVENTGRID_AUDIENCE: AUDIENCE,
      CERTIFY_EVENTGRID_TENANT_ID: TENANT,
      CERTIFY_EVENTGRID_AUTHORITY_HOST: authority,
    });
  });
  afterAll(async () => {
    await h.server.close();
    await h.jobs.stop({ graceful: false, timeoutMs: 1000 });
    await entra.close();
  });

  it('answers 503 (Event Grid retries it; a 401 would be dead-lettered), queues nothing and audits no refusal', async () => {
    const t = await entra.sign({ aud: AUDIENCE }, { issuedAt: Math.floor(NOW / 1000) - 60 });
    const r = await h.publisher.deliver('eventgrid', [fixtureEvent('SecretExpired', 'eventgrid')], {
      token: t,
    });
    assert.equal(r.status, 503);
    assert.match(String(r.json?.error), /token-signing keys could not be read/);
    assert.equal(h.sent.length, 0);
    assert.deepEqual(await refusals(h.audit), []);
    assert.ok(h.lines.some((l) => l.event === 'eventgrid.keys_unavailable'));
  });
});
