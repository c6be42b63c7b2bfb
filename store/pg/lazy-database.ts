/**
 * The database as the composition root holds it: a pool every adapter can be built on at once,
 * which connects and migrates on its first query. The composition root builds its services
 * synchronously and lazily (a CLI command pays only for what it touches), while opening
 * PostgreSQL is asynchronous; this handle lets the adapters be built before the database is
 * reachable, and the first use of any of them waits for the one opening (and sees its error).
 */
import type pg from 'pg';
import type { MigrateOptions, MigrateResult } from './migrate.js';
import { openCertifyDatabase } from './index.js';
import type { PgPoolOptions } from './pool.js';

export interface LazyDatabase {
  /**
   * What the adapters use: `query` and `connect` wait until the database is open and migrated.
   * Only those two (and `end`, through close) are served; the adapters need no more.
   */
  readonly pool: pg.Pool;
  /** Opens and migrates (once); resolves with the schema it found or brought up to date. */
  open(): Promise<MigrateResult>;
  /**
   * `SELECT 1` (opening first if need be), failing after `timeoutMs`: a probe must answer before
   * its own timeout even when the database hangs rather than refuses.
   */
  ping(timeoutMs: number): Promise<void>;
  /** Ends the pool if it was opened; later queries fail. */
  close(): Promise<void>;
}

export function lazyDatabase(
  url: string,
  options: PgPoolOptions & { migrate?: MigrateOptions } = {},
): LazyDatabase {
  let opening: Promise<{ pool: pg.Pool; schema: MigrateResult }> | null = null;
  let closed = false;
  const opened = () => {
    if (closed) return Promise.reject(new Error('PostgreSQL: the store was closed'));
    // A failed opening is not kept: a database that was down at start-up is tried again by the
    // next use, so a replica recovers without a restart.
    opening ??= openCertifyDatabase(url, options).catch((error: unknown) => {
      opening = null;
      throw error;
    });
    return opening;
  };
  const gate = {
    query: async (...args: unknown[]) => {
      const { pool } = await opened();
      return (pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    },
    connect: async () => (await opened()).pool.connect(),
  };
  return {
    // The adapters call only query() and connect(): the cast is confined to this handle.
    pool: gate as unknown as pg.Pool,
    open: async () => (await opened()).schema,
    ping: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`PostgreSQL did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([opened().then(({ pool }) => pool.query('SELECT 1')), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      if (opening === null) return;
      const { pool } = await opening.catch(() => ({ pool: null }));
      await pool?.end();
    },
  };
}
