/**
 * What only the PostgreSQL snapshot store shows: gzip in the row, large inventories, the orphan
 * sweep at a replica's first save only (by its clock), damaged rows. The promises it shares with
 * the embedded store are in test/store/contract/snapshots.contract.test.ts.
 */
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { RECORDS_FORMAT } from '../../../store/json-records.js';
import { packJson } from '../../../store/pg/gzip-json.js';
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
    // gzip'd JSON records (store/json-records.ts): the marker, the inventory, the end.
    assert.deepEqual(gunzipSync(rows[0]!.inventory).toString('utf8').split('\n'), [
      `{"format":"${RECORDS_FORMAT}"}`,
      `{"set":[],"to":${JSON.stringify(snap(4).inventory)}}`,
      '{"end":1}',
      '',
    ]);
  });

  it('keeps a large inventory and result in records, none longer than its limit', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool, {
      records: { chunkChars: 100, maxRecordChars: 200 },
    });
    const large = {
      ...snap(3),
      inventory: { secrets: Array.from({ length: 300 }, (_, i) => ({ id: `s-${i}`, tags: { n: `${i}` } })) },
      result: { rules: [{ id: 'R1', failing: Array.from({ length: 300 }, (_, i) => `s-${i}`) }] },
    };
    await store.save(large);
    const { rows } = await db.pool.query<{ inventory: Buffer; result: Buffer }>(
      'SELECT inventory, result FROM snapshots WHERE scan_id = $1',
      [scanId(3)],
    );
    for (const column of [rows[0]!.inventory, rows[0]!.result]) {
      const lines = gunzipSync(column).toString('utf8').split('\n');
      assert.equal(lines[0], `{"format":"${RECORDS_FORMAT}"}`);
      assert.ok(lines.length > 30, `${lines.length} records`);
      assert.ok(
        lines.every((l) => l.length < 200),
        `a record of ${Math.max(...lines.map((l) => l.length))}`,
      );
    }
    assert.deepEqual(await store.load(scanId(3)), large);
  });

  it('reads a snapshot saved before records, as gzip’d JSON text, and one of each', async () => {
    const store = createPgSnapshotStore<unknown, unknown>(db.pool);
    await store.save(snap(1));
    await store.save(snap(2));
    // Exactly as the store wrote every snapshot before records (packJson is unchanged).
    await db.pool.query('UPDATE snapshots SET inventory = $2, result = $3 WHERE scan_id = $1', [
      scanId(1),
      await packJson(snap(1).inventory),
      await packJson(snap(1).result),
    ]);
    await db.pool.query('UPDATE snapshots SET result = $2 WHERE scan_id = $1', [
      scanId(2),
      await packJson(snap(2).result),
    ]);
    assert.deepEqual(await store.load(scanId(1)), snap(1));
    assert.deepEqual(await store.load(scanId(2)), snap(2));
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
