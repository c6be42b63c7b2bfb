/**
 * Proactive alerts end to end with the real modules: stores in a temporary directory, the demo
 * tenant frozen at one date (so later scans see its assets age across thresholds), the core's
 * subscribe / alert.ack, runAlerts and a playground notifier that records what it was given.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { runAlerts } from '../../bot/alerts/deliver.js';
import { createBotCore } from '../../bot/core.js';
import type { AlertView, MessageView, View } from '../../cards/views.js';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import type { Source } from '../../scanner/sources/types.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { createAlertStore, type AlertStore } from '../../store/alerts.js';

const NOW0 = Date.parse('2026-11-01T06:00:00Z');
const DAY = 86_400_000;
const NOW1 = NOW0 + 40 * DAY;
const USER = { id: 'u1', name: 'Ana' };
const CHANNEL = { kind: 'playground', id: 'playground' } as const;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The demo tenant as it was at NOW0, whenever it is scanned. */
function frozenDemo(): Source {
  const demo = demoSource({ profile: 'showcase', size: 200 });
  return { id: 'demo', collect: (ctx) => demo.collect({ ...ctx, now: NOW0 }) };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'certify-alerts-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  const alerts = createAlertStore(dir);
  const source = frozenDemo();
  let now = NOW0;
  const core = createBotCore({ ports, source, clock: () => now, alerts });
  const pushed: View[] = [];
  const logs: string[] = [];
  const run = (at: number) =>
    runAlerts({
      ports,
      alerts,
      notifiers: { playground: { push: (v) => void pushed.push(v) } },
      now: at,
      log: (event) => void logs.push(event),
    });
  const scanAt = async (at: number) => {
    now = at;
    await scan(ports, source, { now: at, save: true, audit: null });
  };
  return { dir, ports, alerts, core, pushed, run, scanAt, setNow: (t: number) => (now = t) };
}

function alertsOf(views: View[]): AlertView[] {
  return views.map((v) => {
    assert.equal(v.kind, 'alert');
    return v as AlertView;
  });
}

/** The keys an alert's Acknowledge button stands for: listed, or saved as a group. */
async function keysOf(view: AlertView, alerts: AlertStore): Promise<string[]> {
  const ack = view.actions.find((a) => a.verb === 'alert.ack');
  assert.ok(ack, 'an Acknowledge button');
  if (ack.data.group) return (await alerts.group(ack.data.group)) ?? [];
  return (ack.data.keys ?? '').split(',');
}

