/**
 * Key Vault events → alert decisions (bot/alerts/events.ts): the threshold and rule each event
 * stands for (the same key a scan gives the asset), what a new version resolves, and the ordering
 * rule that keeps an event delivered out of order from reopening a resolved alert.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { filterFor, keyOf } from '../../bot/alerts/diff.js';
import {
  decideEvents,
  expiryRuleOf,
  isStale,
  keysToClear,
  thresholdOf,
  type KnownResolution,
} from '../../bot/alerts/events.js';
import type { KeyVaultEvent, KeyVaultEventType } from '../../bot/eventgrid/types.js';
import { DEFAULT_PARAMETERS } from '../../scanner/rules/parameters.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const DAY = 86_400_000;
const SECRET = 'https://kv-prod.vault.azure.net/secrets/db-password';
const CERT = 'https://kv-prod.vault.azure.net/certificates/web';
const KEY = 'https://kv-dev.vault.azure.net/keys/signing';

function event(type: KeyVaultEventType, overrides: Partial<KeyVaultEvent> = {}): KeyVaultEvent {
  const objectType = type.startsWith('Secret')
    ? 'Secret'
    : type.startsWith('Key')
      ? 'Key'
      : type.startsWith('Certificate')
        ? 'Certificate'
        : 'Vault';
  const assetId =
    objectType === 'Secret'
      ? SECRET
      : objectType === 'Key'
        ? KEY
        : objectType === 'Certificate'
          ? CERT
          : null;
  return {
    id: `${type}-${overrides.time ?? 'now'}-${overrides.version ?? 'v1'}`,
    type,
    time: new Date(NOW - 60_000).toISOString(),
    vault: assetId === null ? 'kv-prod' : (new URL(assetId).hostname.split('.')[0] as string),
    objectType,
    objectName: assetId === null ? null : (assetId.split('/').pop() as string),
    version: 'v1',
    nbf: null,
    exp: Math.floor((NOW + 20 * DAY) / 1000),
    assetId,
    ...overrides,
  };
}

const none = new Map<string, KnownResolution>();
const decide = (events: KeyVaultEvent[], resolutions = none) =>
  decideEvents(events, { now: NOW, resolutions });

describe('thresholdOf and expiryRuleOf', () => {
  const cases: { name: string; type: KeyVaultEventType; exp: number | null; want: string | null }[] = [
    { name: 'NearExpiry 20 days out → 30d', type: 'SecretNearExpiry', exp: NOW + 20 * DAY, want: '30d' },
    { name: 'NearExpiry 7 days out → 7d', type: 'SecretNearExpiry', exp: NOW + 7 * DAY, want: '7d' },
    { name: 'NearExpiry 2 days out → 7d', type: 'KeyNearExpiry', exp: NOW + 2 * DAY, want: '7d' },
    {
      name: 'NearExpiry already past → expired',
      type: 'CertificateNearExpiry',
      exp: NOW - 1000,
      want: 'expired',
    },
    { name: 'NearExpiry without EXP → 30d', type: 'SecretNearExpiry', exp: null, want: '30d' },
    {
      name: 'Expired → expired whatever EXP says',
      type: 'SecretExpired',
      exp: NOW + 20 * DAY,
      want: 'expired',
    },
    { name: 'NewVersionCreated → none', type: 'SecretNewVersionCreated', exp: NOW + 20 * DAY, want: null },
    { name: 'VaultAccessPolicyChanged → none', type: 'VaultAccessPolicyChanged', exp: null, want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const exp = c.exp === null ? null : Math.floor(c.exp / 1000);
      assert.equal(thresholdOf({ type: c.type, exp }, NOW), c.want);
    });
  }

  it('follows the organisation’s expiringCriticalDays', () => {
    const event = { type: 'SecretNearExpiry' as const, exp: Math.floor((NOW + 10 * DAY) / 1000) };
    assert.equal(thresholdOf(event, NOW), '30d');
    assert.equal(thresholdOf(event, NOW, { ...DEFAULT_PARAMETERS, expiringCriticalDays: 14 }), '7d');
  });

  it('gives the scans’ expiry rule per kind of asset and threshold', () => {
    assert.equal(expiryRuleOf('Secret', '30d'), 'P003');
    assert.equal(expiryRuleOf('Secret', '7d'), 'P002');
    assert.equal(expiryRuleOf('Secret', 'expired'), 'P007');
    assert.equal(expiryRuleOf('Certificate', '30d'), 'C003');
    assert.equal(expiryRuleOf('Key', 'expired'), 'K005');
    assert.equal(expiryRuleOf('Vault', '30d'), null);
  });
});

describe('decideEvents', () => {
  it('NearExpiry → the 30d alert with the scan’s key, rule and vault', () => {
    const d = decide([event('SecretNearExpiry')]);
    assert.deepEqual(d.alerts, [
      { kind: 'threshold', threshold: '30d', assetId: SECRET, ruleId: 'P003', vault: 'kv-prod' },
    ]);
    assert.equal(keyOf(d.alerts[0]!), `threshold:30d:${SECRET}`);
    assert.equal(d.raisedAt, NOW - 60_000);
    assert.deepEqual(d.resolves, []);
  });

  it('each kind and threshold once, most urgent first', () => {
    const d = decide([
      event('SecretNearExpiry'),
      event('SecretNearExpiry', { id: 'again' }),
      event('KeyExpired'),
      event('CertificateNearExpiry', { exp: Math.floor((NOW + 3 * DAY) / 1000) }),
    ]);
    assert.deepEqual(
      d.alerts.map((a) => `${a.threshold} ${a.ruleId} ${a.vault}`),
      ['expired K005 kv-dev', '7d C002 kv-prod', '30d P003 kv-prod'],
    );
  });

  it('NewVersionCreated → a resolve at its time; VaultAccessPolicyChanged → its vault once', () => {
    const d = decide([
      event('SecretNewVersionCreated', { version: 'v2', time: new Date(NOW).toISOString() }),
      event('VaultAccessPolicyChanged', { vault: 'KV-Prod' }),
      event('VaultAccessPolicyChanged', { id: 'second' }),
    ]);
    assert.deepEqual(d.resolves, [{ assetId: SECRET, version: 'v2', at: NOW }]);
    assert.deepEqual(d.vaults, ['kv-prod']);
    assert.deepEqual(d.alerts, []);
    assert.equal(d.raisedAt, null);
  });

  it('ignores, with a reason, events it cannot place', () => {
    const d = decide([
      event('SecretNearExpiry', { assetId: null }),
      event('SecretNearExpiry', { id: 'bad-time', time: 'yesterday' }),
      event('SecretNewVersionCreated', { assetId: null }),
    ]);
    assert.deepEqual(d.alerts, []);
    assert.deepEqual(d.resolves, []);
    assert.equal(d.ignored.length, 3);
  });

  describe('ordering', () => {
    const t = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

    it('a NearExpiry older than a recorded new version does not reopen', () => {
      const recorded = new Map([[SECRET, { version: 'v2', at: NOW }]]);
      const d = decide([event('SecretNearExpiry', { version: 'v1', time: t(-5) })], recorded);
      assert.deepEqual(d.alerts, []);
      assert.match(d.ignored[0]!.reason, /newer version/);
    });

    it('a NearExpiry older than a new version in the same batch does not alert, whatever the order', () => {
      const d = decide([
        event('SecretNewVersionCreated', { version: 'v2', time: t(0) }),
        event('SecretNearExpiry', { version: 'v1', time: t(-5) }),
      ]);
      assert.deepEqual(d.alerts, []);
      assert.deepEqual(d.resolves, [{ assetId: SECRET, version: 'v2', at: NOW }]);
    });

    it('a NearExpiry at the same time as the new version, about another version, is stale', () => {
      assert.equal(isStale(NOW, 'v1', { version: 'v2', at: NOW }), true);
      assert.equal(isStale(NOW, null, { version: 'v2', at: NOW }), true);
    });

    it('a NearExpiry about the new version itself, or raised after it, alerts', () => {
      const recorded = new Map([[SECRET, { version: 'v2', at: NOW }]]);
      assert.equal(
        decide([event('SecretNearExpiry', { version: 'v2', time: t(-5) })], recorded).alerts.length,
        1,
      );
      assert.equal(
        decide([event('SecretNearExpiry', { version: 'v3', time: t(5) })], recorded).alerts.length,
        1,
      );
    });

    it('an older, equal or same-version NewVersionCreated resolves nothing again', () => {
      const recorded = new Map([[SECRET, { version: 'v2', at: NOW }]]);
      for (const e of [
        event('SecretNewVersionCreated', { version: 'v1', time: t(-5) }),
        event('SecretNewVersionCreated', { version: 'v9', time: t(0) }),
        event('SecretNewVersionCreated', { version: 'v2', time: t(5) }),
      ]) {
        const d = decide([e], recorded);
        assert.deepEqual(d.resolves, [], e.id);
        assert.equal(d.ignored.length, 1);
      }
      assert.equal(
        decide([event('SecretNewVersionCreated', { version: 'v3', time: t(5) })], recorded).resolves.length,
        1,
      );
    });

    it('of two new versions in one batch the newest is the resolve', () => {
      const d = decide([
        event('SecretNewVersionCreated', { version: 'v3', time: t(5) }),
        event('SecretNewVersionCreated', { version: 'v2', time: t(1) }),
      ]);
      assert.deepEqual(d.resolves, [{ assetId: SECRET, version: 'v3', at: NOW + 5 * 60_000 }]);
    });
  });
});

describe('keysToClear', () => {
  it('clears the asset’s keys claimed before the new version, keeps those claimed at or after', () => {
    const claimed = new Map([
      [`threshold:30d:${SECRET}`, NOW - DAY],
      [`threshold:7d:${SECRET}`, NOW],
      [`threshold:expired:${SECRET}`, NOW + 1],
      [`threshold:30d:${CERT}`, NOW - DAY],
    ]);
    assert.deepEqual(keysToClear([{ assetId: SECRET, version: 'v2', at: NOW }], claimed), [
      `threshold:30d:${SECRET}`,
    ]);
  });
});

describe('filters on event alerts', () => {
  const scan = {
    rules: [
      { id: 'P003', severity: 'Medium' },
      { id: 'K005', severity: 'High' },
    ],
    frameworks: [{ id: 'cis', controls: [{ rules: ['K005'] }] }],
  } as unknown as Parameters<typeof filterFor>[2];
  const alerts = decide([event('SecretNearExpiry'), event('KeyExpired')]).alerts;
  const cases: { name: string; filters: Parameters<typeof filterFor>[1]; want: string[] }[] = [
    { name: 'none', filters: {}, want: ['K005', 'P003'] },
    { name: 'vault kv-prod', filters: { vault: 'KV-PROD' }, want: ['P003'] },
    { name: 'severity High', filters: { severity: 'High' }, want: ['K005'] },
    { name: 'framework cis', filters: { framework: 'cis' }, want: ['K005'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(
        filterFor(alerts, c.filters, scan).map((e) => (e.kind === 'threshold' ? e.ruleId : '')),
        c.want,
      );
    });
  }
});
