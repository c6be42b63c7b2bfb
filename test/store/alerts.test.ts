/**
 * What only the embedded alert store has: its file (format, restart, corrupt or hand-edited
 * content) and its default cap. The behaviour it shares with PostgreSQL, legacy claims included,
 * is in test/store/contract/alerts.contract.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import { ALERTS_FILE, channelKey, createAlertStore, MAX_SENT_KEYS } from '../../store/alerts.js';
import type { AlertSubscription } from '../../store/alerts.js';
import { ALERTS_T0 as T0, subscription as sub } from '../support/store-fixtures.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certify-alerts-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const HOUR = 3_600_000;

describe('alert store: subscriptions', () => {
  it('refuses an invalid subscription without writing the file', async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    const bad = { ...sub('teams', 'x'), channel: { kind: 'email', id: 'x' } } as unknown as AlertSubscription;
    await assert.rejects(store.subscribe(bad), /channel\.kind/);
    await assert.rejects(readFile(join(dir, ALERTS_FILE)), { code: 'ENOENT' });
  });
});

const SLACK = 'slack:C1';
const TEAMS = 'teams:T1';
const pairs = (keys: readonly string[], channel: string) => keys.map((key) => ({ key, channel }));

describe('alert store: the ledger of claims', () => {
  it('channelKey names a channel by kind and id', () => {
    assert.equal(channelKey({ kind: 'slack', id: 'C123' }), 'slack:C123');
    assert.equal(channelKey({ kind: 'teams', id: '19:abc' }), 'teams:19:abc');
  });

  it('keeps claims, subscriptions and suppressions in a certify.alerts v1 file, across a restart', async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    await store.claim(pairs(['threshold:30d:a', 'critical:P005'], SLACK), T0);
    await store.claim(pairs(['threshold:30d:a'], TEAMS), T0);
    await store.subscribe(sub('teams', 't'));
    await store.acknowledge('critical:P005', 'bob', T0);
    await store.snooze('threshold:30d:a', 'bob', T0 + HOUR);
    const again = createAlertStore(dir);
    assert.deepEqual([...(await again.sentKeys())].sort(), ['critical:P005', 'threshold:30d:a']);
    assert.deepEqual(await again.claim(pairs(['critical:P005'], TEAMS), T0), [
      { key: 'critical:P005', channel: TEAMS },
    ]);
    assert.equal((await again.subscriptions()).length, 1);
    assert.equal(await again.isSuppressed('critical:P005', T0), true);
    assert.equal(await again.isSuppressed('threshold:30d:a', T0), true);
    const stored = JSON.parse(await readFile(join(dir, ALERTS_FILE), 'utf8')) as {
      kind: string;
      version: number;
    };
    assert.equal(stored.kind, 'certify.alerts');
    assert.equal(stored.version, 1);
  });

  it(`keeps at most ${MAX_SENT_KEYS} pairs by default`, async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    const keys = Array.from({ length: MAX_SENT_KEYS + 2 }, (_, i) => `threshold:30d:asset-${i}`);
    await store.claim(pairs(keys, SLACK), T0);
    const sent = await createAlertStore(dir).sentKeys();
    assert.equal(sent.size, MAX_SENT_KEYS);
    assert.equal(sent.has('threshold:30d:asset-0'), false);
    assert.equal(sent.has('threshold:30d:asset-1'), false);
    assert.equal(sent.has(`threshold:30d:asset-${MAX_SENT_KEYS + 1}`), true);
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
    {
      name: 'a claim with a bad channel',
      text: JSON.stringify({
        kind: 'certify.alerts',
        version: 1,
        data: {
          subscriptions: [],
          sent: [{ key: 'k', channel: 7, at: '2025-03-01T09:00:00.000Z' }],
          acknowledged: [],
          snoozed: [],
        },
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
      await assert.rejects(store.sentKeys(), corrupt);
      await assert.rejects(store.subscriptions(), corrupt);
      await assert.rejects(store.claim([{ key: 'k', channel: 'slack:C1' }], T0), corrupt);
      await assert.rejects(store.release([{ key: 'k', channel: 'slack:C1' }]), corrupt);
      await assert.rejects(store.subscribe(sub('teams', 't')), corrupt);
      assert.equal(await readFile(path, 'utf8'), c.text);
    });
  }
});
