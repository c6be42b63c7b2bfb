/**
 * The PostgreSQL snapshot store keeps the embedded one's promises: exact contents, the newest
 * `limit` kept, evidence never pruned, old orphans removed at a replica's first save.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { createPgSnapshotStore } from '../../../store/pg/snapshots.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
});
afterAll(() => db?.drop());
beforeEach(async () => {
  await db.pool.query('DELETE FROM snapshots');
});

const scanId = (i: number) => `scan-20260101T${String(i).padStart(6, '0')}Z-0000000${i % 10}`;
const snap = (i: number) => ({
  scanId: scanId(i),
  now: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  source: 'demo',
  inventory: { vaults: [{ name: `kv-${i}`, note: 'Zoë ✓ \u0000 "quoted"' }] },
  result: { score: i, rules: [] },
});
const HOUR = 3_600_000;

describe('PostgreSQL snapshot store', () => {
  it('keeps what it saved, exactly, gzip in the row, and prunes the oldest beyond its limit', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool, { limit: 3 });
    for (let i = 1; i <= 5; i++) await store.save(snap(i));
    assert.deepEqual(await store.list(), [scanId(3), scanId(4), scanId(5)]);
    assert.deepEqual(await store.load(scanId(4)), snap(4));
    assert.equal(await store.load(scanId(1)), null);
    const { rows } = await db.pool.query<{ inventory: Buffer }>(
      'SELECT inventory FROM snapshots WHERE scan_id = $1',
      [scanId(4)],
    );
    assert.deepEqual(JSON.parse(gunzipSync(rows[0]!.inventory).toString('utf8')), snap(4).inventory);
  });

  it('round-trips a large inventory', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool);
    const secrets = Array.from({ length: 20_000 }, (_, i) => ({
      id: `https://kv-${i % 50}.vault.azure.net/secrets/s-${i}`,
      enabled: i % 3 !== 0,
    }));
    const big = { ...snap(7), inventory: { secrets } };
    await store.save(big);
    assert.deepEqual(await store.load(big.scanId), big);
  });

  it('keeps a snapshot evidence was built from through newer scans, and prunes the unreferenced ones', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool, {
      limit: 5,
      referenced: async () => new Set([scanId(0)]),
    });
    for (let i = 0; i <= 9; i++) await store.save(snap(i));
    const kept = await store.list();
    assert.deepEqual(kept, [scanId(0), scanId(5), scanId(6), scanId(7), scanId(8), scanId(9)]);
    assert.deepEqual(await store.load(scanId(0)), snap(0));
  });

  it('prunes nothing when it cannot tell what evidence references', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool, {
      limit: 2,
      referenced: async () => {
        throw new Error('evidence unreadable');
      },
    });
    for (let i = 0; i < 4; i++) await store.save(snap(i));
    assert.equal((await store.list()).length, 4);
  });

  it('removes old orphans at a replica’s first save; never a fresh one, a saved scan’s or evidence’s', async () => {
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    let now = t0;
    const earlier = createPgSnapshotStore<unknown, unknown>(db.pool, { clock: () => now });
    for (const i of [1, 3, 4]) await earlier.save(snap(i));
    now = t0 + 2 * HOUR - 1;
    await earlier.save(snap(2));
    // 1: old orphan. 2: fresh orphan (a scan being saved by another replica right now).
    // 3: old, named by a saved scan. 4: old, named by no scan but by evidence.
    now = t0 + 2 * HOUR;
    const restarted = createPgSnapshotStore<unknown, unknown>(db.pool, {
      clock: () => now,
      saved: async () => new Set([scanId(3)]),
      referenced: async () => new Set([scanId(4)]),
    });
    await restarted.save(snap(5));
    assert.deepEqual(await restarted.list(), [scanId(2), scanId(3), scanId(4), scanId(5)]);
    // Only at the first save: 2 is old by now, but this replica has swept already.
    now = t0 + 10 * HOUR;
    await restarted.save(snap(6));
    assert.ok((await restarted.list()).includes(scanId(2)));
    // 2 and 5 are old now, and no saved scan names them (the port says only 3); 6 is fresh.
    assert.deepEqual(await restarted.removeOrphans(), [scanId(2), scanId(5)]);
    assert.deepEqual(
      await createPgSnapshotStore(db.pool).removeOrphans(),
      [],
      'without the saved port: none',
    );
  });

  it('holds its limit when two replicas save at once', async () => {
    const replica = await db.newPool();
    const stores = [db.pool, replica].map((pool) =>
      createPgSnapshotStore<unknown, unknown>(pool, { limit: 4 }),
    );
    await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]!.save(snap(i))));
    await stores[0]!.save(snap(12));
    assert.deepEqual(await stores[1]!.list(), [scanId(9), scanId(10), scanId(11), scanId(12)]);
  });

  it('reports a damaged snapshot instead of reading half of it, and refuses ids that are not scan ids', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool);
    await store.save(snap(1));
    await db.pool.query(`UPDATE snapshots SET result = 'not gzip'::bytea WHERE scan_id = $1`, [scanId(1)]);
    await assert.rejects(
      store.load(scanId(1)),
      (e: unknown) => isCertifyError(e) && e.code === 'STORE_CORRUPT' && /unreadable/.test(e.message),
    );
    for (const attempt of [store.load('../../etc/passwd'), store.save({ ...snap(2), scanId: 'x y' })]) {
      await assert.rejects(
        attempt,
        (e: unknown) => isCertifyError(e) && e.code === 'BAD_INPUT' && /not a scan id/.test(e.message),
      );
    }
    assert.throws(() => createPgSnapshotStore(db.pool, { limit: 0 }), /limit must be ≥ 1/);
  });
});
