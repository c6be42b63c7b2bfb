/**
 * The operator audit log in PostgreSQL (the AuditLog of store/audit-writer.ts), one chain for
 * every replica. The format is the file log's, byte for byte: each row's `line` is the JSONL line
 * the file log would have written, chained and hashed by the same functions
 * (evidence/audit/chain.ts), with signed checkpoints every `checkpointEvery` entries and a signed
 * head (evidence/audit/points.ts), and it is verified by the same pure verifier over the same
 * texts ({@link verifyPgAuditLog}), so `certify audit verify`'s answers mean the same here.
 *
 * One append is one transaction holding a transaction-level advisory lock: replicas append one at
 * a time, each after the last committed entry, so seq has no gaps and no duplicates (and the
 * primary key would refuse a duplicate anyway). The entry, its checkpoint and the head commit
 * together, so there is no torn line and no head left behind by a crash to repair: a log whose
 * head does not match its last entry was changed outside Certify, and is refused as the file
 * log refuses it.
 */
import type pg from 'pg';
import { isCertifyError } from '../../base/errors.js';
import type { Jwks, Signer } from '../../base/jws.js';
import { chainEntry, parseEntryLine } from '../../evidence/audit/chain.js';
import { GENESIS, auditError, short } from '../../evidence/audit/format.js';
import { parseSignedPayload, signPoint } from '../../evidence/audit/points.js';
import { screenEvent } from '../../evidence/audit/screen.js';
import {
  verifyAuditContents,
  type AuditProblem,
  type AuditVerification,
} from '../../evidence/audit/verify.js';
import type { AuditEntry, AuditEvent } from '../../evidence/types.js';
import type { AuditLog } from '../audit-writer.js';

/** The advisory lock key of appends: "CERTIFYA" as a 64-bit integer (text: it does not fit a JS number). */
export const AUDIT_LOCK_KEY = '4847371095894284609';

const DEFAULT_CHECKPOINT_EVERY = 50;
/** As the file log's lock: an append that cannot go ahead within 30 s fails, and logs nothing. */
const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
const WHERE = 'PostgreSQL table audit_log';

const RECOVER_HINT =
  'Run `certify audit verify` to see what is wrong. Restore the audit tables (audit_log, audit_checkpoints, ' +
  'audit_head) from a backup, or, to start a new log, copy them elsewhere as evidence and empty them.';

export interface PgAuditLogOptions {
  /** A signed checkpoint every this many entries (default 50). */
  checkpointEvery?: number;
  /** How long an append waits for the others (default 30 s). */
  lockTimeoutMs?: number;
}

function isoTime(now: number, what: string): string {
  const date = new Date(now);
  if (!Number.isFinite(now) || Number.isNaN(date.getTime()))
    throw auditError(`${what}: ${now} is not a time`);
  return date.toISOString();
}

function parseBound(value: string, which: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw auditError(`audit log range: "${which}" ${JSON.stringify(value)} is not an ISO time`);
  return ms;
}

/** A database failure as AUDIT_LOG: the transaction rolled back, so nothing was logged. */
function failure(what: string, error: unknown): unknown {
  if (isCertifyError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '55P03') {
    return auditError(
      `cannot ${what}: another writer held the audit log for too long; nothing was logged`,
      'try again; if it persists, look for a stuck session holding the lock in pg_locks',
    );
  }
  return auditError(`cannot ${what} (${WHERE}): ${(error as Error).message}; nothing was logged`);
}

interface Tail {
  seq: number;
  hash: string;
}

