/**
 * Saved scan snapshots in PostgreSQL (the SnapshotStore of store/snapshots.ts): one row per scan,
 * its inventory and result each gzip'd JSON records (store/json-records.ts), or, saved before
 * those, gzip'd JSON text. The same bounds as the embedded store, kept by the
 * same code (snapshotBounds of store/snapshots.ts): the newest `limit` are kept, older ones only while evidence references
 * them, and one no saved scan and no evidence names is removed once older than the orphan age.
 * Replicas may prune at once: deleting a row twice deletes it once.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import {
  checkSnapshotId,
  snapshotBounds,
  type Snapshot,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from '../snapshots.js';
import { inventoryDigester } from '../../evidence/inventory-digest.js';
import { packJsonRecords, unpackJsonAny } from './gzip-json.js';
import { isoParam, rows } from './sql.js';

interface Row {
  scan_id: string;
  at: Date;
  source: string;
  inventory: Buffer;
  result: Buffer;
}

export function createPgSnapshotStore<I, R>(
  pool: pg.Pool,
  options: SnapshotStoreOptions = {},
): SnapshotStore<I, R> {
  const clock = options.clock ?? Date.now;

  async function list(): Promise<string[]> {
    const found = await rows<{ scan_id: string }>(
      pool,
      'list the saved snapshots',
      'SELECT scan_id FROM snapshots ORDER BY scan_id',
    );
    return found.map((r) => r.scan_id);
  }

  const bounds = snapshotBounds(options, {
    list,
    async savedTimes() {
      const found = await rows<{ scan_id: string; saved_at: Date }>(
        pool,
        'list the saved snapshots',
        'SELECT scan_id, saved_at FROM snapshots ORDER BY scan_id',
      );
      return found.map((r) => ({ scanId: r.scan_id, mtimeMs: r.saved_at.getTime() }));
    },
    async remove(ids) {
      // Replicas may prune at once: deleting a row twice deletes it once.
      if (ids.length === 0) return;
      await rows(pool, 'remove old snapshots', 'DELETE FROM snapshots WHERE scan_id = ANY($1::text[])', [
        [...ids],
      ]);
    },
  });

  return {
    async save(snapshot) {
      checkSnapshotId(snapshot.scanId);
      const at = Date.parse(snapshot.now);
      if (Number.isNaN(at))
        throw new CertifyError('BAD_INPUT', `snapshot ${snapshot.scanId}: "now" is not a time`);
      // JSON records (store/json-records.ts): a 1,000,000-asset tenant's inventory is longer as
      // one JSON text than a string can be. Its gzip'd records (~90 MB) fit the bytea column.
      // The inventory's records are its canonical JSON, hashed as they are made.
      const digest = inventoryDigester();
      const [inventory, result] = await Promise.all([
        packJsonRecords(snapshot.inventory, options.records, { at: [], put: (text) => digest.put(text) }),
        packJsonRecords(snapshot.result, options.records),
      ]);
      await rows(
        pool,
        `save the snapshot of ${snapshot.scanId}`,
        `INSERT INTO snapshots (scan_id, at, source, inventory, result, saved_at)
         VALUES ($1, $2::timestamptz, $3, $4, $5, $6::timestamptz)
         ON CONFLICT (scan_id) DO UPDATE SET at = EXCLUDED.at, source = EXCLUDED.source,
           inventory = EXCLUDED.inventory, result = EXCLUDED.result, saved_at = EXCLUDED.saved_at`,
        [
          snapshot.scanId,
          snapshot.now,
          snapshot.source,
          inventory,
          result,
          isoParam(clock(), 'snapshot saved_at'),
        ],
      );
      await bounds.afterSave(snapshot.scanId);
      return { inventorySha256: digest.hex() };
    },

    async load(scanId) {
      checkSnapshotId(scanId);
      const found = await rows<Row>(
        pool,
        `read the snapshot of ${scanId}`,
        'SELECT scan_id, at, source, inventory, result FROM snapshots WHERE scan_id = $1',
        [scanId],
      );
      const row = found[0];
      if (row === undefined) return null;
      let inventory: unknown;
      let result: unknown;
      try {
        // Records, or one JSON text as the snapshots saved before them: the records' marker decides.
        [inventory, result] = await Promise.all([unpackJsonAny(row.inventory), unpackJsonAny(row.result)]);
      } catch (error) {
        throw new CertifyError(
          'STORE_CORRUPT',
          `the snapshot ${scanId} in PostgreSQL is unreadable: ${(error as Error).message}`,
        );
      }
      return {
        scanId: row.scan_id,
        now: row.at.toISOString(),
        source: row.source,
        inventory: inventory as I,
        result: result as R,
      } satisfies Snapshot<I, R>;
    },

    list,
    removeOrphans: bounds.removeOrphans,
  };
}
