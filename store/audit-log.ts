/**
 * The operator audit log: every command, approval, rejection, download, rule or configuration
 * change, as one line of `audit-log.jsonl`. Each entry carries the hash of the one before, so an
 * edit, deletion, insertion or reordering breaks the chain; signed checkpoints
 * (`audit-checkpoints.jsonl`) and a signed head (`audit-head.jws`) pin the hashes, so an attacker
 * who edits an entry and recomputes every following hash, or cuts entries off the end, is caught
 * too (as long as they cannot sign with the bot's key).
 *
 * Durability: an append resolves only after its line is fsynced. A crash mid-append leaves at
 * most an unterminated last line, never acknowledged to anyone; the next writer cuts it off and
 * says so. One writer at a time across processes (the data dir's one file lock, the same as the
 * stores'), so a CLI and the bot never fork the chain.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { signCompact, verifyCompact, type Jwks, type Signer } from '../base/jws.js';
import { CertifyError } from '../base/errors.js';
import { acquireFileLock, lockPathOf, type HeldLock } from './file-lock.js';
import { syncDirectory, writeFileAtomic } from './json-file.js';
import type { AuditEntry, AuditEvent } from '../evidence/types.js';

export const AUDIT_LOG_FILE = 'audit-log.jsonl';
export const AUDIT_CHECKPOINTS_FILE = 'audit-checkpoints.jsonl';
export const AUDIT_HEAD_FILE = 'audit-head.jws';
/** The writers' lock (a directory, see store/file-lock.ts). */
export const AUDIT_LOCK_FILE = lockPathOf(AUDIT_LOG_FILE);

/** `typ` headers: without them an old checkpoint could be passed off as the head, hiding a truncation. */
const CHECKPOINT_TYP = 'certify.audit-checkpoint';
const HEAD_TYP = 'certify.audit-head';
const GENESIS = '0'.repeat(64);
const DEFAULT_CHECKPOINT_EVERY = 50;
const TAIL_CHUNK = 64 * 1024;

/**
 * Detail keys that name a secret's content rather than facts about it. Exact names only: Key
 * Vault facts such as `secretName` or `tokenExpiry` are legitimate audit details.
 */
const SECRET_KEY =
  /^(password|passphrase|secret|secretValue|clientSecret|token|accessToken|refreshToken|idToken|credential|credentials|apiKey|privateKey|connectionString|value)$/i;

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

export type AuditProblemKind =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'torn'
  | 'bad-checkpoint'
  | 'bad-head'
  | 'unparsable';

export interface AuditProblem {
  /** The entry concerned (for 'deleted' and 'truncated': the first missing one), when known. */
  seq: number | null;
  /**
   * 1-based line in the file the problem is in: the log, or for 'bad-checkpoint' (and a torn
   * checkpoint line) the checkpoints file; the message names the file.
   */
  line: number | null;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entry lines that parsed (including edited or inserted ones). */
  entries: number;
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  lastSeq: number;
  lastHash: string | null;
  problems: AuditProblem[];
}

// ---------------------------------------------------------------------------------------------
// Hashing

/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does) at every
 * depth and no whitespace, so the same value always hashes the same whatever order its keys were
 * built in. Follows JSON.stringify otherwise (toJSON, undefined members dropped), except that a
 * non-finite number is refused: JSON would turn it into null, and a hash must not hide that.
 */
export function canonicalJson(value: unknown): string {
  const out = canonical(value);
  if (out === undefined) throw new TypeError('canonicalJson: the value is not representable in JSON');
  return out;
}

function canonical(value: unknown): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint is not a JSON number');
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonical(item) ?? 'null').join(',')}]`;
      const members: string[] = [];
      for (const key of Object.keys(value).sort()) {
        const member = canonical((value as Record<string, unknown>)[key]);
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/** SHA-256 (hex) of the canonical JSON of every field of the entry but `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  // A full entry may be passed where the type allows it; its own hash is never part of the input.
  const { hash: _hash, ...content } = entry as Partial<AuditEntry>;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Writer

