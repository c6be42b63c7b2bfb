import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import { ALERTS_FILE, createAlertStore, MAX_SENT_KEYS } from '../../store/alerts.js';
import type { AlertSubscription } from '../../store/alerts.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certify-alerts-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const HOUR = 3_600_000;

function sub(
  kind: AlertSubscription['channel']['kind'],
  id: string,
  filters: AlertSubscription['filters'] = {},
): AlertSubscription {
  return {
    channel: { kind, id },
    filters,
    createdBy: 'alice@contoso.com',
    createdAt: new Date(T0).toISOString(),
  };
}

describe('alert store: subscriptions', () => {
  it('subscribes, replaces the same channel, unsubscribes', async () => {
    const store = createAlertStore(await freshDir());
    assert.deepEqual(store.subscriptions(), []);
    await store.subscribe(sub('teams', '19:abc'));
    await store.subscribe(sub('slack', 'C123', { severity: 'High' }));
    // same id on another platform is another channel
    await store.subscribe(sub('slack', '19:abc'));
    await store.subscribe(sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }));
    assert.deepEqual(store.subscriptions(), [
      sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }),
      sub('slack', 'C123', { severity: 'High' }),
      sub('slack', '19:abc'),
    ]);
    assert.equal(await store.unsubscribe({ kind: 'slack', id: 'C123' }), true);
    assert.equal(await store.unsubscribe({ kind: 'slack', id: 'C123' }), false);
    assert.deepEqual(
      store.subscriptions().map((s) => `${s.channel.kind}:${s.channel.id}`),
      ['teams:19:abc', 'slack:19:abc'],
    );
  });

  it('refuses an invalid subscription without writing', async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    const bad = { ...sub('teams', 'x'), channel: { kind: 'email', id: 'x' } } as unknown as AlertSubscription;
    await assert.rejects(store.subscribe(bad), /channel\.kind/);
    await assert.rejects(readFile(join(dir, ALERTS_FILE)), { code: 'ENOENT' });
  });

  it('returns copies', async () => {
    const store = createAlertStore(await freshDir());
    await store.subscribe(sub('playground', 'p'));
    const [first] = store.subscriptions();
    assert.ok(first);
    first.filters.vault = 'changed';
    assert.deepEqual(store.subscriptions()[0]?.filters, {});
  });
});

describe('alert store: sent keys', () => {
  it('marks keys sent and survives a restart', async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    await store.markSent(['threshold:30d:a', 'critical:P005'], T0);
    await store.subscribe(sub('teams', 't'));
    await store.acknowledge('critical:P005', 'bob', T0);
    await store.snooze('threshold:30d:a', 'bob', T0 + HOUR);
    const again = createAlertStore(dir);
    assert.deepEqual([...again.sentKeys()].sort(), ['critical:P005', 'threshold:30d:a']);
    assert.equal(again.subscriptions().length, 1);
    assert.equal(again.isSuppressed('critical:P005', T0), true);
    assert.equal(again.isSuppressed('threshold:30d:a', T0), true);
    const stored = JSON.parse(await readFile(join(dir, ALERTS_FILE), 'utf8')) as {
      kind: string;
      version: number;
    };
    assert.equal(stored.kind, 'certify.alerts');
    assert.equal(stored.version, 1);
  });

  it('clears keys: sent, acknowledged and snoozed', async () => {
    const store = createAlertStore(await freshDir());
    await store.markSent(['a', 'b', 'c'], T0);
    await store.acknowledge('a', 'bob', T0);
    await store.snooze('b', 'bob', T0 + HOUR);
    await store.clear(['a', 'b']);
    assert.deepEqual([...store.sentKeys()], ['c']);
    assert.equal(store.isSuppressed('a', T0), false);
    assert.equal(store.isSuppressed('b', T0), false);
  });

  it('keeps at most maxSentKeys, dropping the oldest', async () => {
    const store = createAlertStore(await freshDir(), { maxSentKeys: 3 });
    await store.markSent(['k1', 'k2'], T0);
    await store.markSent(['k3'], T0 + 1);
    await store.markSent(['k1'], T0 + 2); // sent again: now the newest
    await store.markSent(['k4'], T0 + 3);
    assert.deepEqual([...store.sentKeys()], ['k3', 'k1', 'k4']);
  });

  it(`keeps at most ${MAX_SENT_KEYS} keys by default`, async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    const keys = Array.from({ length: MAX_SENT_KEYS + 2 }, (_, i) => `threshold:30d:asset-${i}`);
    await store.markSent(keys, T0);
    const sent = createAlertStore(dir).sentKeys();
    assert.equal(sent.size, MAX_SENT_KEYS);
    assert.equal(sent.has('threshold:30d:asset-0'), false);
    assert.equal(sent.has('threshold:30d:asset-1'), false);
    assert.equal(sent.has(`threshold:30d:asset-${MAX_SENT_KEYS + 1}`), true);
  });
});

