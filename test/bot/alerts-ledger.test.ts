/**
 * The alert ledger through runAlerts: an alert is posted once per asset, threshold and channel.
 * Real stores in a temporary directory, hand-made scans (so what is open is exact), and
 * notifiers that record which keys each channel was given, or fail on demand.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { runAlerts, type AlertNotifiers } from '../../bot/alerts/deliver.js';
import type { AlertView, View } from '../../cards/views.js';
import { openPorts } from '../../app/ports.js';
import { SCAN_SCHEMA, type RuleResult, type ScanResult } from '../../scanner/scan.js';
import { summarize } from '../../scanner/summary.js';
import { createAlertStore, type AlertChannel, type AlertStore } from '../../store/alerts.js';

const NOW = Date.parse('2026-11-01T06:00:00Z');
const A = 'https://kv-prod.vault.azure.net/secrets/db-password';
const B = 'https://kv-prod.vault.azure.net/secrets/api-key';
const SLACK: AlertChannel = { kind: 'slack', id: 'C1' };
const TEAMS: AlertChannel = { kind: 'teams', id: 'T1' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function rule(id: string, failing: string[]): RuleResult {
  return {
    id,
    name: `rule ${id}`,
    severity: 'Medium',
    weight: 1,
    class: 'framework',
    status: failing.length > 0 ? 'fail' : 'pass',
    evaluated: 10,
    failing,
    metric: null,
  };
}

/** A scan in which `expiring` assets fail the 30-day threshold (P003) and nothing else. */
function scanWith(scanId: string, expiring: string[]): ScanResult {
  return {
    schema: SCAN_SCHEMA,
    scanId,
    now: new Date(NOW).toISOString(),
    source: 'test',
    score: 90,
    rating: null,
    rules: [rule('P002', []), rule('P003', expiring), rule('P007', [])],
    frameworks: [],
    tenantId: 't',
    collectedAt: new Date(NOW).toISOString(),
    assets: { vaults: 1, secrets: 2, keys: 0, certificates: 0, resources: null, appRegistrations: null },
  };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certify-alert-ledger-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  const alerts = createAlertStore(dir);
  /** `kind:id` → the keys of every card that channel was given, in order. */
  const got = new Map<string, string[]>();
  const failing = new Set<string>();
  let scans = 0;
  const received = (channel: string, view: View) => {
    if (failing.has(channel)) throw new Error(`${channel} is down`);
    assert.equal(view.kind, 'alert');
    const ack = (view as AlertView).actions.find((a) => a.verb === 'alert.ack');
    assert.ok(ack?.data.keys, 'a small alert lists its keys on the button');
    got.set(channel, [...(got.get(channel) ?? []), ...ack.data.keys.split(',')]);
  };
  const notifiers: AlertNotifiers = {
    slack: { post: async (id, view) => received(`slack:${id}`, view) },
    teams: { send: async (id, view) => received(`teams:${id}`, view) },
  };
  const subscribe = (channel: AlertChannel, store: AlertStore = alerts) =>
    store.subscribe({ channel, filters: {}, createdBy: 'u1', createdAt: new Date(NOW).toISOString() });
  const scan = async (expiring: string[]) => {
    scans += 1;
    const result = scanWith(`scan-${scans}`, expiring);
    await ports.scans.save(result, summarize(result));
  };
  const run = (store: AlertStore = alerts, scanPorts = ports) =>
    runAlerts({ ports: scanPorts, alerts: store, notifiers, now: NOW, log: () => undefined });
  /** What each channel got since the last call, sorted. */
  const take = () => {
    const out = Object.fromEntries([...got].map(([k, v]) => [k, [...v].sort()]));
    got.clear();
    return out;
  };
  return { dir, alerts, failing, subscribe, scan, run, take };
}

const key = (asset: string) => `threshold:30d:${asset}`;

describe('alert ledger: once per asset, threshold and channel', () => {
  it('two channels each get the alert once', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.subscribe(TEAMS);
    await t.scan([A, B]);
    const first = await t.run();
    assert.equal(first.delivered, 4);
    assert.deepEqual(t.take(), { 'slack:C1': [key(B), key(A)].sort(), 'teams:T1': [key(B), key(A)].sort() });

    assert.equal((await t.run()).delivered, 0, 'the same scan again');
    await t.scan([A, B]);
    assert.equal((await t.run()).delivered, 0, 'a later scan with the same problems');
    assert.deepEqual(t.take(), {});
  });

  it('a channel subscribed after the first run gets the still-open problem on the next run', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.scan([A]);
    await t.run();
    assert.deepEqual(t.take(), { 'slack:C1': [key(A)] });

    await t.subscribe(TEAMS);
    await t.scan([A]);
    await t.run();
    assert.deepEqual(t.take(), { 'teams:T1': [key(A)] }, 'only the new channel, and only once');
    await t.scan([A]);
    await t.run();
    assert.deepEqual(t.take(), {});
  });

  it('a failed delivery to one channel is retried on the next run; the other channel is not re-sent', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.subscribe(TEAMS);
    await t.scan([A]);
    t.failing.add('slack:C1');
    const first = await t.run();
    assert.equal(first.failed, 1);
    assert.equal(first.delivered, 1);
    assert.deepEqual(t.take(), { 'teams:T1': [key(A)] });

    t.failing.clear();
    await t.scan([A]);
    const second = await t.run();
    assert.equal(second.failed, 0);
    assert.deepEqual(t.take(), { 'slack:C1': [key(A)] });
  });

  it('two replicas running alerts at once over one data dir deliver each alert to each channel once', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.subscribe(TEAMS);
    await t.scan([A, B]);
    // Two replicas: each with its own store instances over the same files.
    const other = createAlertStore(t.dir);
    const otherPorts = openPorts(t.dir, 50);
    const runs = await Promise.all([t.run(), t.run(other, otherPorts), t.run(), t.run(other, otherPorts)]);
    assert.equal(
      runs.reduce((n, r) => n + r.delivered, 0),
      4,
    );
    assert.deepEqual(t.take(), { 'slack:C1': [key(B), key(A)].sort(), 'teams:T1': [key(B), key(A)].sort() });
  });
});
