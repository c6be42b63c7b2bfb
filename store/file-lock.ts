/**
 * The one cross-process lock for every file in the data dir (store documents and the audit log):
 * the bot and any number of CLI commands share a data dir, and a read-modify-write that is not
 * serialised across processes loses changes. proper-lockfile makes `<file>.lock` with mkdir
 * (atomic, also on network file systems) and keeps its mtime fresh while held, so a lock whose
 * mtime stops moving belongs to a dead or hung process and is taken over.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';
import { CertifyError } from '../base/errors.js';

export interface FileLockOptions {
  /** Give up (with a CertifyError) when the lock is not obtained within this long. */
  waitMs?: number;
  /**
   * A lock not refreshed for this long is taken over. The holder refreshes it every fifth of
   * this, so only a process that is dead, or blocked that long, loses it.
   */
  staleMs?: number;
  /** Creates the file's directory when missing (default true); false for read-only callers. */
  createDir?: boolean;
}

/**
 * 15 s: a process killed while holding a lock delays the others by at most this; a holder's
 * event loop must stall for this long (far beyond the longest synchronous step, evaluating a
 * million assets in ~3 s) before its lock is wrongly judged dead.
 */
export const LOCK_STALE_MS = 15_000;
/** Longer than the stale age, so a waiter outlasts a lock left by a killed process. */
export const LOCK_WAIT_MS = 30_000;
/** proper-lockfile's floor for `stale`. */
const MIN_STALE_MS = 2_000;

export interface HeldLock {
  /** Throws when the lock was lost (taken over as stale): call it right before committing a write. */
  assertHeld(): void;
  release(): Promise<void>;
}

export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/** Waits for the lock of `path` (the file itself need not exist). */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<HeldLock> {
  const lockfilePath = lockPathOf(path);
  const staleMs = Math.max(options.staleMs ?? LOCK_STALE_MS, MIN_STALE_MS);
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const deadline = Date.now() + waitMs;
  let lost: Error | null = null;
  let madeDir = false;
  let delay = 5;
  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lock(path, {
        lockfilePath,
        // The file may not exist yet, and the lock must not follow a symlink elsewhere.
        realpath: false,
        stale: staleMs,
        update: Math.max(1_000, Math.floor(staleMs / 5)),
        retries: 0,
        // proper-lockfile's default throws from a timer, which would crash the process.
        onCompromised: (error) => {
          lost = error;
        },
      });
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' && options.createDir !== false && !madeDir) {
        madeDir = true;
        await mkdir(dirname(path), { recursive: true }).catch(() => undefined);
        continue;
      }
      if (code !== 'ELOCKED') throw lockError(path, lockfilePath, error);
      if (Date.now() >= deadline) throw timeoutError(path, lockfilePath, waitMs, staleMs);
      // Jittered backoff, so a dozen waiters do not retry in step.
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
      continue;
    }
    return {
      assertHeld() {
        if (lost) throw lostError(path, lockfilePath, lost);
      },
      async release() {
        // ERELEASED when the lock was lost: there is nothing of ours left to remove.
        await release().catch(() => undefined);
      },
    };
  }
}

/** Runs `task` holding the lock of `path`; releases it however the task ends. */
export async function withFileLock<T>(
  path: string,
  task: (held: HeldLock) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const held = await acquireFileLock(path, options);
  try {
    return await task(held);
  } finally {
    await held.release();
  }
}

function timeoutError(path: string, lockPath: string, waitMs: number, staleMs: number): CertifyError {
  return new CertifyError(
    'STORE_IO',
    `cannot change ${path}: another process held its lock ${lockPath} for more than ${seconds(waitMs)}; nothing was changed`,
    [],
    'Another Certify process (the bot or a CLI command) is writing this file: try again. A lock left by a ' +
      `killed process is taken over after ${seconds(staleMs)}; if this goes on, look for a hung Certify process.`,
  );
}

function lockError(path: string, lockPath: string, error: unknown): CertifyError {
  return new CertifyError(
    'STORE_IO',
    `cannot change ${path}: its lock ${lockPath} cannot be taken (${(error as Error).message ?? String(error)}); nothing was changed`,
    [],
    'check that the data directory exists and is writable by this user, and that the disk has free space',
  );
}

function lostError(path: string, lockPath: string, error: Error): CertifyError {
  return new CertifyError(
    'STORE_IO',
    `cannot change ${path}: its lock ${lockPath} was lost before the write (${error.message}); nothing was changed`,
    [],
    'this process stalled long enough for another one to take the lock over: try again',
  );
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
