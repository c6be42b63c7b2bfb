/**
 * The snapshot source: reads a `certify.inventory/v1` file (shared/spec/inventory.md), and
 * `writeSnapshot`, which saves an inventory so that a crash never leaves a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CertifyError } from '../../../base/errors.js';
import { jsonPieces } from '../../../base/json-pieces.js';
import type { Inventory } from '../../inventory/types.js';
import {
  INVALID_INVENTORY_MESSAGE,
  INVENTORY_LIMITS,
  parseInventoryText,
  tooLargeProblem,
  type HandedBytes,
} from '../../inventory/validate.js';
import type { CollectContext, Source } from '../types.js';

export interface SnapshotOptions {
  /** Directory a relative path is resolved from; defaults to the process's working directory. */
  cwd?: string;
}

/** A plain-English reason for a file system error, without a stack trace. */
function reason(e: unknown, writing = false): string {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return writing ? 'its directory does not exist' : 'the file does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTFILE':
      return 'it is not a regular file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Reads and validates a snapshot file. `path` is used as given in the source id and messages. */
export function snapshotSource(path: string, opts: SnapshotOptions = {}): Source {
  const cwd = opts.cwd ?? process.cwd();
  const full = resolve(cwd, path);
  return {
    id: `snapshot:${path}`,
    async collect(ctx: CollectContext): Promise<Inventory> {
      const cannotRead = (e: unknown): CertifyError =>
        new CertifyError(
          'BAD_INPUT',
          `cannot read snapshot "${path}": ${reason(e)}`,
          [],
          `check the path (a relative path is read from ${cwd}) and that the file is readable`,
        );
      ctx.signal?.throwIfAborted();
      ctx.onProgress?.({ phase: 'reading snapshot', done: 0, total: 1, unit: 'files' });
      // Handed to the reader, which lets go of them once decoded (see HandedBytes).
      const handed: HandedBytes = { bytes: null };
      let fh: FileHandle | undefined;
      try {
        fh = await open(full, 'r');
        const info = await fh.stat();
        if (info.isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
        if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
        if (info.size > INVENTORY_LIMITS.maxBytes) {
          throw new CertifyError('INVALID_INVENTORY', INVALID_INVENTORY_MESSAGE, [
            tooLargeProblem(info.size),
          ]);
        }
        handed.bytes = await fh.readFile({ signal: ctx.signal });
      } catch (e) {
        if (e instanceof CertifyError || isAbort(e)) throw e;
        throw cannotRead(e);
      } finally {
        await fh?.close().catch(() => undefined);
      }
      let inventory: Inventory;
      try {
        inventory = parseInventoryText(handed);
      } catch (e) {
        if (e instanceof CertifyError) {
          throw new CertifyError(
            e.code,
            e.message,
            e.problems,
            `fix the problems listed above in "${path}" and try again`,
          );
        }
        throw e;
      }
      ctx.onProgress?.({ phase: 'reading snapshot', done: 1, total: 1, unit: 'files' });
      return inventory;
    },
  };
}

/**
 * Saves `inventory` as a snapshot (JSON, 2-space indent, final newline). The text goes to a
 * temporary file in the same directory, is flushed to disk, and then renamed over `path`, so a
 * crash leaves either the old file or the complete new one, never half a file.
 */
export async function writeSnapshot(
  path: string,
  inventory: Inventory,
  opts: SnapshotOptions = {},
): Promise<void> {
  const full = resolve(opts.cwd ?? process.cwd(), path);
  const dir = dirname(full);
  const temp = join(dir, `.${basename(full)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'wx');
    // In pieces: a million-asset inventory is longer as JSON than a string can be.
    for (const piece of jsonPieces(inventory)) await fh.write(piece);
    await fh.write('\n');
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(temp, full);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw new CertifyError(
      'STORE_IO',
      `cannot write snapshot "${path}": ${reason(e, true)}`,
      [],
      'check that the directory exists and is writable',
    );
  }
  // Make the rename itself durable; not every platform can open a directory, which is fine.
  try {
    const d = await open(dir, 'r');
    await d.sync().catch(() => undefined);
    await d.close();
  } catch {
    // ignore
  }
}
