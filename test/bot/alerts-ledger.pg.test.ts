/**
 * The alert ledger through runAlerts on the PostgreSQL alert store: replicas, each with its own
 * pool on one database, running alerts at once post each alert to each channel once, and a post
 * that failed is tried again by whichever replica runs next. Scans come from an embedded data dir
 * (what is open is exact); only the alert state is shared through the database.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { runAlerts, type AlertNotifiers } from '../../bot/alerts/deliver.js';
import type { AlertView, View } from '../../cards/views.js';
import { SCAN_SCHEMA, type RuleResult, type ScanResult } from '../../scanner/scan.js';
import { summarize } from '../../scanner/summary.js';
import type { AlertChannel, AlertStore } from '../../store/alerts.js';
import { createPgAlertStore } from '../../store/pg/alerts.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const NOW = Date.parse('2026-11-01T06:00:00Z');
const A = 'https://kv-prod.vault.azure.net/secrets/db-password';
const B = 'https://kv-prod.vault.azure.net/secrets/api-key';
const SLACK: AlertChannel = { kind: 'slack', id: 'C1' };
const TEAMS: AlertChannel = { kind: 'teams', id: 'T1' };

let db: TestDatabase;
let replica: pg.Pool;
const dirs: string[] = [];
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
  replica = await db.newPool();
});
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE alert_subscriptions, alert_claims, alert_suppressions, alert_groups');
});

const rule = (id: string, failing: string[]): RuleResult => ({
  id,
  name: `rule ${id}`,
  severity: 'Medium',
  weight: 1,
  class: 'framework',
  status: failing.length > 0 ? 'fail' : 'pass',
  evaluated: 10,
  failing,
  metric: null,
});

/** A scan in which `expiring` assets fail the 30-day threshold (P003) and nothing else. */
const scanWith = (scanId: string, expiring: string[]): ScanResult => ({
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
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certify-alert-ledger-pg-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  const replicas: AlertStore[] = [createPgAlertStore(db.pool), createPgAlertStore(replica)];
  const got = new Map<string, string[]>();
  const failing = new Set<string>();
  let scans = 0;
  const received = (channel: string, view: View) => {
    if (failing.has(channel)) throw new Error(`${channel} is down`);
    const ack = (view as AlertView).actions.find((a) => a.verb === 'alert.ack');
    assert.ok(ack?.data.keys, 'a small alert lists its keys on the button');
    got.set(channel, [...(got.get(channel) ?? []), ...ack.data.keys.split(',')]);
  };
  const notifiers: AlertNotifiers = {
    slack: { post: async (id, view) => received(`slack:${id}`, view) },
    teams: { send: async (id, view) => received(`teams:${id}`, view) },
  };
  return {
    replicas,
    failing,
    subscribe: (channel: AlertChannel) =>
      replicas[0]!.subscribe({
        channel,
        filters: {},
        createdBy: 'u1',
        createdAt: new Date(NOW).toISOString(),
      }),
    scan: async (expiring: string[]) => {
      scans += 1;
      const result = scanWith(`scan-${scans}`, expiring);
      await ports.scans.save(result, summarize(result));
    },
    run: (alerts: AlertStore) => runAlerts({ ports, alerts, notifiers, now: NOW, log: () => undefined }),
    take: () => {
      const out = Object.fromEntries([...got].map(([k, v]) => [k, [...v].sort()]));
      got.clear();
      return out;
    },
  };
}

const key = (asset: string) => `threshold:30d:${asset}`;

describe('alert ledger on PostgreSQL: once per asset, threshold and channel, across replicas', () => {
  it('two replicas running alerts at once deliver each alert to each channel once', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.subscribe(TEAMS);
    await t.scan([A, B]);
    const [one, two] = t.replicas;
    const runs = await Promise.all([t.run(one!), t.run(two!), t.run(one!), t.run(two!)]);
    assert.equal(
      runs.reduce((n, r) => n + r.delivered, 0),
      4,
    );
    assert.deepEqual(t.take(), { 'slack:C1': [key(B), key(A)].sort(), 'teams:T1': [key(B), key(A)].sort() });
    await t.scan([A, B]);
    assert.equal((await t.run(two!)).delivered, 0, 'a later scan with the same problems');
  });

  it('a post that failed on one replica is tried again by the other; the channel that got it is not re-sent', async () => {
    const t = setup();
    await t.subscribe(SLACK);
    await t.subscribe(TEAMS);
    await t.scan([A]);
    t.failing.add('slack:C1');
    const first = await t.run(t.replicas[0]!);
    assert.equal(first.failed, 1);
    assert.deepEqual(t.take(), { 'teams:T1': [key(A)] });
    t.failing.clear();
    await t.scan([A]);
    assert.equal((await t.run(t.replicas[1]!)).failed, 0);
    assert.deepEqual(t.take(), { 'slack:C1': [key(A)] });
  });
});
