/**
 * The read-modify-write of one `jsonb` body under its row's lock, shared by the adapters whose
 * embedded siblings update a document element by id (updateById): evidence requests, rotations.
 */
import type pg from 'pg';
import { inTransaction, rows } from './sql.js';

export interface LockedUpdate<B extends { id: string }, T> {
  /** A table with `id` and a `jsonb` `body` column. */
  table: 'evidence_requests' | 'rotations';
  /** Names the body in messages, e.g. `the rotation`. */
  what: string;
  id: string;
  mutator: (body: B) => T;
  /** Default ROW_LOCK_TIMEOUT_MS. */
  lockTimeoutMs?: number;
  /** Runs in the same transaction after a changed body is written. */
  written?: (client: pg.PoolClient, body: B) => Promise<void>;
}

/**
 * How long an update waits for another replica's lock on the same row before it fails with
 * STORE_IO, as an embedded update gives up waiting for the file's lock: a click answered with an
 * error rather than never.
 */
export const ROW_LOCK_TIMEOUT_MS = 30_000;

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * One transaction: the body read FOR UPDATE, so the mutator sees what the last writer on any
 * replica committed and the next waits for this one; the mutated body written back when it
 * changed. Returns the mutator's result. RangeError when there is no such row; what the mutator
 * throws reaches the caller as it is, and nothing is written.
 */
export async function updateLocked<B extends { id: string }, T>(
  pool: pg.Pool,
  update: LockedUpdate<B, T>,
): Promise<T> {
  const { table, what, id, mutator } = update;
  return inTransaction(pool, `update ${what} ${id}`, async (client) => {
    await rows(client, `update ${what} ${id}`, `SELECT set_config('lock_timeout', $1, true)`, [
      `${update.lockTimeoutMs ?? ROW_LOCK_TIMEOUT_MS}ms`,
    ]);
    const found = await rows<{ body: B }>(
      client,
      `read ${what} ${id}`,
      `SELECT body FROM ${table} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const body = found[0]?.body;
    if (body === undefined) throw new RangeError(`no element ${id} in PostgreSQL table ${table}`);
    const before = JSON.stringify(body);
    const result = mutator(body);
    // What an async mutator changed after its first await would never be written.
    if (isThenable(result)) throw new TypeError(`${table}: update mutators must be synchronous`);
    if (body.id !== id) throw new TypeError(`${what} ${id}: an update may not change its id`);
    const after = JSON.stringify(body);
    if (after !== before) {
      await rows(client, `update ${what} ${id}`, `UPDATE ${table} SET body = $2::jsonb WHERE id = $1`, [
        id,
        after,
      ]);
      await update.written?.(client, body);
    }
    return result;
  });
}