export function openPgAuditLog(pool: pg.Pool, signer: Signer, opts: PgAuditLogOptions = {}): AuditLog {
  const every = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  if (!Number.isInteger(every) || every < 1) throw auditError('checkpointEvery must be a positive integer');
  const lockTimeoutMs = opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;

  /**
   * Runs `task` in a transaction holding the append lock, with the log's last entry, checked
   * against the signed head. Committed when the task resolves; otherwise nothing is written.
   */
  async function locked<T>(
    what: string,
    task: (client: pg.PoolClient, tail: Tail | null) => Promise<T>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw failure(what, error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('lock_timeout', $1, true)`, [`${lockTimeoutMs}ms`]);
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY]);
      const tail = await readTail(client);
      const result = await task(client, tail);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw failure(what, error);
    } finally {
      client.release(broken);
    }
  }

  async function readTail(client: pg.PoolClient): Promise<Tail | null> {
    const { rows } = await client.query<{ line: string | null; jws: string | null }>(
      `SELECT (SELECT line FROM audit_log ORDER BY seq DESC LIMIT 1) AS line,
              (SELECT jws FROM audit_head WHERE id = 1) AS jws`,
    );
    const { line, jws } = rows[0] ?? { line: null, jws: null };
    let tail: Tail | null = null;
    if (line !== null) {
      const entry = parseEntryLine(line);
      if (typeof entry === 'string') {
        throw auditError(
          `cannot append to the ${WHERE}: its last entry is unreadable (${entry})`,
          RECOVER_HINT,
        );
      }
      tail = { seq: entry.seq, hash: entry.hash };
    }
    // The entry and the head commit together, so any difference was made outside Certify:
    // signing a new head would erase the evidence that entries were removed or rewritten.
    const head = jws === null ? null : parseSignedPayload(jws);
    if (jws !== null && head === null) {
      throw auditError(
        `cannot append to the ${WHERE}: its signed head (audit_head) is unreadable`,
        RECOVER_HINT,
      );
    }
    const headSeq = head?.seq ?? 0;
    const headHash = head?.hash ?? GENESIS;
    if (headSeq !== (tail?.seq ?? 0) || headHash !== (tail?.hash ?? GENESIS)) {
      throw auditError(
        `cannot append to the ${WHERE}: it ends at entry ${tail?.seq ?? 0} but its signed head records entry ${headSeq} ` +
          `(hash ${short(headHash)}); entries may have been removed or rewritten`,
        RECOVER_HINT,
      );
    }
    return tail;
  }

  async function writeCheckpoint(client: pg.PoolClient, tail: Tail, now: number): Promise<void> {
    const jws = await signPoint(signer, 'checkpoint', tail, isoTime(now, 'audit checkpoint'));
    await client.query(
      'INSERT INTO audit_checkpoints (seq, jws) VALUES ($1, $2) ON CONFLICT (seq) DO NOTHING',
      [tail.seq, jws],
    );
  }

  return {
    path: WHERE,
    append(event: AuditEvent, now: number) {
      let content: AuditEvent;
      let at: string;
      try {
        // Copied now, so a caller mutating its objects after the call cannot change what is hashed.
        content = screenEvent(event);
        at = isoTime(now, 'audit entry');
      } catch (error) {
        return Promise.reject(error);
      }
      return locked('append to the audit log', async (client, tail) => {
        const entry = chainEntry(tail, content, at);
        await client.query(
          'INSERT INTO audit_log (seq, at, line, hash) VALUES ($1, $2::timestamptz, $3, $4)',
          [entry.seq, entry.at, JSON.stringify(entry), entry.hash],
        );
        const next = { seq: entry.seq, hash: entry.hash };
        if (entry.seq % every === 0) await writeCheckpoint(client, next, now);
        const head = await signPoint(signer, 'head', next, at);
        await client.query(
          `INSERT INTO audit_head (id, jws) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET jws = EXCLUDED.jws`,
          [head],
        );
        return entry;
      });
    },

    async entries(range = {}) {
      const from = range.from === undefined ? -Infinity : parseBound(range.from, 'from');
      const to = range.to === undefined ? Infinity : parseBound(range.to, 'to');
      let found: { seq: string; line: string }[];
      try {
        // The column narrows the rows read; each entry's own time decides, as in the file log.
        ({ rows: found } = await pool.query<{ seq: string; line: string }>(
          `SELECT seq, line FROM audit_log
           WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz)
             AND ($2::timestamptz IS NULL OR at <= $2::timestamptz)
           ORDER BY seq`,
          [
            Number.isFinite(from) ? new Date(from).toISOString() : null,
            Number.isFinite(to) ? new Date(to).toISOString() : null,
          ],
        ));
      } catch (error) {
        throw failure('read the audit log', error);
      }
      const out: AuditEntry[] = [];
      for (const row of found) {
        const entry = parseEntryLine(row.line);
        if (typeof entry === 'string') {
          throw auditError(`${WHERE} entry ${row.seq} is not a readable audit entry: ${entry}`, RECOVER_HINT);
        }
        const ms = Date.parse(entry.at);
        if (ms >= from && ms <= to) out.push(entry);
      }
      return out;
    },

    checkpoint(now: number) {
      try {
        isoTime(now, 'audit checkpoint');
      } catch (error) {
        return Promise.reject(error);
      }
      return locked('write an audit checkpoint', async (client, tail) => {
        if (tail === null) return null;
        await writeCheckpoint(client, tail, now);
        return { seq: tail.seq, hash: tail.hash };
      });
    },
  };
}

/**
 * Verifies the audit tables with the file log's verifier (evidence/audit/verify.ts), over the
 * texts the files would hold: the lines in seq order, the checkpoints, the head. Read in one
 * snapshot, so an append committing meanwhile is not mistaken for a log ahead of its head. Rows
 * whose seq or hash columns disagree with their line are reported as edited too: the verifier
 * only sees lines, but appends find the last entry by those columns.
 */
export async function verifyPgAuditLog(pool: pg.Pool, jwks: Jwks): Promise<AuditVerification> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw failure('verify the audit log', error);
  }
  let broken: Error | undefined;
  let log: { seq: string; hash: string; line: string }[];
  let checkpoints: { jws: string }[];
  let head: { jws: string }[];
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    ({ rows: log } = await client.query('SELECT seq, hash, line FROM audit_log ORDER BY seq'));
    ({ rows: checkpoints } = await client.query('SELECT jws FROM audit_checkpoints ORDER BY seq'));
    ({ rows: head } = await client.query('SELECT jws FROM audit_head WHERE id = 1'));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw failure('verify the audit log', error);
  } finally {
    client.release(broken);
  }
  const text = (lines: readonly string[]) => lines.map((l) => `${l}\n`).join('');
  const result = verifyAuditContents(
    {
      log: text(log.map((r) => r.line)),
      checkpoints: text(checkpoints.map((r) => r.jws)),
      head: head[0]?.jws ?? null,
    },
    jwks,
  );
  const columns: AuditProblem[] = [];
  log.forEach((row, i) => {
    const entry = parseEntryLine(row.line);
    if (typeof entry === 'string') return; // the verifier has reported it
    if (entry.seq !== Number(row.seq) || entry.hash !== row.hash) {
      columns.push({
        seq: Number(row.seq),
        line: i + 1,
        kind: 'edited',
        message: `the row with seq ${row.seq} (line ${i + 1}) was edited: its seq or hash column does not match its entry`,
      });
    }
  });
  if (columns.length === 0) return result;
  return { ...result, ok: false, problems: [...result.problems, ...columns] };
}
