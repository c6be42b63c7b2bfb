import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import { ALERTS_FILE, channelKey, createAlertStore, MAX_SENT_KEYS } from '../../store/alerts.js';
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
    assert.deepEqual(await store.subscriptions(), []);
    await store.subscribe(sub('teams', '19:abc'));
    await store.subscribe(sub('slack', 'C123', { severity: 'High' }));
    // same id on another platform is another channel
    await store.subscribe(sub('slack', '19:abc'));
    await store.subscribe(sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }));
    assert.deepEqual(await store.subscriptions(), [
      sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }),
      sub('slack', 'C123', { severity: 'High' }),
      sub('slack', '19:abc'),
    ]);
    assert.equal(await store.unsubscribe({ kind: 'slack', id: 'C123' }), true);
    assert.equal(await store.unsubscribe({ kind: 'slack', id: 'C123' }), false);
    assert.deepEqual(
      (await store.subscriptions()).map((s) => `${s.channel.kind}:${s.channel.id}`),
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
    const [first] = await store.subscriptions();
    assert.ok(first);
    first.filters.vault = 'changed';
    assert.deepEqual((await store.subscriptions())[0]?.filters, {});
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

  it('claims each (key, channel) once, and survives a restart', async () => {
    const dir = await freshDir();
    const store = createAlertStore(dir);
    assert.deepEqual(await store.claim(pairs(['threshold:30d:a', 'critical:P005'], SLACK), T0), [
      { key: 'threshold:30d:a', channel: SLACK },
      { key: 'critical:P005', channel: SLACK },
    ]);
    assert.deepEqual(await store.claim(pairs(['threshold:30d:a', 'critical:P005'], SLACK), T0), []);
    assert.deepEqual(
      await store.claim(pairs(['threshold:30d:a'], TEAMS), T0),
      [{ key: 'threshold:30d:a', channel: TEAMS }],
      'another channel is another claim',
    );
    assert.deepEqual(await store.claim([], T0), []);
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

  it('claims a pair named twice in one call once', async () => {
    const store = createAlertStore(await freshDir());
    assert.deepEqual(
      await store.claim([...pairs(['k'], SLACK), ...pairs(['k'], SLACK)], T0),
      pairs(['k'], SLACK),
    );
  });

  it('releases a claim for its channel only, so it can be claimed again', async () => {
    const store = createAlertStore(await freshDir());
    await store.claim(pairs(['k1', 'k2'], SLACK), T0);
    await store.claim(pairs(['k1'], TEAMS), T0);
    await store.release(pairs(['k1'], SLACK));
    assert.deepEqual([...(await store.sentKeys())].sort(), ['k1', 'k2'], 'k1 is still claimed for Teams');
    assert.deepEqual(await store.claim([...pairs(['k1', 'k2'], SLACK), ...pairs(['k1'], TEAMS)], T0 + 1), [
      { key: 'k1', channel: SLACK },
    ]);
  });

  it('of two stores over one file claiming the same pairs at once, each pair goes to one of them', async () => {
    const dir = await freshDir();
    const a = createAlertStore(dir);
    const b = createAlertStore(dir);
    const wanted = [...pairs(['k1', 'k2', 'k3'], SLACK), ...pairs(['k1', 'k2', 'k3'], TEAMS)];
    const results = await Promise.all([
      a.claim(wanted, T0),
      b.claim(wanted, T0),
      a.claim(wanted, T0),
      b.claim(wanted, T0),
    ]);
    const all = results.flat().map((c) => `${c.channel} ${c.key}`);
    assert.equal(all.length, wanted.length, all.join(', '));
    assert.deepEqual(new Set(all).size, wanted.length);
  });

  it('reads a file written before claims were per channel: an old entry counts for every channel', async () => {
    const dir = await freshDir();
    const at = new Date(T0).toISOString();
    await writeFile(
      join(dir, ALERTS_FILE),
      JSON.stringify({
        kind: 'certify.alerts',
        version: 1,
        data: {
          subscriptions: [sub('slack', 'C1'), sub('teams', 'T1')],
          sent: [
            { key: 'threshold:30d:a', at },
            { key: 'critical:P005', at },
          ],
          acknowledged: [],
          snoozed: [],
        },
      }),
    );
    const store = createAlertStore(dir);
    assert.deepEqual([...(await store.sentKeys())].sort(), ['critical:P005', 'threshold:30d:a']);
    const claimed = await store.claim(
      [
        ...pairs(['threshold:30d:a', 'threshold:7d:a'], SLACK),
        ...pairs(['critical:P005', 'threshold:7d:a'], TEAMS),
      ],
      T0,
    );
    assert.deepEqual(claimed, [
      { key: 'threshold:7d:a', channel: SLACK },
      { key: 'threshold:7d:a', channel: TEAMS },
    ]);
    // Releasing a channel's claim does not forget what the old file says was sent to all.
    await store.release(pairs(['threshold:30d:a'], SLACK));
    assert.deepEqual(await store.claim(pairs(['threshold:30d:a'], SLACK), T0), []);
    // Cleared, the old entry goes: the problem alerts again on every channel if it comes back.
    await store.clear(['threshold:30d:a']);
    assert.deepEqual(
      await store.claim(pairs(['threshold:30d:a'], SLACK), T0),
      pairs(['threshold:30d:a'], SLACK),
    );
  });

  it('clears keys for every channel: claims, acknowledgements and snoozes', async () => {
    const store = createAlertStore(await freshDir());
    await store.claim(pairs(['a', 'b', 'c'], SLACK), T0);
    await store.claim(pairs(['a'], TEAMS), T0);
    await store.acknowledge('a', 'bob', T0);
    await store.snooze('b', 'bob', T0 + HOUR);
    await store.clear(['a', 'b']);
    assert.deepEqual([...(await store.sentKeys())], ['c']);
    assert.equal(await store.isSuppressed('a', T0), false);
    assert.equal(await store.isSuppressed('b', T0), false);
    assert.deepEqual(await store.claim(pairs(['a'], TEAMS), T0), pairs(['a'], TEAMS));
  });

  it('keeps at most maxSentKeys pairs, dropping the oldest', async () => {
    const store = createAlertStore(await freshDir(), { maxSentKeys: 3 });
    await store.claim(pairs(['k1', 'k2'], SLACK), T0);
    await store.claim(pairs(['k3'], SLACK), T0 + 1);
    await store.claim(pairs(['k3'], TEAMS), T0 + 2);
    assert.deepEqual([...(await store.sentKeys())], ['k2', 'k3'], 'k1 was the oldest pair');
    assert.deepEqual(await store.claim(pairs(['k1'], SLACK), T0 + 3), pairs(['k1'], SLACK));
    // A claim larger than the cap gets only what is kept: what it is not given stays claimable.
    assert.deepEqual(
      await store.claim(pairs(['x1', 'x2', 'x3', 'x4'], SLACK), T0 + 4),
      pairs(['x2', 'x3', 'x4'], SLACK),
    );
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

describe('alert store: suppression', () => {
  it('an acknowledged key stays suppressed until cleared', async () => {
    const store = createAlertStore(await freshDir());
    assert.equal(await store.isSuppressed('k', T0), false);
    await store.acknowledge('k', 'bob', T0);
    assert.equal(await store.isSuppressed('k', T0 + 1000 * HOUR), true);
    await store.clear(['k']);
    assert.equal(await store.isSuppressed('k', T0), false);
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
      assert.equal(await store.isSuppressed('k', t.now), t.suppressed);
      assert.equal(await store.isSuppressed('other', t.now), false);
    });
  }

  it('a new snooze replaces the previous one', async () => {
    const store = createAlertStore(await freshDir());
    await store.snooze('k', 'bob', T0 + 5 * HOUR);
    await store.snooze('k', 'bob', T0 + HOUR);
    assert.equal(await store.isSuppressed('k', T0 + 2 * HOUR), false);
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
    assert.deepEqual(await createAlertStore(dir).group(id), keys);
    assert.equal(await store.group('g-0000000000000000'), null);
  });
});
