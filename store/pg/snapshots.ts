/**
 * Saved scan snapshots in PostgreSQL (the SnapshotStore of store/snapshots.ts): one row per scan,
 * its inventory and result each gzip JSON. The same bounds as the embedded store, decided by the
 * same pure functions: the newest `limit` are kept, older ones only while evidence references
 * them, and one no saved scan and no evidence names is removed once older than the orphan age.
 * Replicas may prune at once: deleting a row twice deletes it once.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import {
  DEFAULT_SNAPSHOT_LIMIT,
  ORPHAN_AGE_MS,
  orphanSnapshots,
  snapshotsToPrune,
  type Snapshot,
  type SnapshotStore,
  type SnapshotStoreOptions,
} from '../snapshots.js';
import { packJson, unpackJson } from './gzip-json.js';
import { isoParam, rows } from './sql.js';

/** The embedded store's id rule, kept so that an id one store accepts the other does too. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkId(scanId: string): void {
  if (!SAFE_ID.test(scanId)) throw new CertifyError('BAD_INPUT', `not a scan id: ${JSON.stringify(scanId)}`);
}

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
  const limit = options.limit ?? DEFAULT_SNAPSHOT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`snapshot store: limit must be ≥ 1, got ${limit}`);
  const orphanAgeMs = options.orphanAgeMs ?? ORPHAN_AGE_MS;
  const clock = options.clock ?? Date.now;
  const noneReferenced = async (): Promise<ReadonlySet<string>> => new Set();
  const referenced = options.referenced ?? noneReferenced;
  let swept = false;

  async function list(): Promise<string[]> {
    const found = await rows<{ scan_id: string }>(
      pool,
      'list the saved snapshots',
      'SELECT scan_id FROM snapshots ORDER BY scan_id',
    );
    return found.map((r) => r.scan_id);
  }

  async function remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await rows(pool, 'remove old snapshots', 'DELETE FROM snapshots WHERE scan_id = ANY($1::text[])', [
      [...ids],
    ]);
  }

  async function removeOrphans(): Promise<string[]> {
    if (!options.saved) return [];
    let saved: ReadonlySet<string>;
    let inUse: ReadonlySet<string>;
    try {
      [saved, inUse] = await Promise.all([options.saved(), referenced()]);
    } catch {
      return []; // what is saved or referenced is unknown, so nothing is surely an orphan
    }
    const found = await rows<{ scan_id: string; saved_at: Date }>(
      pool,
      'list the saved snapshots',
      'SELECT scan_id, saved_at FROM snapshots ORDER BY scan_id',
    );
    const files = found.map((r) => ({ scanId: r.scan_id, mtimeMs: r.saved_at.getTime() }));
    const orphans = orphanSnapshots(files, saved, inUse, clock(), orphanAgeMs);
    await remove(orphans);
    return orphans;
  }

  async function prune(): Promise<void> {
    const kept = await list();
    if (kept.length <= limit) return;
    let inUse: ReadonlySet<string>;
    try {
      inUse = await referenced();
    } catch {
      return; // unknown references: keep everything until the next save can tell
    }
    await remove(snapshotsToPrune(kept, limit, inUse));
  }

  return {
    async save(snapshot) {
      checkId(snapshot.scanId);
      const at = Date.parse(snapshot.now);
      if (Number.isNaN(at))
        throw new CertifyError('BAD_INPUT', `snapshot ${snapshot.scanId}: "now" is not a time`);
      const [inventory, result] = await Promise.all([
        packJson(snapshot.inventory),
        packJson(snapshot.result),
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
      // A replica's first save is its start, as far as this store can tell. The snapshot just
      // saved is not yet named by a saved scan, but it is fresh, so never taken for an orphan.
      if (!swept) {
        swept = true;
        await removeOrphans().catch(() => undefined);
      }
      await prune();
    },

    async load(scanId) {
      checkId(scanId);
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
        [inventory, result] = await Promise.all([unpackJson(row.inventory), unpackJson(row.result)]);
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
    removeOrphans,
  };
}
