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
import { openPorts } from '../../app/ports.js';
import { createAlertStore } from '../../store/alerts.js';
import { A, alertLedger, B, key, SLACK, TEAMS } from './alerts-ledger-harness.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certify-alert-ledger-'));
  dirs.push(dir);
  return { dir, ...alertLedger(dir, createAlertStore(dir)) };
}

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
