/** What the PostgreSQL adapters share: a transaction on one connection, and times and JSON as parameters. */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';

/**
 * Runs `work` in one transaction on one pooled connection: committed when it resolves, rolled
 * back when it throws. What `work` throws reaches the caller as it is; a failure to connect,
 * begin or commit is STORE_IO saying `what` could not be done. A connection whose rollback
 * failed is destroyed rather than handed to the next caller mid-transaction.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  what: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError(what, error);
  }
  let broken: Error | undefined;
  try {
    try {
      await client.query('BEGIN');
    } catch (error) {
      throw storeError(what, error);
    }
    const result = await work(client);
    try {
      await client.query('COMMIT');
    } catch (error) {
      throw storeError(what, error);
    }
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Epoch ms as the ISO text a `timestamptz` parameter takes, refusing what is not a time. */
export function isoParam(ms: number, what: string): string {
  const date = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(date.getTime()))
    throw new RangeError(`${what}: ${ms} is not a time in epoch milliseconds`);
  return date.toISOString();
}

/** A value as a `jsonb` parameter (write `$n::jsonb`): `pg` would send a JS array as a PostgreSQL array. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

/** A database failure as STORE_IO naming what was being done; a CertifyError passes as it is. */
export function storeError(what: string, error: unknown): CertifyError {
  if (error instanceof CertifyError) return error;
  return new CertifyError('STORE_IO', `PostgreSQL: cannot ${what}: ${(error as Error).message}`);
}

/** The rows of one statement; a failure is STORE_IO saying `what` could not be done. */
export async function rows<R extends pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  what: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  try {
    return (await db.query<R>(text, params)).rows;
  } catch (error) {
    throw storeError(what, error);
  }
}
