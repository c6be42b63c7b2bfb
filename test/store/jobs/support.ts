/** Shared by the JobQueue tests: waiting on real time, and a throwaway PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use (as test/support/pg.ts reads it); each test file makes its own database on it. */
const ADMIN_URL =
  process.env.CERTIFY_TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` is true; fails naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A promise and the function that settles it: a handler holds on it until the test lets go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export interface TestDatabase {
  url: string;
  name: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** CREATE DATABASE certify_jobs_<random>, from the `postgres` database; `drop()` forces it away. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `certify_jobs_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
  } catch (error) {
    // A failure, never a skip: a queue test that passes without its database proves nothing.
    throw new Error(
      `the job queue tests need PostgreSQL where the postgres user may CREATE DATABASE (${new URL(ADMIN_URL).host}): ` +
        'start it (.ci/run does), or set CERTIFY_TEST_DATABASE_URL',
      { cause: error },
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(ADMIN_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    url,
    name,
    query: async (sql, values) => (await pool.query(sql, values)).rows,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
