/**
 * The AlertStore contract, over the embedded store and PostgreSQL: what scheduled alerts rely on
 * whichever store they run on, with two handles on one store (two replicas running alerts): each
 * (key, channel) claimed once, subscriptions in their order, suppression and its end.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import {
  ALERTS_FILE,
  createAlertStore,
  type AlertStore,
  type AlertStoreOptions,
  type AlertSubscription,
} from '../../../store/alerts.js';
import { createPgAlertStore } from '../../../store/pg/alerts.js';
import { ALERTS_T0 as T0, subscription as sub } from '../../support/store-fixtures.js';
import { byKind, STORE_KINDS, type Replica } from './harness.js';

const open = byKind({
  embedded: (dir, options: AlertStoreOptions = {}) => createAlertStore(dir, options),
  postgres: (pool, options: AlertStoreOptions = {}) => createPgAlertStore(pool, options),
});

/** What a data dir written before claims were per channel left: keys sent once for every channel. */
async function withLegacySent(b: Replica, keys: readonly string[], at: number): Promise<void> {
  const stamp = new Date(at).toISOString();
  if (b.kind === 'embedded') {
    await writeFile(
      join(b.dir, ALERTS_FILE),
      JSON.stringify({
        kind: 'certify.alerts',
        version: 1,
        data: {
          subscriptions: [],
          sent: keys.map((key) => ({ key, at: stamp })),
          acknowledged: [],
          snoozed: [],
        },
      }),
    );
  } else {
    for (const key of keys)
      await b.pool.query(`INSERT INTO alert_claims (key, channel, at) VALUES ($1, '', $2)`, [key, stamp]);
  }
}

const HOUR = 3_600_000;
const SLACK = 'slack:C1';
const TEAMS = 'teams:T1';
const pairs = (keys: readonly string[], channel: string) => keys.map((key) => ({ key, channel }));
const sorted = async (store: AlertStore) => [...(await store.sentKeys())].sort();