interface Tail {
  seq: number;
  hash: string;
  prev: string;
}

function auditError(message: string, hint?: string): CertifyError {
  return new CertifyError('AUDIT_LOG', message, [], hint);
}

/** A lock that cannot be had is an audit-log failure to the caller: nothing was logged. */
function lockFailure(error: unknown): unknown {
  return error instanceof CertifyError ? new CertifyError('AUDIT_LOG', error.message, [], error.hint) : error;
}

const RECOVER_HINT =
  'Run `certify audit verify` to see what is wrong. Restore the audit files from a backup, or move ' +
  `${AUDIT_LOG_FILE}, ${AUDIT_CHECKPOINTS_FILE} and ${AUDIT_HEAD_FILE} aside (keep them as evidence) to start a new log.`;

function checkEvent(event: AuditEvent): void {
  const bad = (what: string) => auditError(`refusing to log an audit event: ${what}`);
  if (typeof event !== 'object' || event === null) throw bad('it is not an object');
  if (typeof event.action !== 'string' || event.action === '')
    throw bad('"action" must be a non-empty string');
  const actor = event.actor as unknown as Record<string, unknown> | null;
  if (typeof actor !== 'object' || actor === null) throw bad('"actor" must be an object');
  for (const field of ['id', 'name', 'channel']) {
    if (typeof actor[field] !== 'string') throw bad(`"actor.${field}" must be a string`);
  }
  if (event.subject !== null && typeof event.subject !== 'string')
    throw bad('"subject" must be a string or null');
  if (typeof event.details !== 'object' || event.details === null || Array.isArray(event.details)) {
    throw bad('"details" must be an object');
  }
  for (const [key, value] of Object.entries(event.details)) {
    if (SECRET_KEY.test(key)) {
      // Loud on purpose: the log is kept for years and exported to auditors; a secret in it leaks.
      throw bad(
        `details key "${key}" names a secret value; the audit log never stores secrets, tokens or credentials`,
      );
    }
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw bad(`details "${key}" must be a string, a finite number, a boolean or null`);
  }
}

function isoTime(now: number, what: string): string {
  const date = new Date(now);
  if (!Number.isFinite(now) || Number.isNaN(date.getTime()))
    throw auditError(`${what}: ${now} is not a time`);
  return date.toISOString();
}

