/**
 * Saved scan snapshots: the inventory a scan read and the result it produced, one gzip file per
 * scan under `snapshots/`: the document `{ schema, scanId, now, source, result, inventory }` as
 * JSON records (store/json-records.ts), never one string, since a 1,000,000-asset tenant's is
 * longer than a string can be; a file saved before records (one JSON text) is read as well.
 * The inventory's records are its canonical JSON (keys sorted), hashed as they are made: the
 * inventory digest a saved scan is recorded with costs no second pass over a large tenant.
 * Evidence for a past audit period is built from the snapshot taken at or before the period's
 * end, so a report asked for again next year shows the same rows.
 * Bounded, but never at the cost of evidence: the newest `limit` snapshots are kept, and older
 * ones only while evidence references them (a pending or signed bundle was built from them).
 * A scan killed between saving its snapshot and saving the scan leaves an orphan, which the
 * store's first save in each process removes once it is old enough to be surely orphaned.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CertifyError } from '../base/errors.js';
import { writeFileAtomic, isPlainObject } from './json-file.js';
import { inventoryDigester } from '../evidence/inventory-digest.js';
import { gunzipJson, gunzipJsonWithout, gzipJsonRecords, type RecordLimits } from './json-records.js';

export const SNAPSHOTS_DIR = 'snapshots';
export const DEFAULT_SNAPSHOT_LIMIT = 100;
/**
 * An orphan younger than this may be the snapshot of a scan that another live process is saving
 * right now (snapshot first, then the scan). Judged by age rather than under a lock, because
 * the snapshot and the two scan files are written separately, and holding one lock across all
 * three would make every scan wait on every other; a save takes seconds, not an hour.
 */
export const ORPHAN_AGE_MS = 60 * 60 * 1000;
const SCHEMA = 'certify.snapshot/v1';
const SUFFIX = '.json.gz';

export interface Snapshot<I, R> {
  scanId: string;
  /** When the scan ran (ISO). */
  now: string;
  source: string;
  inventory: I;
  result: R;
}

/** What a save tells of the snapshot it wrote. */
export interface SavedSnapshot {
  /**
   * The inventory's digest (evidence/inventory-digest.ts), hashed from the canonical JSON the
   * save wrote: what inventorySha256(snapshot.inventory) returns, without making the text twice.
   */
  inventorySha256: string;
}

export interface SnapshotStore<I, R> {
  save(snapshot: Snapshot<I, R>): Promise<SavedSnapshot>;
  /** The snapshot of `scanId`, or null when it was never kept or has been pruned. */
  load(scanId: string): Promise<Snapshot<I, R> | null>;
  /** Ids of the kept snapshots, oldest first. */
  list(): Promise<string[]>;
  /**
   * Removes snapshots no saved scan and no evidence names, older than the orphan age; returns
   * their ids. Removes nothing when either port is missing or fails. save() runs it once.
   */
  removeOrphans(): Promise<string[]>;
}

export interface SnapshotStoreOptions {
  /** The newest this many are kept whatever else holds; older ones only while referenced. */
  limit?: number;
  /**
   * Scan ids evidence was built from: never pruned. Asked afresh before each pruning; when it
   * fails, nothing is pruned, since what it would have protected is unknown.
   */
  referenced?: () => Promise<ReadonlySet<string>>;
  /** Scan ids the scan history names; a snapshot none names (nor evidence) is an orphan. */
  saved?: () => Promise<ReadonlySet<string>>;
  /** Default ORPHAN_AGE_MS. */
  orphanAgeMs?: number;
  /** Epoch ms (default Date.now), for the orphan age. */
  clock?: () => number;
  /**
   * How large each record of a saved snapshot may be (store/json-records.ts); the defaults suit
   * any tenant. Tests make them small, to save a small snapshot in many records.
   */
  records?: RecordLimits;
}

/** Pure: which of the kept ids (oldest first) go: beyond the newest `limit`, and not referenced. */
export function snapshotsToPrune(
  keptOldestFirst: readonly string[],
  limit: number,
  referenced: ReadonlySet<string>,
): string[] {
  return keptOldestFirst
    .slice(0, Math.max(0, keptOldestFirst.length - limit))
    .filter((id) => !referenced.has(id));
}

