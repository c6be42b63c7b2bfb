/**
 * Saved scan snapshots: the inventory a scan read and the result it produced, one gzip file per
 * scan under `snapshots/`. Evidence for a past audit period is built from the snapshot taken at
 * or before the period's end, so a report asked for again next year shows the same rows.
 * Bounded: the newest `limit` snapshots are kept.
 */
import { createReadStream } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGunzip, gzip, constants } from 'node:zlib';
import { CertifyError } from '../scanner/errors.js';
import { writeFileAtomic, isPlainObject } from './json-file.js';

const gzipAsync = promisify(gzip);

export const SNAPSHOTS_DIR = 'snapshots';
export const DEFAULT_SNAPSHOT_LIMIT = 100;
const SCHEMA = 'certify.snapshot/v1';

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
  options: { limit?: number } = {},
): SnapshotStore<I, R> {
  const dir = join(dataDir, SNAPSHOTS_DIR);
  const limit = options.limit ?? DEFAULT_SNAPSHOT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`snapshot store: limit must be ≥ 1, got ${limit}`);

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
      .filter((n) => n.endsWith('.json.gz'))
      .map((n) => ({ scanId: n.slice(0, -'.json.gz'.length) }))
      .sort((a, b) => (a.scanId < b.scanId ? -1 : a.scanId > b.scanId ? 1 : 0));
  }

  return {
    async save(snapshot) {
      const path = fileOf(dir, snapshot.scanId);
      // Level 1: a 100 k-asset tenant compresses ~10× at a fraction of level 6's time.
      const body = await gzipAsync(Buffer.from(JSON.stringify({ schema: SCHEMA, ...snapshot })), {
        level: constants.Z_BEST_SPEED,
      });
      await writeFileAtomic(path, body);
      const kept = await indexed();
      for (const old of kept.slice(0, Math.max(0, kept.length - limit))) {
        await unlink(fileOf(dir, old.scanId)).catch(() => undefined);
      }
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
  };
}
