/**
 * Saved scan snapshots: the inventory a scan read and the result it produced, one gzip file per
 * scan under `snapshots/`. Evidence for a past audit period is built from the snapshot taken at
 * or before the period's end, so a report asked for again next year shows the same rows.
 * Bounded, but never at the cost of evidence: the newest `limit` snapshots are kept, and older
 * ones only while evidence references them (a pending or signed bundle was built from them).
 * A scan killed between saving its snapshot and saving the scan leaves an orphan, which the
 * store's first save in each process removes once it is old enough to be surely orphaned.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGunzip, gzip, constants } from 'node:zlib';
import { CertifyError } from '../base/errors.js';
import { writeFileAtomic, isPlainObject } from './json-file.js';

const gzipAsync = promisify(gzip);

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

export interface SnapshotStore<I, R> {
  save(snapshot: Snapshot<I, R>): Promise<void>;
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

// Scan ids are file names here: anything else could climb out of the directory.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The file's text, decoded as it is decompressed: a large tenant's snapshot never exists as a
 * whole decompressed buffer and a string at the same time.
 */
async function readGzipText(path: string): Promise<string> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  // pipeline, not pipe(): a read error (a missing file) must reject, not go unhandled.
  await pipeline(createReadStream(path), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) parts.push(decoder.write(chunk));
  });
  parts.push(decoder.end());
  return parts.join('');
}

function fileOf(dir: string, scanId: string): string {
  if (!SAFE_ID.test(scanId)) throw new CertifyError('BAD_INPUT', `not a scan id: ${JSON.stringify(scanId)}`);
  return join(dir, `${scanId}.json.gz`);
}

export function createSnapshotStore<I, R>(
  dataDir: string,
  options: SnapshotStoreOptions = {},
): SnapshotStore<I, R> {
  const dir = join(dataDir, SNAPSHOTS_DIR);
  const limit = options.limit ?? DEFAULT_SNAPSHOT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`snapshot store: limit must be ≥ 1, got ${limit}`);
  const orphanAgeMs = options.orphanAgeMs ?? ORPHAN_AGE_MS;
  const clock = options.clock ?? Date.now;
  const noneReferenced = async (): Promise<ReadonlySet<string>> => new Set();
  const referenced = options.referenced ?? noneReferenced;
  let swept = false;

  /** Kept snapshots, oldest first. */
  async function indexed(): Promise<{ scanId: string }[]> {
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
      .map((n) => ({ scanId: n.slice(0, -SUFFIX.length) }))
      .sort((a, b) => (a.scanId < b.scanId ? -1 : a.scanId > b.scanId ? 1 : 0));
  }

  /** Removing is best-effort: another process may have removed the file already. */
  async function remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) await unlink(fileOf(dir, id)).catch(() => undefined);
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
    const files: { scanId: string; mtimeMs: number }[] = [];
    for (const { scanId } of await indexed()) {
      if (saved.has(scanId) || inUse.has(scanId)) continue;
      try {
        files.push({ scanId, mtimeMs: (await stat(fileOf(dir, scanId))).mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    const orphans = orphanSnapshots(files, saved, inUse, clock(), orphanAgeMs);
    await remove(orphans);
    return orphans;
  }

  async function prune(): Promise<void> {
    const kept = (await indexed()).map((s) => s.scanId);
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
      const path = fileOf(dir, snapshot.scanId);
      // Level 1: a 100 k-asset tenant compresses ~10× at a fraction of level 6's time.
      const body = await gzipAsync(Buffer.from(JSON.stringify({ schema: SCHEMA, ...snapshot })), {
        level: constants.Z_BEST_SPEED,
      });
      await writeFileAtomic(path, body);
      // A process's first save is its start, as far as this store can tell. The snapshot just
      // written is not yet named by a saved scan, but it is fresh, so never taken for an orphan.
      if (!swept) {
        swept = true;
        await removeOrphans().catch(() => undefined);
      }
      await prune();
    },

    async load(scanId) {
      const path = fileOf(dir, scanId);
      let text: string;
      try {
        text = await readGzipText(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new CertifyError(
          'STORE_CORRUPT',
          `the snapshot ${path} is unreadable: ${(e as Error).message}`,
        );
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new CertifyError(
          'STORE_CORRUPT',
          `the snapshot ${path} is unreadable: ${(e as Error).message}`,
        );
      }
      if (!isPlainObject(value) || value.schema !== SCHEMA || value.scanId !== scanId) {
        throw new CertifyError('STORE_CORRUPT', `the snapshot ${path} is not a ${SCHEMA} file for ${scanId}`);
      }
      return value as unknown as Snapshot<I, R>;
    },

    async list() {
      return (await indexed()).map((s) => s.scanId);
    },

    removeOrphans,
  };
}
