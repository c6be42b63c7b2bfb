/**
 * The SnapshotStore contract, over the embedded store and PostgreSQL: exact contents for every
 * handle, the newest `limit` kept, evidence never pruned, old orphans removed at a first save.
 */
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { createPgSnapshotStore } from '../../../store/pg/snapshots.js';
import {
  createSnapshotStore,
  SNAPSHOTS_DIR,
  type Snapshot,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from '../../../store/snapshots.js';
import { generateDemoInventory } from '../../../scanner/sources/demo/index.js';
import { evaluateInventory } from '../../../services/scan.js';
import { inventorySha256 } from '../../../evidence/inventory-digest.js';
import { withStringLimit } from '../../support/string-limit.js';
import { byKind, STORE_KINDS, type Replica } from './harness.js';

type Snap = Snapshot<unknown, unknown>;

const open = byKind({
  embedded: (dir, options: SnapshotStoreOptions = {}): SnapshotStore<unknown, unknown> =>
    createSnapshotStore<unknown, unknown>(dir, options),
  postgres: (pool, options: SnapshotStoreOptions = {}): SnapshotStore<unknown, unknown> =>
    createPgSnapshotStore<unknown, unknown>(pool, options),
});

/** The snapshot as loaded, without the embedded file's format marker (`schema`). */
async function load(store: SnapshotStore<unknown, unknown>, scanId: string): Promise<Snap | null> {
  const found = await store.load(scanId);
  if (found === null) return null;
  const { schema: _schema, ...rest } = found as Snap & { schema?: string };
  return rest;
}

/**
 * Saves `snaps` as if `age` ms ago: the embedded store judges age by the file's time, the
 * PostgreSQL store by its clock when it saved.
 */
async function saveAged(b: Replica, snaps: readonly Snap[], age: number): Promise<void> {
  if (b.kind === 'embedded') {
    const store = open(b);
    for (const s of snaps) await store.save(s);
    const then = new Date(Date.now() - age);
    for (const s of snaps) await utimes(join(b.dir, SNAPSHOTS_DIR, `${s.scanId}.json.gz`), then, then);
  } else {
    const store = open(b, { clock: () => Date.now() - age });
    for (const s of snaps) await store.save(s);
  }
}

const scanId = (i: number) => `scan-20260101T${String(i).padStart(6, '0')}Z-0000000${i % 10}`;
const snap = (i: number): Snap => ({
  scanId: scanId(i),
  now: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  source: 'demo',
  inventory: { vaults: [{ name: `kv-${i}`, note: 'Zoë ✓ "quoted"' }] },
  result: { score: i, rules: [] },
});
const HOUR = 3_600_000;

describe.each(STORE_KINDS)('SnapshotStore contract ($name)', (kind) => {
  it('keeps what it saved, exactly, for every handle; oldest first; null for one never kept', async () => {
    const replicas = await kind.open(2);
    const one = open(replicas[0]!);
    const two = open(replicas[1]!);
    assert.deepEqual(await one.save(snap(2)), { inventorySha256: inventorySha256(snap(2).inventory) });
    await two.save(snap(1));
    assert.deepEqual(await load(two, scanId(2)), snap(2));
    assert.deepEqual(await load(one, scanId(1)), snap(1));
    assert.deepEqual(await one.list(), [scanId(1), scanId(2)]);
    assert.equal(await one.load(scanId(9)), null);
    await one.save({ ...snap(2), result: { score: 99 } });
    assert.deepEqual(await load(two, scanId(2)), { ...snap(2), result: { score: 99 } });
  });

  it('saves and loads a snapshot longer as JSON than the longest string (made small), exactly', async () => {
    // A 1,000,000-asset tenant's inventory is ~778 M characters as JSON, V8's longest string
    // ~537 M: here the limit is 3,000 characters, and the snapshot of a real demo tenant and its
    // scan ~100 times that.
    const LIMIT = 3_000;
    const at = Date.parse('2026-11-23T06:00:00Z');
    const inventory = generateDemoInventory({ profile: 'showcase', seed: 3, size: 300, now: at });
    const result = evaluateInventory(inventory, { custom: [], now: at, source: 'demo', scanId: scanId(7) });
    const big: Snap = { scanId: scanId(7), now: result.now, source: 'demo', inventory, result };
    assert.ok(JSON.stringify(big).length > 100 * LIMIT, `${JSON.stringify(big).length} characters`);
    assert.ok(
      result.rules.some((r) => r.failing.length * 60 > LIMIT),
      'a failing list longer than the limit',
    );
    const replicas = await kind.open(2);
    const saved = await withStringLimit(LIMIT, () =>
      open(replicas[0]!, { records: { chunkChars: 1_000, maxRecordChars: LIMIT } }).save(big),
    );
    assert.ok(
      saved.longestStringified <= LIMIT,
      `JSON.stringify made ${saved.longestStringified} characters`,
    );
    const loaded = await withStringLimit(LIMIT, () => load(open(replicas[1]!), scanId(7)));
    assert.ok(loaded.longestParsed <= LIMIT, `JSON.parse read ${loaded.longestParsed} characters`);
    assert.deepStrictEqual(loaded.value, big);
    // The digest the save made from the text it wrote is the evidence's, before and after.
    assert.equal(saved.value.inventorySha256, inventorySha256(inventory));
    assert.equal(inventorySha256(loaded.value!.inventory), inventorySha256(inventory));
  });

  it('refuses ids that are not scan ids', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!);
    await assert.rejects(
      store.load('../../etc/passwd'),
      (e: unknown) => isCertifyError(e) && /not a scan id/.test(e.message),
    );
    await assert.rejects(
      store.save({ ...snap(1), scanId: 'a/b' }),
      (e: unknown) => isCertifyError(e) && /not a scan id/.test(e.message),
    );
  });

  it('prunes the oldest beyond its limit, never one evidence references', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!, { limit: 3, referenced: async () => new Set([scanId(1)]) });
    for (let i = 1; i <= 6; i++) await store.save(snap(i));
    assert.deepEqual(await store.list(), [scanId(1), scanId(4), scanId(5), scanId(6)]);
    assert.deepEqual(await load(store, scanId(1)), snap(1));
    assert.equal(await store.load(scanId(2)), null);
  });

  it('prunes nothing when it cannot tell what evidence references', async () => {
    const replicas = await kind.open(2);
    const store = open(replicas[0]!, {
      limit: 2,
      referenced: async () => {
        throw new Error('evidence unreadable');
      },
    });
    for (let i = 0; i < 4; i++) await store.save(snap(i));
    assert.equal((await store.list()).length, 4);
  });

  it('holds its limit when two handles save at once', async () => {
    const replicas = await kind.open(2);
    const stores = [open(replicas[0]!, { limit: 4 }), open(replicas[1]!, { limit: 4 })];
    await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]!.save(snap(i))));
    await stores[0]!.save(snap(12));
    assert.deepEqual(await stores[1]!.list(), [scanId(9), scanId(10), scanId(11), scanId(12)]);
  });

  it('removes an old orphan at a handle’s first save; never a saved scan’s or evidence’s', async () => {
    const replicas = await kind.open(2);
    // 1: an old orphan. 3: old, a saved scan's. 4: old, evidence's. 2: a fresh orphan (a scan
    // another handle is saving right now).
    await saveAged(replicas[0]!, [snap(1), snap(3), snap(4)], 2 * HOUR);
    await open(replicas[0]!).save(snap(2));
    const restarted = open(replicas[1]!, {
      saved: async () => new Set([scanId(3)]),
      referenced: async () => new Set([scanId(4)]),
    });
    await restarted.save(snap(5));
    assert.deepEqual(await restarted.list(), [scanId(2), scanId(3), scanId(4), scanId(5)]);
    assert.deepEqual(await open(replicas[0]!).removeOrphans(), [], 'without the saved port: none');
  });
});
