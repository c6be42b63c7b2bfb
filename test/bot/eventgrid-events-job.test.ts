/**
 * Key Vault events as a job, end to end in one process: the real in-process job queue, the real
 * alert store (the embedded file, then PostgreSQL), the embedded scan store, the real Slack notifier (Bolt's Web API client) against
 * the local fake Slack, and the alert-delivery job. Events and scheduled scans share one ledger,
 * so an alert goes out once per asset, threshold and channel whichever path saw it first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { runAlerts } from '../../bot/alerts/deliver.js';
import {
  EVENTGRID_EVENTS_JOB,
  type KeyVaultEvent,
  type KeyVaultEventType,
} from '../../bot/eventgrid/types.js';
import { defineAlertDelivery } from '../../bot/jobs/alert-delivery.js';
import { defineEventGridEvents } from '../../bot/jobs/eventgrid-events.js';
import { createSlackNotifier } from '../../bot/slack/index.js';
import { SCAN_SCHEMA, type ScanResult } from '../../scanner/scan.js';
import { summarize } from '../../scanner/summary.js';
import { createAlertStore, type AlertStore, type AlertSubscriptionFilters } from '../../store/alerts.js';
import { createPgAlertStore } from '../../store/pg/alerts.js';
import { createInProcessJobQueue } from '../../store/jobs/in-process.js';
import type { JobQueue } from '../../store/jobs/types.js';
import { suiteLog } from '../support/child-log.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const DAY = 86_400_000;
const MINUTE = 60_000;
const ASSET = 'https://kv-prod.vault.azure.net/secrets/db-password';
const KEY = `threshold:30d:${ASSET}`;

/** Each store kind's tests get their own fake Slack (they reuse channel ids). */
let slack: FakeSlack;
/** The alert store's kind in the running describe block: the embedded file, or PostgreSQL. */
let store: 'embedded' | 'postgres' = 'embedded';
let db: TestDatabase | undefined;
const dirs: string[] = [];
const queues: JobQueue[] = [];
afterAll(async () => {
  for (const q of queues) await q.stop({ graceful: false, timeoutMs: 1000 });
  await db?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function rule(id: string, severity: 'Critical' | 'High' | 'Medium' | 'Low', failing: string[]) {
  return {
    id,
    name: id,
    severity,
    weight: 8,
    class: 'framework' as const,
    status: failing.length > 0 ? ('fail' as const) : ('pass' as const),
    evaluated: 1,
    failing,
    metric: null,
  };
}

/** A saved scan: P003 (Medium) failing `failing`, K005 (High) cited by the `cis` framework. */
function scan(failing: string[]): ScanResult {
  const at = new Date(NOW - DAY).toISOString();
  return {
    schema: SCAN_SCHEMA,
    scanId: 'scan-1',
    now: at,
    source: 'test',
    score: 90,
    rating: null,
    rules: [rule('P003', 'Medium', failing), rule('K005', 'High', [])],
    frameworks: [
      {
        id: 'cis',
        name: 'CIS',
        controls: [{ id: '1', title: 'keys', rules: ['K005'] }],
      },
    ] as unknown as ScanResult['frameworks'],
    tenantId: 't',
    collectedAt: at,
    assets: { vaults: 1, secrets: 1, keys: 0, certificates: 0, resources: null, appRegistrations: null },
  };
}

let seq = 0;
function event(type: KeyVaultEventType, overrides: Partial<KeyVaultEvent> = {}): KeyVaultEvent {
  const assetId = overrides.assetId ?? (type === 'VaultAccessPolicyChanged' ? null : ASSET);
  return {
    id: `e-${++seq}`,
    type,
    time: new Date(NOW - 5 * MINUTE).toISOString(),
    vault: assetId === null ? 'kv-prod' : (new URL(assetId).hostname.split('.')[0] as string),
    objectType: type.startsWith('Key') ? 'Key' : type.startsWith('Vault') ? 'Vault' : 'Secret',
    objectName: assetId === null ? null : (assetId.split('/').pop() as string),
    version: 'v1',
    nbf: null,
    exp: Math.floor((NOW + 20 * DAY) / 1000),
    ...overrides,
    assetId,
  };
}

async function setup(
  channels: Record<string, AlertSubscriptionFilters>,
  failing: string[] = [],
  burstWindowMs = 0,
) {
  const dir = mkdtempSync(join(tmpdir(), 'certify-eventgrid-job-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  const result = scan(failing);
  await ports.scans.save(result, summarize(result));
  let alerts: AlertStore;
  if (store === 'postgres') {
    db ??= await createTestDatabase({ migrated: true });
    await db.pool.query(
      'TRUNCATE alert_subscriptions, alert_claims, alert_suppressions, alert_groups, alert_resolutions, alert_posts',
    );
    alerts = createPgAlertStore(db.pool);
  } else {
    alerts = createAlertStore(dir);
  }
  for (const [id, filters] of Object.entries(channels)) {
    await alerts.subscribe({
      channel: { kind: 'slack', id },
      filters,
      createdBy: 'u1',
      createdAt: new Date(NOW - DAY).toISOString(),
    });
  }
  const lines: { event: string; fields: Record<string, unknown> }[] = [];
  const log = suiteLog('eventgrid-events-job', (e, fields = {}) => lines.push({ event: e, fields }));
  const notifier = createSlackNotifier({
    config: { slack: { botToken: SECRETS.slackPlaceholderBotToken, apiUrl: slack.apiUrl } },
    log,
  });
  const jobs = createInProcessJobQueue({ log, random: () => 0 });
  queues.push(jobs);
  const enqueue = defineAlertDelivery(jobs, {
    alerts,
    notifiers: () => ({ slack: notifier }),
    log,
    options: { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 30 },
  });
  let rescans = 0;
  const window = defineEventGridEvents(jobs, {
    ports,
    alerts,
    notifiers: () => ({ slack: notifier }),
    enqueue,
    rescan: async () => {
      rescans++;
    },
    clock: () => NOW,
    log,
    burstWindowMs,
  });
  await jobs.start();
  const count = (name: string) => lines.filter((l) => l.event === name).length;
  const queued = () =>
    lines
      .filter((l) => ['alerts.run', 'eventgrid.processed', 'eventgrid.burst_sent'].includes(l.event))
      .reduce((n, l) => n + Number(l.fields['queued'] ?? 0) + Number(l.fields['updated'] ?? 0), 0);
  /** Waits until `processed` event jobs are done and every card they (and runs) queued was posted. */
  const settle = async (processed: number) => {
    for (;;) {
      const failed = lines.find((l) => l.event === 'jobs.job_failed' || l.event === 'alerts.delivery_failed');
      if (failed) throw new Error(`a job failed: ${JSON.stringify(failed.fields)}`);
      if (
        count('eventgrid.processed') >= processed &&
        count('alerts.delivered') + count('alerts.updated') >= queued()
      )
        return;
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  let sent = 0;
  /** One job per delivery, all queued before waiting: a stream of deliveries. */
  const deliverEach = async (deliveries: KeyVaultEvent[][]) => {
    for (const events of deliveries) {
      await jobs.send(EVENTGRID_EVENTS_JOB, { events, receivedAt: new Date(NOW).toISOString() });
    }
    sent += deliveries.length;
    await settle(sent);
  };
  const deliver = (...events: KeyVaultEvent[]) => deliverEach([events]);
  const run = async () => {
    const r = await runAlerts({ ports, alerts, notifiers: { slack: notifier }, now: NOW, log, enqueue });
    await settle(sent);
    return r;
  };
  /** Sends what the burst windows hold, and waits for those cards to be posted. */
  const flush = async () => {
    await window?.flush();
    await settle(sent);
  };
  return { alerts, lines, deliver, deliverEach, run, flush, rescans: () => rescans };
}

const posts = (channel: string) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel);
const updates = (channel: string) =>
  slack.calls.filter((c) => c.method === 'chat.update' && c.body['channel'] === channel);

describe.each(['embedded', 'postgres'] as const)('eventgrid-events job (%s alert store)', (kind) => {
  beforeAll(async () => {
    store = kind;
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });

  it('a NearExpiry alerts once per channel; its redelivery and a later scan send nothing', async () => {
    const t = await setup({ 'C-ONE-A': {}, 'C-ONE-B': {} }, [ASSET]);
    await t.deliver(event('SecretNearExpiry'));
    assert.equal(posts('C-ONE-A').length, 1);
    assert.equal(posts('C-ONE-B').length, 1);
    assert.match(JSON.stringify(posts('C-ONE-A')[0]!.body), /expires within 30 days/);
    await t.deliver(event('SecretNearExpiry'));
    const after = await t.run();
    assert.equal(after.queued, 0, 'the scan finds the event’s alerts claimed');
    assert.equal(posts('C-ONE-A').length, 1);
    assert.equal(posts('C-ONE-B').length, 1);
  });

  it('an asset a scan alerted first is not alerted again by its event', async () => {
    const t = await setup({ 'C-SCAN-FIRST': {} }, [ASSET]);
    assert.equal((await t.run()).queued, 1);
    await t.deliver(event('SecretNearExpiry'));
    assert.equal(posts('C-SCAN-FIRST').length, 1);
    const processed = t.lines.find((l) => l.event === 'eventgrid.processed');
    assert.equal(processed?.fields['queued'], 0);
  });

  it('leaves out what is acknowledged, and sends what a snooze no longer holds', async () => {
    const t = await setup({ 'C-SUPPRESS': {} });
    await t.alerts.acknowledge(KEY, 'ana', NOW - DAY);
    await t.alerts.snooze(`threshold:7d:${ASSET}`, 'ana', NOW - 1);
    await t.deliver(event('SecretNearExpiry'));
    assert.equal(posts('C-SUPPRESS').length, 0);
    await t.deliver(event('SecretNearExpiry', { exp: Math.floor((NOW + 3 * DAY) / 1000) }));
    assert.equal(posts('C-SUPPRESS').length, 1);
    assert.match(JSON.stringify(posts('C-SUPPRESS')[0]!.body), /expires within 7 days/);
  });

  it('applies each channel’s vault, severity and framework filters', async () => {
    const t = await setup({
      'C-F-ALL': {},
      'C-F-DEV': { vault: 'kv-dev' },
      'C-F-HIGH': { severity: 'High' },
      'C-F-CIS': { framework: 'cis' },
    });
    await t.deliver(
      event('SecretNearExpiry'),
      event('KeyExpired', { assetId: 'https://kv-dev.vault.azure.net/keys/signing' }),
    );
    assert.equal(posts('C-F-ALL').length, 2);
    const subjects = (channel: string) =>
      posts(channel).map((p) => JSON.stringify(p.body).includes('signing'));
    assert.deepEqual(subjects('C-F-DEV'), [true]);
    assert.deepEqual(subjects('C-F-HIGH'), [true], 'K005 is High, P003 Medium');
    assert.deepEqual(subjects('C-F-CIS'), [true], 'cis cites K005 only');
  });

  it('a burst of 1,000 NearExpiry events is one digest per channel', async () => {
    const t = await setup({ 'C-BURST-A': {}, 'C-BURST-B': {} });
    const burst = Array.from({ length: 1000 }, (_, i) =>
      event('SecretNearExpiry', { assetId: `https://kv-prod.vault.azure.net/secrets/s${i}` }),
    );
    await t.deliver(...burst);
    assert.equal(posts('C-BURST-A').length, 1);
    assert.equal(posts('C-BURST-B').length, 1);
    assert.match(JSON.stringify(posts('C-BURST-A')[0]!.body), /1000 changes/);
    assert.equal((await t.alerts.sentKeys()).size, 1000);
    await t.deliver(
      event('SecretNewVersionCreated', {
        assetId: 'https://kv-prod.vault.azure.net/secrets/s7',
        version: 'v2',
        time: new Date(NOW).toISOString(),
      }),
    );
    assert.equal((await t.alerts.sentKeys()).size, 999, 'the resolved asset is cleared');
    assert.equal(updates('C-BURST-A').length, 0, 'a digest stays as it was');
  });

  it('1,000 deliveries of one event each within the burst window: one card, then one digest, per channel', async () => {
    const t = await setup({ 'C-WINDOW-A': {}, 'C-WINDOW-B': { vault: 'kv-prod' } }, [], 60_000);
    await t.deliverEach(
      Array.from({ length: 1000 }, (_, i) => [
        event('SecretNearExpiry', { assetId: `https://kv-prod.vault.azure.net/secrets/w${i}` }),
      ]),
    );
    assert.equal(posts('C-WINDOW-A').length, 1, 'the first event goes out at once');
    assert.equal(posts('C-WINDOW-B').length, 1);
    assert.equal((await t.alerts.sentKeys()).size, 1, 'held alerts are not claimed yet');
    await t.flush();
    for (const channel of ['C-WINDOW-A', 'C-WINDOW-B']) {
      assert.equal(posts(channel).length, 2, `${channel}: the rest as one digest`);
      assert.match(JSON.stringify(posts(channel)[1]!.body), /999 changes/);
    }
    assert.equal((await t.alerts.sentKeys()).size, 1000);
    // A later event about one of them sends nothing again.
    await t.deliver(event('SecretNearExpiry', { assetId: 'https://kv-prod.vault.azure.net/secrets/w3' }));
    await t.flush();
    assert.equal(posts('C-WINDOW-A').length, 2);
  });

  it('an alert held in the burst window and resolved meanwhile is not sent', async () => {
    const t = await setup({ 'C-HELD': {} }, [], 60_000);
    const other = 'https://kv-prod.vault.azure.net/secrets/other';
    await t.deliver(event('SecretNearExpiry'));
    await t.deliver(event('SecretNearExpiry', { assetId: other }));
    await t.deliver(
      event('SecretNewVersionCreated', { assetId: other, version: 'v2', time: new Date(NOW).toISOString() }),
    );
    await t.flush();
    assert.equal(posts('C-HELD').length, 1, 'only the first, sent at once');
    assert.deepEqual([...(await t.alerts.sentKeys())], [KEY]);
  });

  it('a new version clears the alert; a late, older NearExpiry does not reopen it', async () => {
    const t = await setup({ 'C-RESOLVE': {} });
    await t.deliver(event('SecretNearExpiry', { time: new Date(NOW - 10 * MINUTE).toISOString() }));
    assert.equal(posts('C-RESOLVE').length, 1);
    const ts = (await t.alerts.posts([KEY]))[0]?.ref;
    assert.match(ts ?? '', /^\d+\.\d{6}$/, 'the Slack ts of the posted card was recorded');
    await t.deliver(
      event('SecretNewVersionCreated', { version: 'v2', time: new Date(NOW - MINUTE).toISOString() }),
    );
    assert.equal((await t.alerts.sentKeys()).has(KEY), false, 'cleared: it alerts again if it comes back');
    const update = updates('C-RESOLVE');
    assert.equal(update.length, 1, 'the posted card is updated in place');
    assert.equal(update[0]!.body['ts'], ts, 'the message the post answered');
    assert.match(JSON.stringify(update[0]!.body), /Resolved: Secret expires within 30 days/);
    assert.match(JSON.stringify(update[0]!.body), /a new version \(v2\) was created/);
    assert.doesNotMatch(JSON.stringify(update[0]!.body), /alert\.ack/, 'nothing left to acknowledge');
    await t.deliver(
      event('SecretNearExpiry', { version: 'v1', time: new Date(NOW - 5 * MINUTE).toISOString() }),
    );
    assert.equal(posts('C-RESOLVE').length, 1, 'the late event about the old version changes nothing');
    assert.equal((await t.alerts.sentKeys()).has(KEY), false);
    // An older new version delivered late resolves nothing: the alert of the new version stays.
    await t.deliver(event('SecretNearExpiry', { version: 'v2', time: new Date(NOW).toISOString() }));
    assert.equal(posts('C-RESOLVE').length, 2, 'the new version nearing expiry alerts');
    await t.deliver(
      event('SecretNewVersionCreated', { version: 'v1', time: new Date(NOW - 20 * MINUTE).toISOString() }),
    );
    assert.equal((await t.alerts.sentKeys()).has(KEY), true);
  });

  it('a changed access policy runs the scheduled scan', async () => {
    const t = await setup({ 'C-POLICY': {} });
    await t.deliver(event('VaultAccessPolicyChanged'), event('VaultAccessPolicyChanged'));
    assert.equal(t.rescans(), 1);
    assert.equal(posts('C-POLICY').length, 0);
  });
});
