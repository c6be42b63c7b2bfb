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
import type { AlertStore } from '../../store/alerts.js';
import { createPgAlertStore } from '../../store/pg/alerts.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { A, alertLedger, B, key, SLACK, TEAMS } from './alerts-ledger-harness.js';

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
  await db.pool.query(
    'TRUNCATE alert_subscriptions, alert_claims, alert_suppressions, alert_groups, alert_resolutions, alert_posts',
  );
});

/** Two replicas: each its own pool on the one database; subscriptions go through the first. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certify-alert-ledger-pg-'));
  dirs.push(dir);
  const replicas: AlertStore[] = [createPgAlertStore(db.pool), createPgAlertStore(replica)];
  return { replicas, ...alertLedger(dir, replicas[0]!) };
}

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
