/**
 * A fresh PostgreSQL database per test file, so files running in parallel never see each other's
 * rows: created on the server at CERTIFY_TEST_DATABASE_URL (default: the local one, as on the
 * project's machines and in CI), dropped again by `drop()`. No PostgreSQL is a failure with what
 * to do, never a skipped test: a suite that passes without its database proves nothing.
 *
 *   let db: TestDatabase;
 *   beforeAll(async () => (db = await createTestDatabase({ migrated: true })));
 *   afterAll(() => db?.drop());
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../store/pg/migrate.js';
import { openPool, redactUrl, type PgPoolOptions } from '../../store/pg/pool.js';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** Its URL, for another pool (another "replica") or a child process. */
  url: string;
  /** A pool on it, opened with store/pg/pool.ts. */
  pool: pg.Pool;
  /** Another pool on it, ended by drop(). */
  newPool(options?: PgPoolOptions): Promise<pg.Pool>;
  /** Ends every pool and drops the database. */
  drop(): Promise<void>;
}

function adminUrl(): string {
  return process.env.CERTIFY_TEST_DATABASE_URL?.trim() || DEFAULT_ADMIN_URL;
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `The PostgreSQL tests need a PostgreSQL server, and none answered at ${redactUrl(url)} ` +
        `(${(error as Error).message}). Start PostgreSQL (on the project's machines: ` +
        '`pg_ctlcluster 15 main start`; .ci/run installs and starts it), with trust auth for the ' +
        'postgres user on 127.0.0.1, or set CERTIFY_TEST_DATABASE_URL to a server where that user may CREATE DATABASE.',
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** `migrated`: with this build's schema (store/pg/migrations.ts) already in place. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const server = adminUrl();
  const name = `certify_t_${randomBytes(6).toString('hex')}`;
  // template0: template1 refuses to be copied while anyone is connected to it.
  await admin(server, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
  const url = withDatabase(server, name);
  const pools: pg.Pool[] = [];
  const newPool = async (poolOptions: PgPoolOptions = {}) => {
    const pool = await openPool(url, poolOptions);
    pools.push(pool);
    return pool;
  };
  let pool: pg.Pool;
  try {
    pool = await newPool();
    if (options.migrated) await migrate(pool);
  } catch (error) {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw error;
  }
  let dropped = false;
  return {
    name,
    url,
    pool,
    newPool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