/** Pure: the orphans among `files`: named by neither set, and older than `minAgeMs` at `now`. */
export function orphanSnapshots(
  files: readonly { scanId: string; mtimeMs: number }[],
  saved: ReadonlySet<string>,
  referenced: ReadonlySet<string>,
  now: number,
  minAgeMs: number,
): string[] {
  return files
    .filter((f) => !saved.has(f.scanId) && !referenced.has(f.scanId) && now - f.mtimeMs > minAgeMs)
    .map((f) => f.scanId);
}

// Scan ids are file names in the embedded store: anything else could climb out of the directory.
// Every store holds to it, so that an id one store accepts the other does too.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** BAD_INPUT unless `scanId` is one a snapshot may be kept under. */
export function checkSnapshotId(scanId: string): void {
  if (!SAFE_ID.test(scanId)) throw new CertifyError('BAD_INPUT', `not a scan id: ${JSON.stringify(scanId)}`);
}

/** What a store's own medium does for the bounds kept by snapshotBounds(). */
export interface SnapshotShelf {
  /** Ids of the kept snapshots, oldest first. */
  list(): Promise<string[]>;
  /**
   * When each kept snapshot was saved (epoch ms); it may leave out those `wanted` refuses, and
   * any removed meanwhile.
   */
  savedTimes(wanted: (scanId: string) => boolean): Promise<{ scanId: string; mtimeMs: number }[]>;
  /** Removes these, best-effort: another process or replica may have removed them already. */
  remove(ids: readonly string[]): Promise<void>;
}

export interface SnapshotBounds {
  /** SnapshotStore.removeOrphans. */
  removeOrphans(): Promise<string[]>;
  /**
   * After each save of `saved`: the first one (a process's or replica's start, as far as a store
   * can tell) also removes orphans, best-effort; then the kept snapshots are pruned to the limit,
   * never `saved` itself (an old `--now` sorts it among the oldest, and the scan being saved
   * names it next).
   */
  afterSave(saved: string): Promise<void>;
}

/**
 * Every store's bounds, over its own medium: the newest `limit` kept, older ones only while
 * referenced, orphans removed once older than the orphan age. RangeError for a bad limit.
 */
export function snapshotBounds(options: SnapshotStoreOptions, shelf: SnapshotShelf): SnapshotBounds {
  const limit = options.limit ?? DEFAULT_SNAPSHOT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`snapshot store: limit must be ≥ 1, got ${limit}`);
  const orphanAgeMs = options.orphanAgeMs ?? ORPHAN_AGE_MS;
  const clock = options.clock ?? Date.now;
  const noneReferenced = async (): Promise<ReadonlySet<string>> => new Set();
  const referenced = options.referenced ?? noneReferenced;
  let swept = false;

  async function removeOrphans(): Promise<string[]> {
    if (!options.saved) return [];
    let saved: ReadonlySet<string>;
    let inUse: ReadonlySet<string>;
    try {
      [saved, inUse] = await Promise.all([options.saved(), referenced()]);
    } catch {
      return []; // what is saved or referenced is unknown, so nothing is surely an orphan
    }
    const files = await shelf.savedTimes((scanId) => !saved.has(scanId) && !inUse.has(scanId));
    const orphans = orphanSnapshots(files, saved, inUse, clock(), orphanAgeMs);
    await shelf.remove(orphans);
    return orphans;
  }

  async function prune(saved: string): Promise<void> {
    const kept = await shelf.list();
    if (kept.length <= limit) return;
    let inUse: ReadonlySet<string>;
    try {
      inUse = await referenced();
    } catch {
      return; // unknown references: keep everything until the next save can tell
    }
    await shelf.remove(snapshotsToPrune(kept, limit, new Set([...inUse, saved])));
  }

  return {
    removeOrphans,
    async afterSave(saved) {
      // The snapshot just saved is not yet named by a saved scan, but it is fresh, so never
      // taken for an orphan.
      if (!swept) {
        swept = true;
        await removeOrphans().catch(() => undefined);
      }
      await prune(saved);
    },
  };
}

function fileOf(dir: string, scanId: string): string {
  checkSnapshotId(scanId);
  return join(dir, `${scanId}.json.gz`);
}