function identity(st: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
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
    let jws: string | null;
    try {
      jws = await readFile(headPath, 'utf8');
    } catch (error) {
      if (errorCode(error) !== 'ENOENT')
        throw auditError(`cannot read ${headPath}: ${(error as Error).message}`);
      jws = null;
    }
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
    const payload = { seq: tail.seq, hash: tail.hash, at: isoTime(now, 'audit head') };
    await writeFileAtomic(headPath, `${signCompact(signer, payload, { typ: HEAD_TYP })}\n`);
    headStale = false;
  }

  async function writeCheckpoint(now: number): Promise<{ seq: number; hash: string } | null> {
    if (tail === null) return null;
    const { seq, hash } = tail;
    const jws = signCompact(
      signer,
      { seq, hash, at: isoTime(now, 'audit checkpoint'), entries: seq },
      { typ: CHECKPOINT_TYP },
    );
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
      try {
        checkEvent(event);
      } catch (error) {
        return Promise.reject(error);
      }
      // Copied now, so a caller mutating its objects after the call cannot change what is hashed.
      const content = {
        action: event.action,
        actor: { id: event.actor.id, name: event.actor.name, channel: event.actor.channel },
        subject: event.subject,
        details: { ...event.details },
      };
      return locked(async (handle, assertHeld) => {
        const seq = (tail?.seq ?? 0) + 1;
        const base = { seq, at: isoTime(now, 'audit entry'), ...content, prev: tail?.hash ?? GENESIS };
        const entry: AuditEntry = { ...base, hash: entryHash(base) };
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
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return [];
        throw auditError(`cannot read ${path}: ${(error as Error).message}`);
      }
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

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/**
 * Reads backwards from the end only as far as the last complete line, so an append costs the
 * same on a log of ten entries or ten million. `end` is the length of the newline-terminated
 * prefix: anything after it is a torn line.
 */
async function scanTail(handle: FileHandle, size: number): Promise<{ end: number; line: string | null }> {
  let start = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl >= 0) {
      // lastIndexOf with a negative offset counts from the end, hence the explicit guard.
      const prevNl = lastNl === 0 ? -1 : buf.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl >= 0 || start === 0) {
        return { end: start + lastNl + 1, line: buf.subarray(prevNl + 1, lastNl).toString('utf8') };
      }
    } else if (start === 0) {
      return { end: 0, line: null };
    }
    const n = Math.min(TAIL_CHUNK, start);
    start -= n;
    const chunk = Buffer.alloc(n);
    let read = 0;
    while (read < n) {
      const { bytesRead } = await handle.read(chunk, read, n - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    buf = Buffer.concat([chunk.subarray(0, read), buf]);
  }
}

// ---------------------------------------------------------------------------------------------
// Verification

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entry, or why the line is not one. */
function parseEntryLine(line: string): AuditEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return line.trim() === '' ? 'the line is empty' : 'the line is not JSON';
  }
  if (!isPlain(value)) return 'the line is not a JSON object';
  const { seq, at, action, actor, subject, details, prev, hash } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return '"seq" is not a positive integer';
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return '"at" is not an ISO time';
  if (typeof action !== 'string') return '"action" is not a string';
  if (
    !isPlain(actor) ||
    typeof actor.id !== 'string' ||
    typeof actor.name !== 'string' ||
    typeof actor.channel !== 'string'
  ) {
    return '"actor" is not an { id, name, channel } object';
  }
  if (subject !== null && typeof subject !== 'string') return '"subject" is not a string or null';
  if (!isPlain(details)) return '"details" is not an object';
  if (typeof prev !== 'string' || !HEX64.test(prev)) return '"prev" is not a SHA-256 hex hash';
  if (typeof hash !== 'string' || !HEX64.test(hash)) return '"hash" is not a SHA-256 hex hash';
  return value as unknown as AuditEntry;
}

interface SignedPoint {
  seq: number;
  hash: string;
  at: string;
}

