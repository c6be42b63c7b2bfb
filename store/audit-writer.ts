/**
 * The operator audit log's writer: appends entries to `audit-log.jsonl`, signs a checkpoint every
 * so many entries and the head after every append (the format: evidence/audit/).
 *
 * Durability: an append resolves only after its line is fsynced. A crash mid-append leaves at
 * most an unterminated last line, never acknowledged to anyone; the next writer cuts it off and
 * says so. One writer at a time across processes (the data dir's one file lock, the same as the
 * stores'), so a CLI and the bot never fork the chain.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Signer } from '../base/jws.js';
import { CertifyError } from '../base/errors.js';
import { chainEntry, parseEntryLine } from '../evidence/audit/chain.js';
import {
  AUDIT_CHECKPOINTS_FILE,
  AUDIT_HEAD_FILE,
  AUDIT_LOG_FILE,
  GENESIS,
  auditError,
  short,
} from '../evidence/audit/format.js';
import { parseSignedPayload, signPoint } from '../evidence/audit/points.js';
import { screenEvent } from '../evidence/audit/screen.js';
import type { AuditEntry, AuditEvent } from '../evidence/types.js';
import { readIfExists, scanTail, writeAll } from './audit-files.js';
import { acquireFileLock, lockPathOf, type HeldLock } from './file-lock.js';
import { syncDirectory, writeFileAtomic } from './json-file.js';

/** The writers' lock (a directory, see store/file-lock.ts). */
export const AUDIT_LOCK_FILE = lockPathOf(AUDIT_LOG_FILE);

const DEFAULT_CHECKPOINT_EVERY = 50;

export interface AuditLog {
  readonly path: string;
  append(event: AuditEvent, now: number): Promise<AuditEntry>;
  /** Entries with `at` in [from, to] (ISO, inclusive; either end optional), in log order. */
  entries(range?: { from?: string; to?: string }): Promise<AuditEntry[]>;
  /** Writes a signed checkpoint at the current head (no-op when the log is empty); returns it. */
  checkpoint(now: number): Promise<{ seq: number; hash: string } | null>;
}

export interface AuditLogOptions {
  /** A signed checkpoint every this many entries (default 50). */
  checkpointEvery?: number;
  /** Told about repairs: a torn last line cut off, a signed head brought up to date after a crash. */
  onNotice?: (message: string) => void;
}

interface Tail {
  seq: number;
  hash: string;
  prev: string;
}

/** A lock that cannot be had is an audit-log failure to the caller: nothing was logged. */
function lockFailure(error: unknown): unknown {
  return error instanceof CertifyError ? new CertifyError('AUDIT_LOG', error.message, [], error.hint) : error;
}

const RECOVER_HINT =
  'Run `certify audit verify` to see what is wrong. Restore the audit files from a backup, or move ' +
  `${AUDIT_LOG_FILE}, ${AUDIT_CHECKPOINTS_FILE} and ${AUDIT_HEAD_FILE} aside (keep them as evidence) to start a new log.`;

function isoTime(now: number, what: string): string {
  const date = new Date(now);
  if (!Number.isFinite(now) || Number.isNaN(date.getTime()))
    throw auditError(`${what}: ${now} is not a time`);
  return date.toISOString();
}

