/**
 * What the alert ledger tests share, whichever alert store they run on: hand-made scans (so what
 * is open is exact) saved to an embedded data dir, and notifiers that record which keys each
 * channel was given, or fail on demand.
 */
import assert from 'node:assert/strict';
import { openPorts } from '../../app/ports.js';
import { runAlerts, type AlertNotifiers } from '../../bot/alerts/deliver.js';
import type { AlertView, View } from '../../cards/views.js';
import { SCAN_SCHEMA, type RuleResult, type ScanResult } from '../../scanner/scan.js';
import { summarize } from '../../scanner/summary.js';
import type { AlertChannel, AlertStore } from '../../store/alerts.js';

export const NOW = Date.parse('2026-11-01T06:00:00Z');
export const A = 'https://kv-prod.vault.azure.net/secrets/db-password';
export const B = 'https://kv-prod.vault.azure.net/secrets/api-key';
export const SLACK: AlertChannel = { kind: 'slack', id: 'C1' };
export const TEAMS: AlertChannel = { kind: 'teams', id: 'T1' };

/** The ledger key of the 30-day threshold alert on `asset`. */
export const key = (asset: string) => `threshold:30d:${asset}`;

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

/** Scans saved in `dir`; alerts run against `alerts` unless a run names another store (a replica). */
export function alertLedger(dir: string, alerts: AlertStore) {
  const ports = openPorts(dir, 50);
  /** `kind:id` → the keys of every card that channel was given, in order. */
  const got = new Map<string, string[]>();
  /** Channels (`kind:id`) whose posts fail. */
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
  return {
    failing,
    subscribe: (channel: AlertChannel, store: AlertStore = alerts) =>
      store.subscribe({ channel, filters: {}, createdBy: 'u1', createdAt: new Date(NOW).toISOString() }),
    /** Saves the next scan, with `expiring` failing the 30-day threshold. */
    scan: async (expiring: string[]) => {
      scans += 1;
      const result = scanWith(`scan-${scans}`, expiring);
      await ports.scans.save(result, summarize(result));
    },
    run: (store: AlertStore = alerts, scanPorts = ports) =>
      runAlerts({ ports: scanPorts, alerts: store, notifiers, now: NOW, log: () => undefined }),
    /** What each channel got since the last call, sorted. */
    take: () => {
      const out = Object.fromEntries([...got].map(([k, v]) => [k, [...v].sort()]));
      got.clear();
      return out;
    },
  };
}