describe('alert store: suppression', () => {
  it('an acknowledged key stays suppressed until cleared', async () => {
    const store = createAlertStore(await freshDir());
    assert.equal(store.isSuppressed('k', T0), false);
    await store.acknowledge('k', 'bob', T0);
    assert.equal(store.isSuppressed('k', T0 + 1000 * HOUR), true);
    await store.clear(['k']);
    assert.equal(store.isSuppressed('k', T0), false);
  });

  const table: { name: string; now: number; suppressed: boolean }[] = [
    { name: 'before until', now: T0 + HOUR - 1, suppressed: true },
    { name: 'at until', now: T0 + HOUR, suppressed: false },
    { name: 'after until', now: T0 + 2 * HOUR, suppressed: false },
  ];
  for (const t of table) {
    it(`a snoozed key: ${t.name} → ${t.suppressed ? 'suppressed' : 'alerts'}`, async () => {
      const store = createAlertStore(await freshDir());
      await store.snooze('k', 'bob', T0 + HOUR);
      assert.equal(store.isSuppressed('k', t.now), t.suppressed);
      assert.equal(store.isSuppressed('other', t.now), false);
    });
  }

  it('a new snooze replaces the previous one', async () => {
    const store = createAlertStore(await freshDir());
    await store.snooze('k', 'bob', T0 + 5 * HOUR);
    await store.snooze('k', 'bob', T0 + HOUR);
    assert.equal(store.isSuppressed('k', T0 + 2 * HOUR), false);
  });
});

describe('alert store: corrupt file', () => {
  const cases: { name: string; text: string }[] = [
    { name: 'invalid JSON', text: '{ "kind": "certify.alerts", ' },
    { name: 'another kind', text: JSON.stringify({ kind: 'certify.scans', version: 1, data: {} }) },
    {
      name: 'bad data',
      text: JSON.stringify({
        kind: 'certify.alerts',
        version: 1,
        data: { subscriptions: [], sent: [{ key: 1 }], acknowledged: [], snoozed: [] },
      }),
    },
  ];
  for (const c of cases) {
    it(`${c.name}: STORE_CORRUPT, file untouched`, async () => {
      const dir = await freshDir();
      const path = join(dir, ALERTS_FILE);
      await writeFile(path, c.text);
      const store = createAlertStore(dir);
      const corrupt = (error: unknown) => error instanceof CertifyError && error.code === 'STORE_CORRUPT';
      assert.throws(() => store.sentKeys(), corrupt);
      assert.throws(() => store.subscriptions(), corrupt);
      await assert.rejects(store.markSent(['k'], T0), corrupt);
      await assert.rejects(store.subscribe(sub('teams', 't')), corrupt);
      assert.equal(await readFile(path, 'utf8'), c.text);
    });
  }
});

describe('alert store key groups', () => {
  it('saves a group under a stable id, survives a restart, and answers null for an unknown id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'certify-alert-groups-'));
    const store = createAlertStore(dir);
    const keys = Array.from(
      { length: 300 },
      (_, i) => `threshold:expired:https://kv.vault.azure.net/secrets/s${i}`,
    );
    const id = await store.saveGroup(keys, Date.parse('2026-11-23T06:00:00Z'));
    assert.match(id, /^g-[0-9a-f]{16}$/);
    assert.equal(await store.saveGroup(keys, Date.parse('2026-11-23T07:00:00Z')), id, 'same keys, same id');
    assert.deepEqual(createAlertStore(dir).group(id), keys);
    assert.equal(store.group('g-0000000000000000'), null);
  });
});