function identity(st: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}`;
}

export function openAuditLog(dataDir: string, signer: Signer, opts: AuditLogOptions = {}): AuditLog {
  const path = join(dataDir, AUDIT_LOG_FILE);
  const checkpointsPath = join(dataDir, AUDIT_CHECKPOINTS_FILE);
  const headPath = join(dataDir, AUDIT_HEAD_FILE);
  const every = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  if (!Number.isInteger(every) || every < 1) throw auditError(`checkpointEvery must be a positive integer`);
  const notice = opts.onNotice ?? (() => undefined);

  /** The last entry, valid while the file's identity is `seen`; re-read when another writer changed it. */
  let tail: Tail | null = null;
  let seen: string | null = null;
  /** Set when the signed head lags the log by the one entry a crash can leave unsigned. */
  let headStale = false;
  let queue: Promise<unknown> = Promise.resolve();

  function enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs `task` holding the in-process queue and the cross-process lock, with the tail in sync.
   * The task calls `assertHeld` before it writes, so a lock lost to a stall writes nothing.
   */
  function locked<T>(task: (handle: FileHandle, assertHeld: () => void) => Promise<T>): Promise<T> {
    return enqueue(async () => {
      let held: HeldLock;
      try {
        held = await acquireFileLock(path);
      } catch (error) {
        throw lockFailure(error);
      }
      let handle: FileHandle | undefined;
      try {
        handle = await open(path, 'a+', 0o600);
        const now = identity(await handle.stat({ bigint: true }));
        if (now !== seen) await resync(handle);
        return await task(handle, () => held.assertHeld());
      } catch (error) {
        // Whatever state the file is in now, the next operation reads it afresh.
        seen = null;
        throw error;
      } finally {
        await handle?.close().catch(() => undefined);
        await held.release();
      }
    });
  }

  async function resync(handle: FileHandle): Promise<void> {
    const size = Number((await handle.stat()).size);
    if (size === 0) await syncDirectory(dataDir);
    const { end, line } = await scanTail(handle, size);
    if (end < size) {
      // Never acknowledged (the append resolves only after the newline is fsynced), so cutting it
      // loses nothing anyone was told was logged.
      await handle.truncate(end);
      await handle.sync();
      notice(
        `audit log: removed an unterminated partial entry (${size - end} bytes) at the end of ${path}, left by an append interrupted by a crash`,
      );
    }
    tail = null;
    if (line !== null) {
      const entry = parseEntryLine(line);
      if (typeof entry === 'string') {
        throw auditError(`cannot append to ${path}: its last entry is unreadable (${entry})`, RECOVER_HINT);
      }
      tail = { seq: entry.seq, hash: entry.hash, prev: entry.prev };
    }
    await checkHead();
    seen = identity(await handle.stat({ bigint: true }));
  }

  /**
   * Refuses to extend a log that does not end where its signed head says: writing a new head
   * would erase the evidence that entries were cut off the end. The one gap a crash can leave
   * (the head one entry behind, between an append and the head update) is repaired instead.
   */
  async function checkHead(): Promise<void> {
    headStale = false;
    const jws = await readIfExists(headPath);
    const head = jws === null ? null : parseSignedPayload(jws);
    if (jws !== null && head === null) {
      throw auditError(`cannot append to ${path}: its signed head ${headPath} is unreadable`, RECOVER_HINT);
    }
    const headSeq = head?.seq ?? 0;
    const headHash = head?.hash ?? GENESIS;
    const tailSeq = tail?.seq ?? 0;
    if (headSeq === tailSeq && headHash === (tail?.hash ?? GENESIS)) return;
    if (tail !== null && headSeq === tailSeq - 1 && headHash === tail.prev) {
      headStale = true;
      notice(
        `audit log: the signed head was at entry ${headSeq} but the log ends at entry ${tailSeq} (an append interrupted by a crash before the head was signed); signing the head again`,
      );
      return;
    }
    throw auditError(
      `cannot append to ${path}: it ends at entry ${tailSeq} but its signed head records entry ${headSeq} ` +
        `(hash ${short(headHash)}); entries may have been removed or rewritten`,
      RECOVER_HINT,
    );
  }

  async function writeHead(now: number): Promise<void> {
    if (tail === null) return;
    const jws = await signPoint(signer, 'head', tail, isoTime(now, 'audit head'));
    await writeFileAtomic(headPath, `${jws}\n`);
    headStale = false;
  }

  async function writeCheckpoint(now: number): Promise<{ seq: number; hash: string } | null> {
    if (tail === null) return null;
    const { seq, hash } = tail;
    const jws = await signPoint(signer, 'checkpoint', { seq, hash }, isoTime(now, 'audit checkpoint'));
    const handle = await open(checkpointsPath, 'a+', 0o600);
    try {
      const size = Number((await handle.stat()).size);
      const { end } = await scanTail(handle, size);
      if (end < size) {
        await handle.truncate(end);
        notice(
          `audit log: removed an unterminated partial checkpoint at the end of ${checkpointsPath}, left by a crash`,
        );
      }
      await writeAll(handle, `${jws}\n`);
      await handle.sync();
    } finally {
      await handle.close().catch(() => undefined);
    }
    return { seq, hash };
  }

  return {
    path,
    append(event, now) {
      let content: AuditEvent;
      try {
        // Copied now, so a caller mutating its objects after the call cannot change what is hashed.
        content = screenEvent(event);
      } catch (error) {
        return Promise.reject(error);
      }
      return locked(async (handle, assertHeld) => {
        const entry = chainEntry(tail, content, isoTime(now, 'audit entry'));
        const { seq } = entry;
        assertHeld();
        await writeAll(handle, `${JSON.stringify(entry)}\n`);
        await handle.sync();
        tail = { seq, hash: entry.hash, prev: entry.prev };
        seen = identity(await handle.stat({ bigint: true }));
        if (seq % every === 0) await writeCheckpoint(now);
        await writeHead(now);
        return entry;
      });
    },
    async entries(range = {}) {
      const from = range.from === undefined ? -Infinity : parseBound(range.from, 'from');
      const to = range.to === undefined ? Infinity : parseBound(range.to, 'to');
      const text = await readIfExists(path);
      if (text === null) return [];
      const lines = text.split('\n');
      // The last piece is '' after a final newline, or an append in progress / torn by a crash.
      lines.pop();
      const out: AuditEntry[] = [];
      lines.forEach((line, index) => {
        const entry = parseEntryLine(line);
        if (typeof entry === 'string') {
          throw auditError(`${path} line ${index + 1} is not a readable audit entry: ${entry}`, RECOVER_HINT);
        }
        const at = Date.parse(entry.at);
        if (at >= from && at <= to) out.push(entry);
      });
      return out;
    },
    checkpoint(now) {
      return locked(async (_handle, assertHeld) => {
        assertHeld();
        if (headStale) await writeHead(now);
        return writeCheckpoint(now);
      });
    },
  };
}

function parseBound(value: string, which: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw auditError(`audit log range: "${which}" ${JSON.stringify(value)} is not an ISO time`);
  return ms;
}