/** Whether the data dir keeps the snapshot of `scanId`. */
export async function hasSnapshot(dataDir: string, scanId: string): Promise<boolean> {
  try {
    await stat(fileOf(join(dataDir, SNAPSHOTS_DIR), scanId));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * The result kept in the snapshot of `scanId`, without reading its inventory (which a snapshot
 * saved since the result came first is not even decompressed), or null when it is not kept.
 * STORE_CORRUPT for a file that cannot be read or is not that scan's snapshot.
 */
export async function readSnapshotResult(dataDir: string, scanId: string): Promise<unknown> {
  const found = await readSnapshotFile(join(dataDir, SNAPSHOTS_DIR), scanId, (stream) =>
    gunzipJsonWithout(
      stream,
      'inventory',
      (partial) => isPlainObject(partial) && partial.result !== undefined,
    ),
  );
  return found?.result ?? null;
}

/**
 * The snapshot file of `scanId` in `dir`, as `read` makes it of the file's stream (records, or one
 * JSON text as the snapshots saved before them: the records' marker decides), or null when it is
 * not kept. STORE_CORRUPT for a file that cannot be read or is not that scan's snapshot.
 */
async function readSnapshotFile(
  dir: string,
  scanId: string,
  read: (stream: Readable) => Promise<unknown>,
): Promise<Record<string, unknown> | null> {
  const path = fileOf(dir, scanId);
  let value: unknown;
  try {
    value = await read(createReadStream(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CertifyError('STORE_CORRUPT', `the snapshot ${path} is unreadable: ${(e as Error).message}`);
  }
  if (
    !isPlainObject(value) ||
    value.schema !== SCHEMA ||
    value.scanId !== scanId ||
    !isPlainObject(value.result)
  ) {
    throw new CertifyError('STORE_CORRUPT', `the snapshot ${path} is not a ${SCHEMA} file for ${scanId}`);
  }
  return value;
}

export function createSnapshotStore<I, R>(
  dataDir: string,
  options: SnapshotStoreOptions = {},
): SnapshotStore<I, R> {
  const dir = join(dataDir, SNAPSHOTS_DIR);

  /** Kept snapshots, oldest first. */
  async function list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    // Scan ids begin with their UTC time stamp, so their order is the scans' order.
    return names
      .filter((n) => n.endsWith(SUFFIX) && SAFE_ID.test(n.slice(0, -SUFFIX.length)))
      .map((n) => n.slice(0, -SUFFIX.length))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  const bounds = snapshotBounds(options, {
    list,
    async savedTimes(wanted) {
      const files: { scanId: string; mtimeMs: number }[] = [];
      for (const scanId of await list()) {
        if (!wanted(scanId)) continue;
        try {
          files.push({ scanId, mtimeMs: (await stat(fileOf(dir, scanId))).mtimeMs });
        } catch {
          // removed meanwhile
        }
      }
      return files;
    },
    async remove(ids) {
      for (const id of ids) await unlink(fileOf(dir, id)).catch(() => undefined);
    },
  });

  return {
    async save(snapshot) {
      const path = fileOf(dir, snapshot.scanId);
      // Written as gzip'd JSON records made as they are written (store/json-records.ts): the
      // snapshot of a 1,000,000-asset tenant is longer as one JSON text than a string can be.
      // The inventory's records are its canonical JSON, hashed as they are made.
      const digest = inventoryDigester();
      const inventory = { at: ['inventory'], put: (text: string) => digest.put(text) };
      // The result before the inventory: the latest scan's result is read from here
      // (readSnapshotResult), which then stops where the inventory begins.
      const { scanId, now, source, result } = snapshot;
      const document = { schema: SCHEMA, scanId, now, source, result, inventory: snapshot.inventory };
      await writeFileAtomic(path, gzipJsonRecords(document, options.records, inventory));
      await bounds.afterSave(scanId);
      return { inventorySha256: digest.hex() };
    },

    async load(scanId) {
      const found = await readSnapshotFile(dir, scanId, gunzipJson);
      return found as unknown as Snapshot<I, R> | null;
    },

    list,
    removeOrphans: bounds.removeOrphans,
  };
}