describe('alerts flow', () => {
  it('subscribe, a first run delivers, an identical second run delivers nothing, ack re-renders', async () => {
    const t = setup();
    const sub = (await t.core.answer('subscribe', USER, CHANNEL)) as MessageView;
    assert.equal(sub.kind, 'message');
    assert.equal(sub.tone, 'good');
    assert.match(sub.text, /30 days, 7 days or expiry/);

    await t.scanAt(NOW0);
    await t.run(NOW0);
    t.pushed.length = 0; // the first scan alerts on everything failing; start from the aged one

    await t.scanAt(NOW1);
    const first = await t.run(NOW1);
    assert.ok(first.fresh > 0, 'assets crossed a threshold after 40 days');
    const views = alertsOf(t.pushed);
    assert.ok(views.length > 0);
    for (const v of views) {
      assert.ok(['attention', 'warning'].includes(v.tone));
      assert.equal(v.state, null);
      assert.deepEqual(
        v.actions.map((a) => a.verb),
        ['alert.ack', 'alert.snooze', 'score.show'],
      );
    }

    t.pushed.length = 0;
    const again = await t.run(NOW1);
    assert.equal(again.fresh, 0);
    assert.deepEqual(t.pushed, [], 'one alert per asset per threshold');
    await t.scanAt(NOW1);
    await t.run(NOW1);
    assert.deepEqual(t.pushed, [], 'an identical scan sends nothing');

    const target = views[0]!;
    const keys = await keysOf(target, t.alerts);
    t.setNow(NOW1 + 1000);
    const acked = await t.core.act('alert.ack', { keys: keys.join(',') }, USER, CHANNEL);
    assert.equal(acked.kind, 'alert');
    const ackView = acked as AlertView;
    assert.equal(ackView.state?.kind, 'acknowledged');
    assert.equal(ackView.state?.by, 'Ana');
    assert.equal(ackView.title, target.title);
    for (const k of keys) assert.ok(await t.alerts.isSuppressed(k, NOW1 + 2000));

    const snoozed = (await t.core.act('alert.snooze', { keys: keys.join(',') }, USER, CHANNEL)) as AlertView;
    assert.equal(snoozed.state?.kind, 'snoozed');
    assert.equal(Date.parse(snoozed.state?.until ?? ''), NOW1 + 1000 + 7 * DAY);
  });

  it('a digest too large for a button carries a saved group, and Acknowledge through it covers every key', async () => {
    const t = setup();
    await t.core.answer('subscribe', USER, CHANNEL);
    await t.scanAt(NOW0);
    await t.run(NOW0); // the first scan: everything failing, as one digest
    const digest = alertsOf(t.pushed).find((v) => v.items.length + v.moreItems > 20);
    assert.ok(digest, 'a large digest');
    const ack = digest.actions.find((a) => a.verb === 'alert.ack')!;
    assert.ok(ack.data.group, 'the button names a group');
    assert.equal(ack.data.keys, undefined);
    assert.ok(JSON.stringify(ack.data).length < 2000, 'fits a Slack button value');
    const keys = (await t.alerts.group(ack.data.group))!;
    assert.ok(keys.length > 20);

    const acked = (await t.core.act('alert.ack', ack.data, USER, CHANNEL)) as AlertView;
    assert.equal(acked.state?.kind, 'acknowledged');
    for (const key of keys) assert.ok(await t.alerts.isSuppressed(key, NOW0 + 1), key);
  });

  it('filters restrict what a channel gets', async () => {
    const t = setup();
    const bad = (await t.core.answer(
      'subscribe severity=urgent framework=nope',
      USER,
      CHANNEL,
    )) as MessageView;
    assert.equal(bad.tone, 'attention');
    assert.match(bad.text, /severity/);
    assert.equal((await t.alerts.subscriptions()).length, 0, 'an invalid subscription is not saved');

    // No filter: everything open.
    await t.core.answer('subscribe', USER, CHANNEL);
    await t.scanAt(NOW0);
    await t.scanAt(NOW1);
    await t.run(NOW1);
    const total = (views: View[]) => alertsOf(views).reduce((n, v) => n + v.items.length + v.moreItems, 0);
    const everything = total(t.pushed);
    assert.ok(everything > 0, 'the unfiltered channel gets alerts');

    // Severity=Critical alone: only expired (Critical rules) and critical-rule items.
    const t2 = setup();
    await t2.core.answer('subscribe severity=Critical', USER, CHANNEL);
    await t2.scanAt(NOW0);
    await t2.scanAt(NOW1);
    await t2.run(NOW1);
    const critical = alertsOf(t2.pushed).flatMap((v) => v.items);
    assert.ok(critical.length > 0);
    assert.ok(total(t2.pushed) < everything, 'fewer alerts for Critical only');
    for (const item of critical)
      assert.ok(['expired', 'critical-rule', 'score-drop'].includes(item.kind), item.kind);

    const t3 = setup();
    await t3.core.answer('subscribe vault=no-such-vault severity=High', USER, CHANNEL);
    await t3.scanAt(NOW0);
    await t3.scanAt(NOW1);
    await t3.run(NOW1);
    const none = alertsOf(t3.pushed).flatMap((v) => v.items);
    assert.ok(
      none.every((i) => !['expired', '7d', '30d'].includes(i.kind)),
      'no threshold alert of other vaults',
    );
  });

  it('subscriptions survive a new store instance; unsubscribe and alerts answer', async () => {
    const t = setup();
    await t.core.answer('subscribe vault=kv-prod framework=pci', USER, CHANNEL);
    const reopened = createAlertStore(t.dir);
    const subs = await reopened.subscriptions();
    assert.equal(subs.length, 1);
    assert.deepEqual(subs[0]!.channel, CHANNEL);
    assert.equal(subs[0]!.filters.vault, 'kv-prod');
    assert.equal(subs[0]!.filters.framework, 'pci');

    const core2 = createBotCore({
      ports: t.ports,
      source: frozenDemo(),
      clock: () => NOW0,
      alerts: reopened,
    });
    const listed = (await core2.answer('alerts', USER, CHANNEL)) as MessageView;
    assert.equal(listed.title, 'Alerts for this channel');
    assert.match(listed.text, /kv-prod/);
    const off = (await core2.answer('unsubscribe', USER, CHANNEL)) as MessageView;
    assert.equal(off.title, 'Alerts off for this channel');
    assert.equal((await createAlertStore(t.dir).subscriptions()).length, 0);
  });

  it('without an alert store the commands say alerts are off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-alerts-'));
    dirs.push(dir);
    const core = createBotCore({ ports: openPorts(dir, 50), source: frozenDemo(), clock: () => NOW0 });
    const view = (await core.answer('subscribe', USER, CHANNEL)) as MessageView;
    assert.equal(view.tone, 'attention');
    assert.match(view.text, /not set up/);
  });
});