/** The payload of a head or checkpoint JWS, unverified (the writer only compares positions). */
function parseSignedPayload(jws: string): SignedPoint | null {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    return checkPoint(JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

function checkPoint(value: unknown): SignedPoint | null {
  if (!isPlain(value)) return null;
  const { seq, hash, at } = value;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) return null;
  if (typeof hash !== 'string' || !HEX64.test(hash) || typeof at !== 'string') return null;
  return { seq, hash, at };
}

/** Verifies a signed point; returns it, or why it does not verify. */
function verifyPoint(jws: string, jwks: Jwks, typ: string): SignedPoint | string {
  let payload: unknown;
  try {
    const verified = verifyCompact(jws, jwks);
    if (verified.header.typ !== typ)
      return `it is not an audit ${typ === HEAD_TYP ? 'head' : 'checkpoint'} (typ ${String(verified.header.typ)})`;
    payload = JSON.parse(verified.payload.toString('utf8'));
  } catch (error) {
    return (error as Error).message;
  }
  const point = checkPoint(payload);
  if (point === null) return 'its payload is not { seq, hash, at }';
  if (typ === CHECKPOINT_TYP && (payload as { entries?: unknown }).entries !== point.seq) {
    return 'its "entries" does not match its "seq"';
  }
  return point;
}

interface Located {
  entry: AuditEntry;
  line: number;
  /** Position among parsed entries, in file order. */
  index: number;
}

function range(from: number, to: number): string {
  return from === to ? `entry ${from}` : `entries ${from}–${to}`;
}

/** Pure: verifies the three files' contents against the key set. */
export function verifyAuditContents(
  input: { log: string; checkpoints: string; head: string | null },
  jwks: Jwks,
): AuditVerification {
  const problems: AuditProblem[] = [];
  const report = (kind: AuditProblemKind, seq: number | null, line: number | null, message: string) => {
    if (!problems.some((p) => p.kind === kind && p.seq === seq && p.line === line)) {
      problems.push({ seq, line, kind, message });
    }
  };

  // Signed points first: they settle which of two entries claiming one seq is genuine.
  const checkpoints: { point: SignedPoint; line: number }[] = [];
  const cpLines = input.checkpoints.split('\n');
  const cpTail = cpLines.pop() ?? '';
  cpLines.forEach((text, i) => {
    const result = text.trim() === '' ? 'the line is empty' : verifyPoint(text, jwks, CHECKPOINT_TYP);
    if (typeof result === 'string') {
      report(
        'bad-checkpoint',
        null,
        i + 1,
        `${AUDIT_CHECKPOINTS_FILE} line ${i + 1} is not a valid signed checkpoint: ${result}`,
      );
    } else {
      checkpoints.push({ point: result, line: i + 1 });
    }
  });
  if (cpTail !== '') {
    report(
      'torn',
      null,
      cpLines.length + 1,
      `${AUDIT_CHECKPOINTS_FILE} line ${cpLines.length + 1} is an unterminated, partial checkpoint: a write was interrupted by a crash`,
    );
  }
  let head: SignedPoint | null = null;
  if (input.head !== null) {
    const result = verifyPoint(input.head, jwks, HEAD_TYP);
    if (typeof result === 'string')
      report('bad-head', null, null, `the signed head ${AUDIT_HEAD_FILE} does not verify: ${result}`);
    else head = result;
  }
  const signed = new Map<number, string[]>();
  for (const { point } of [...checkpoints, ...(head ? [{ point: head }] : [])]) {
    signed.set(point.seq, [...(signed.get(point.seq) ?? []), point.hash]);
  }

  // Parse.
  const lines = input.log.split('\n');
  const logTail = lines.pop() ?? '';
  const parsed: Located[] = [];
  lines.forEach((text, i) => {
    const entry = parseEntryLine(text);
    if (typeof entry === 'string')
      report('unparsable', null, i + 1, `line ${i + 1} is not a readable audit entry: ${entry}`);
    else parsed.push({ entry, line: i + 1, index: parsed.length });
  });
  if (logTail !== '') {
    const partial = parseEntryLine(logTail);
    report(
      'torn',
      typeof partial === 'string' ? null : partial.seq,
      lines.length + 1,
      `line ${lines.length + 1} is an unterminated, partial entry: an append was interrupted by a crash before it ` +
        'was acknowledged (the next append removes it)',
    );
  }

  // Content: an entry whose hash no longer matches it was edited in place.
  const contentOk = new Map<Located, boolean>();
  for (const item of parsed) {
    const ok = entryHash(item.entry) === item.entry.hash;
    contentOk.set(item, ok);
    if (!ok) {
      report(
        'edited',
        item.entry.seq,
        item.line,
        `entry ${item.entry.seq} (line ${item.line}) was edited: its hash does not match its content`,
      );
    }
  }

  // Several lines claiming one seq: keep the one the chain and the signatures vouch for.
  const bySeq = new Map<number, Located[]>();
  for (const item of parsed) bySeq.set(item.entry.seq, [...(bySeq.get(item.entry.seq) ?? []), item]);
  const linksTo = (item: Located) =>
    (bySeq.get(item.entry.seq + 1) ?? []).some((next) => next.entry.prev === item.entry.hash);
  const linksFrom = (item: Located) =>
    item.entry.seq === 1
      ? item.entry.prev === GENESIS
      : (bySeq.get(item.entry.seq - 1) ?? []).some((before) => before.entry.hash === item.entry.prev);
  const isSigned = (item: Located) => (signed.get(item.entry.seq) ?? []).includes(item.entry.hash);
  let kept: Located[] = [];
  for (const [seq, group] of bySeq) {
    if (group.length === 1) {
      kept.push(group[0]!);
      continue;
    }
    const score = (item: Located) =>
      (isSigned(item) ? 8 : 0) +
      (linksTo(item) ? 4 : 0) +
      (contentOk.get(item) ? 2 : 0) +
      (linksFrom(item) ? 1 : 0);
    const genuine = group.reduce((best, item) => (score(item) > score(best) ? item : best));
    kept.push(genuine);
    for (const item of group) {
      if (item === genuine) continue;
      report(
        'inserted',
        seq,
        item.line,
        `line ${item.line} was inserted: it claims to be entry ${seq}, which is on line ${genuine.line}` +
          (linksTo(genuine) ? ` (entry ${seq + 1} links to that one)` : ''),
      );
    }
  }
  kept.sort((a, b) => a.index - b.index);

  // Order: entries off the longest in-order run were moved, unless linked to nothing (a forgery).
  const inOrder = longestIncreasing(kept.map((item) => item.entry.seq));
  const moved = kept.filter((_, i) => !inOrder.has(i));
  const orphans = new Set(moved.filter((item) => !linksFrom(item) && !linksTo(item) && !isSigned(item)));
  for (const item of moved) {
    if (orphans.has(item)) {
      report(
        'inserted',
        item.entry.seq,
        item.line,
        `line ${item.line} was inserted: it claims to be entry ${item.entry.seq}, out of order, and no entry links to it or it to one`,
      );
      continue;
    }
    const position = kept.indexOf(item);
    const before = kept[position - 1];
    const after = kept[position + 1];
    const neighbours = [
      before ? `after entry ${before.entry.seq} (line ${before.line})` : 'at the start of the log',
      after ? `before entry ${after.entry.seq} (line ${after.line})` : 'at the end of the log',
    ];
    report(
      'reordered',
      item.entry.seq,
      item.line,
      `entry ${item.entry.seq} is out of order: it is on line ${item.line}, ${neighbours.join(' and ')}`,
    );
  }
  kept = kept.filter((item) => !orphans.has(item)).sort((a, b) => a.entry.seq - b.entry.seq);
  const at = new Map(kept.map((item) => [item.entry.seq, item]));

  // Gaps and links, in seq order.
  let expected = 1;
  for (const item of kept) {
    const { seq, prev } = item.entry;
    if (seq > expected) {
      const before = at.get(expected - 1);
      report(
        'deleted',
        expected,
        item.line,
        `${range(expected, seq - 1)} ${seq - 1 === expected ? 'is' : 'are'} missing (deleted): ` +
          (before
            ? `entry ${seq}'s previous hash points to ${short(prev)}, which is not entry ${before.entry.seq}'s`
            : `the log starts at entry ${seq}`),
      );
    } else if (seq === 1 && prev !== GENESIS) {
      report(
        'edited',
        1,
        item.line,
        `entry 1 (line ${item.line}) was edited: its previous hash is not the genesis value`,
      );
    } else if (seq > 1) {
      const before = at.get(seq - 1)!;
      if (before.entry.hash !== prev) {
        report(
          'edited',
          seq - 1,
          before.line,
          `entry ${seq - 1} (line ${before.line}) was edited and its hash recomputed: entry ${seq}'s previous hash ` +
            `${short(prev)} does not match its hash ${short(before.entry.hash)}`,
        );
      }
    }
    expected = seq + 1;
  }
  const last = kept[kept.length - 1] ?? null;
  const lastSeq = last?.entry.seq ?? 0;

  // Signed points against the log: a forger who rechained every hash cannot re-sign them.
  const coveredBelow = (seq: number) =>
    Math.max(
      0,
      ...checkpoints
        .filter((c) => c.point.seq < seq && at.get(c.point.seq)?.entry.hash === c.point.hash)
        .map((c) => c.point.seq),
    );
  let signedEnd = 0;
  for (const { point, line } of checkpoints) {
    if (point.seq > lastSeq) {
      signedEnd = Math.max(signedEnd, point.seq);
      continue;
    }
    const entry = at.get(point.seq);
    if (entry && entry.entry.hash !== point.hash) {
      report(
        'bad-checkpoint',
        point.seq,
        line,
        `the signed checkpoint at entry ${point.seq} (${AUDIT_CHECKPOINTS_FILE} line ${line}) records hash ${short(point.hash)}, ` +
          `but entry ${point.seq} has hash ${short(entry.entry.hash)}: one of ${range(coveredBelow(point.seq) + 1, point.seq)} ` +
          'was changed and the hashes after it recomputed',
      );
    }
  }
  if (input.head === null && parsed.length > 0) {
    report(
      'bad-head',
      null,
      null,
      `the signed head ${AUDIT_HEAD_FILE} is missing, so entries removed from the end would go unnoticed`,
    );
  }
  if (head !== null) {
    if (head.seq > lastSeq) {
      signedEnd = Math.max(signedEnd, head.seq);
    } else {
      const entry = at.get(head.seq);
      if (entry && entry.entry.hash !== head.hash) {
        report(
          'bad-head',
          head.seq,
          entry.line,
          `the signed head records hash ${short(head.hash)} for entry ${head.seq}, but it has hash ${short(entry.entry.hash)}: ` +
            `one of ${range(coveredBelow(head.seq) + 1, head.seq)} was changed and the hashes after it recomputed`,
        );
      }
      if (head.seq < lastSeq) {
        report(
          'bad-head',
          head.seq + 1,
          at.get(head.seq + 1)?.line ?? null,
          `the signed head is at entry ${head.seq} but the log goes on to entry ${lastSeq}: ${range(head.seq + 1, lastSeq)} ` +
            'are not covered by it (appended without being signed, the head replaced by an older one, or a crash between ' +
            'an append and the head update, which the next append repairs)',
        );
      }
    }
  }
  if (signedEnd > lastSeq) {
    report(
      'truncated',
      lastSeq + 1,
      null,
      `${range(lastSeq + 1, signedEnd)} ${signedEnd === lastSeq + 1 ? 'was' : 'were'} removed from the end: the log ends at ` +
        `entry ${lastSeq} but a signed ${head && head.seq === signedEnd ? 'head' : 'checkpoint'} records entry ${signedEnd}`,
    );
  }

  return {
    ok: problems.length === 0,
    entries: parsed.length,
    checkpoints: checkpoints.length,
    lastSeq,
    lastHash: last?.entry.hash ?? null,
    problems,
  };
}

/** Indices of one longest strictly increasing subsequence (O(n log n)). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const parent: number[] = new Array<number>(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1;
      else hi = mid;
    }
    parent[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  }
  const out = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = parent[i]!) out.add(i);
  return out;
}

/** Reads the files from dataDir and verifies them; missing files = empty log (ok). */
export async function verifyAuditLog(dataDir: string, jwks: Jwks): Promise<AuditVerification> {
  // Under the writers' lock, so a concurrent append is not mistaken for a log ahead of its head.
  // Best effort: a read-only copy (an extracted bundle, a backup) is verified without it.
  let held: HeldLock | null;
  try {
    held = await acquireFileLock(join(dataDir, AUDIT_LOG_FILE), { createDir: false, waitMs: 5_000 });
  } catch {
    held = null;
  }
  try {
    const read = async (name: string): Promise<string | null> => {
      try {
        return await readFile(join(dataDir, name), 'utf8');
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return null;
        throw auditError(`cannot read ${join(dataDir, name)}: ${(error as Error).message}`);
      }
    };
    const [log, checkpoints, head] = await Promise.all([
      read(AUDIT_LOG_FILE),
      read(AUDIT_CHECKPOINTS_FILE),
      read(AUDIT_HEAD_FILE),
    ]);
    return verifyAuditContents({ log: log ?? '', checkpoints: checkpoints ?? '', head }, jwks);
  } finally {
    await held?.release();
  }
}