describe.each(STORE_KINDS)('AlertStore contract ($name)', (kind) => {
  describe('subscriptions', () => {
    it('subscribe, replace the same channel in its place, unsubscribe; seen by every handle', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      assert.deepEqual(await one.subscriptions(), []);
      await one.subscribe(sub('teams', '19:abc'));
      await two.subscribe(sub('slack', 'C123', { severity: 'High' }));
      await one.subscribe(sub('slack', '19:abc'));
      await two.subscribe(sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }));
      assert.deepEqual(await one.subscriptions(), [
        sub('teams', '19:abc', { vault: 'kv-prod', framework: 'cis' }),
        sub('slack', 'C123', { severity: 'High' }),
        sub('slack', '19:abc'),
      ]);
      assert.equal(await two.unsubscribe({ kind: 'slack', id: 'C123' }), true);
      assert.equal(await one.unsubscribe({ kind: 'slack', id: 'C123' }), false);
      assert.deepEqual(
        (await one.subscriptions()).map((s) => `${s.channel.kind}:${s.channel.id}`),
        ['teams:19:abc', 'slack:19:abc'],
      );
    });

    it('refuse an invalid subscription, and hand out copies', async () => {
      const replicas = await kind.open(2);
      const store = open(replicas[0]!);
      const bad = {
        ...sub('teams', 'x'),
        channel: { kind: 'email', id: 'x' },
      } as unknown as AlertSubscription;
      await assert.rejects(store.subscribe(bad), /channel\.kind/);
      await assert.rejects(store.subscribe({ ...sub('slack', 'C1'), createdAt: 'whenever' }), /createdAt/);
      assert.deepEqual(await store.subscriptions(), []);
      await store.subscribe(sub('playground', 'p'));
      const [first] = await store.subscriptions();
      first!.filters.vault = 'changed';
      assert.deepEqual((await store.subscriptions())[0]?.filters, {});
    });

    it('two handles subscribing at once keep every channel once', async () => {
      const replicas = await kind.open(2);
      const handles = [open(replicas[0]!), open(replicas[1]!)];
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          handles[i % 2]!.subscribe(sub('slack', `C${i % 8}`, { vault: `kv-${i}` })),
        ),
      );
      const subs = await handles[0]!.subscriptions();
      assert.deepEqual(
        subs.map((s) => s.channel.id).sort(),
        Array.from({ length: 8 }, (_, i) => `C${i}`),
      );
      for (const s of subs) {
        const n = Number(s.channel.id.slice(1));
        assert.ok([`kv-${n}`, `kv-${n + 8}`].includes(s.filters.vault!), JSON.stringify(s));
      }
    });
  });

  describe('the ledger of claims', () => {
    it('claims each (key, channel) once, in the order named, for every handle', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      assert.deepEqual(await one.claim(pairs(['threshold:30d:a', 'critical:P005'], SLACK), T0), [
        { key: 'threshold:30d:a', channel: SLACK },
        { key: 'critical:P005', channel: SLACK },
      ]);
      assert.deepEqual(await two.claim(pairs(['threshold:30d:a', 'critical:P005'], SLACK), T0), []);
      assert.deepEqual(
        await two.claim(pairs(['threshold:30d:a'], TEAMS), T0),
        pairs(['threshold:30d:a'], TEAMS),
      );
      assert.deepEqual(await one.claim([], T0), []);
      assert.deepEqual(await sorted(two), ['critical:P005', 'threshold:30d:a']);
      assert.deepEqual(
        await one.claim([...pairs(['k', 'k'], SLACK), ...pairs(['z', 'a'], TEAMS)], T0),
        [...pairs(['k'], SLACK), ...pairs(['z', 'a'], TEAMS)],
        'a pair named twice once; the order named, not sorted',
      );
      await assert.rejects(one.claim(pairs(['k'], SLACK), Number.NaN), RangeError);
    });

    it('of two handles claiming the same pairs at once, each pair goes to exactly one', async () => {
      const replicas = await kind.open(2);
      const a = open(replicas[0]!);
      const b = open(replicas[1]!);
      const keys = Array.from({ length: 30 }, (_, i) => `threshold:30d:asset-${i}`);
      const wanted = [...pairs(keys, SLACK), ...pairs(keys, TEAMS)];
      const reversed = [...wanted].reverse();
      const results = await Promise.all([
        a.claim(wanted, T0),
        b.claim(reversed, T0),
        a.claim(reversed, T0),
        b.claim(wanted, T0),
      ]);
      const all = results.flat().map((c) => `${c.channel} ${c.key}`);
      assert.equal(all.length, wanted.length);
      assert.equal(new Set(all).size, wanted.length);
    });

    it('releases a claim for its channel only, so it can be claimed again', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      await one.claim(pairs(['k1', 'k2'], SLACK), T0);
      await one.claim(pairs(['k1'], TEAMS), T0);
      await two.release(pairs(['k1'], SLACK));
      await two.release([]);
      assert.deepEqual(await sorted(one), ['k1', 'k2'], 'k1 is still claimed for Teams');
      assert.deepEqual(await one.claim([...pairs(['k1', 'k2'], SLACK), ...pairs(['k1'], TEAMS)], T0 + 1), [
        { key: 'k1', channel: SLACK },
      ]);
    });

    it('a key sent before claims were per channel counts for every channel until cleared', async () => {
      const replicas = await kind.open(2);
      await withLegacySent(replicas[0]!, ['threshold:30d:a', 'critical:P005'], T0);
      const store = open(replicas[0]!);
      assert.deepEqual(await sorted(store), ['critical:P005', 'threshold:30d:a']);
      assert.deepEqual(
        await store.claim(
          [
            ...pairs(['threshold:30d:a', 'threshold:7d:a'], SLACK),
            ...pairs(['critical:P005', 'threshold:7d:a'], TEAMS),
          ],
          T0,
        ),
        [
          { key: 'threshold:7d:a', channel: SLACK },
          { key: 'threshold:7d:a', channel: TEAMS },
        ],
      );
      await store.release(pairs(['threshold:30d:a'], SLACK));
      assert.deepEqual(await store.claim(pairs(['threshold:30d:a'], SLACK), T0), []);
      await store.clear(['threshold:30d:a']);
      assert.deepEqual(
        await store.claim(pairs(['threshold:30d:a'], SLACK), T0),
        pairs(['threshold:30d:a'], SLACK),
      );
    });

    it('clears keys for every channel: claims, acknowledgements and snoozes', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      await one.claim(pairs(['a', 'b', 'c'], SLACK), T0);
      await one.claim(pairs(['a'], TEAMS), T0);
      await one.acknowledge('a', 'bob', T0);
      await one.snooze('b', 'bob', T0 + HOUR);
      await two.clear(['a', 'b']);
      await two.clear([]);
      assert.deepEqual([...(await one.sentKeys())], ['c']);
      assert.equal(await one.isSuppressed('a', T0), false);
      assert.equal(await one.isSuppressed('b', T0), false);
      assert.deepEqual(await one.claim(pairs(['a'], TEAMS), T0), pairs(['a'], TEAMS));
    });

    it('keeps at most maxSentKeys pairs, dropping the oldest; a claim the cap would cut is not given', async () => {
      const replicas = await kind.open(2);
      const store = open(replicas[0]!, { maxSentKeys: 3 });
      await store.claim(pairs(['k1', 'k2'], SLACK), T0);
      await store.claim(pairs(['k3'], SLACK), T0 + 1);
      await store.claim(pairs(['k3'], TEAMS), T0 + 2);
      assert.deepEqual([...(await store.sentKeys())], ['k2', 'k3'], 'k1 was the oldest pair');
      assert.deepEqual(await store.claim(pairs(['k1'], SLACK), T0 + 3), pairs(['k1'], SLACK));
      assert.deepEqual(
        await store.claim(pairs(['x1', 'x2', 'x3', 'x4'], SLACK), T0 + 4),
        pairs(['x2', 'x3', 'x4'], SLACK),
      );
      assert.deepEqual(await sorted(store), ['x2', 'x3', 'x4']);
      assert.deepEqual(await store.claim(pairs(['x1'], SLACK), T0 + 5), pairs(['x1'], SLACK));
      assert.throws(() => open(replicas[0]!, { maxSentKeys: 0 }), RangeError);
    });
  });

  describe('suppression', () => {
    it('an acknowledged key stays suppressed until cleared, on every handle', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      assert.equal(await one.isSuppressed('k', T0), false);
      await one.acknowledge('k', 'bob', T0);
      assert.equal(await two.isSuppressed('k', T0 + 1000 * HOUR), true);
      await two.clear(['k']);
      assert.equal(await one.isSuppressed('k', T0), false);
    });

    it.each([
      { name: 'before until', now: T0 + HOUR - 1, suppressed: true },
      { name: 'at until', now: T0 + HOUR, suppressed: false },
      { name: 'after until', now: T0 + 2 * HOUR, suppressed: false },
    ])('a snoozed key $name: suppressed $suppressed', async ({ now, suppressed }) => {
      const replicas = await kind.open(2);
      const store = open(replicas[0]!);
      await store.snooze('k', 'bob', T0 + HOUR);
      assert.equal(await store.isSuppressed('k', now), suppressed);
      assert.equal(await store.isSuppressed('other', now), false);
    });

    it('a new snooze replaces the previous one; an acknowledgement outlives a snooze', async () => {
      const replicas = await kind.open(2);
      const store = open(replicas[0]!);
      await store.snooze('k', 'bob', T0 + 5 * HOUR);
      await store.snooze('k', 'bob', T0 + HOUR);
      assert.equal(await store.isSuppressed('k', T0 + 2 * HOUR), false);
      await store.acknowledge('k', 'bob', T0);
      await store.snooze('k', 'bob', T0 + HOUR);
      assert.equal(await store.isSuppressed('k', T0 + 2 * HOUR), true);
    });
  });

  describe('key groups', () => {
    it('saves a group under a stable id, for every handle; null for an unknown id', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      const keys = Array.from(
        { length: 300 },
        (_, i) => `threshold:expired:https://kv.vault.azure.net/secrets/s${i}`,
      );
      const id = await one.saveGroup(keys, Date.parse('2026-11-23T06:00:00Z'));
      assert.match(id, /^g-[0-9a-f]{16}$/);
      assert.equal(await two.saveGroup(keys, Date.parse('2026-11-23T07:00:00Z')), id, 'same keys, same id');
      assert.deepEqual(await two.group(id), keys);
      assert.equal(await one.group('g-0000000000000000'), null);
      assert.notEqual(await one.saveGroup([...keys].reverse(), T0), id);
    });
  });

  describe('claim times and resolutions (real-time events)', () => {
    it('gives the latest claim time per key over every channel, for every handle; cleared keys are gone', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      await one.claim(pairs(['a', 'b'], SLACK), T0);
      await two.claim(pairs(['a'], TEAMS), T0 + HOUR);
      assert.deepEqual([...(await two.claimTimes(['a', 'b', 'never']))].sort(), [
        ['a', T0 + HOUR],
        ['b', T0],
      ]);
      await one.clear(['a']);
      assert.deepEqual([...(await two.claimTimes(['a', 'b']))], [['b', T0]]);
    });

    it('records a resolution only when it is newer, survives a clear, seen by every handle', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      const asset = 'https://kv.vault.azure.net/secrets/db';
      assert.equal(await one.resolve(asset, 'v2', T0 + HOUR), true);
      assert.equal(await two.resolve(asset, 'v1', T0), false, 'an older event changes nothing');
      assert.equal(await two.resolve(asset, 'v9', T0 + HOUR), false, 'an equal time changes nothing');
      await one.clear([`threshold:30d:${asset}`]);
      assert.deepEqual(
        [...(await two.resolutions([asset, 'other']))],
        [[asset, { version: 'v2', at: T0 + HOUR }]],
      );
      assert.equal(await two.resolve(asset, null, T0 + 2 * HOUR), true);
      assert.deepEqual(
        await one.resolutions([asset]),
        new Map([[asset, { version: null, at: T0 + 2 * HOUR }]]),
      );
    });
  });

  describe('posted cards', () => {
    it('records where a card was posted per (key, channel), the newest replacing, for every handle', async () => {
      const replicas = await kind.open(2);
      const one = open(replicas[0]!);
      const two = open(replicas[1]!);
      await one.recordPost(pairs(['a'], SLACK), '1700000000.000001', T0);
      await one.recordPost(pairs(['a'], TEAMS), 'activity-1', T0);
      await two.recordPost(pairs(['a'], SLACK), '1700000000.000002', T0 + HOUR);
      const found = (await two.posts(['a', 'b'])).sort((x, y) => x.channel.localeCompare(y.channel));
      assert.deepEqual(found, [
        { key: 'a', channel: SLACK, ref: '1700000000.000002' },
        { key: 'a', channel: TEAMS, ref: 'activity-1' },
      ]);
      assert.deepEqual(await one.posts(['b']), []);
      await assert.rejects(one.recordPost(pairs(['b'], SLACK), '', T0), /message reference/);
    });
  });

  it('has a path and a reload', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!);
    assert.equal(typeof store.path, 'string');
    await store.reload();
  });
});
