/**
 * Brings a database to this build's schema at start-up (store/pg/migrations.ts). Replicas that
 * start together all call it: a session advisory lock lets one migrate while the others wait,
 * then find nothing left to do. Each migration runs in its own transaction with its row in
 * `certify_schema`, so a failure leaves the database at the version before it.
 *
 * A database migrated by a newer Certify is refused before anything is written to it: this build
 * cannot know what the newer schema means, and "repairing" it would destroy the newer data.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import { packageInfo } from '../../base/package-info.js';
import { MIGRATIONS, type Migration } from './migrations.js';

/**
 * The advisory lock key of migrations: "CERTIFYM" as a 64-bit integer. Fixed, because replicas
 * of every version must agree on it; text, because it does not fit a JS number.
 */
export const MIGRATION_LOCK_KEY = '4847371095894284621';

const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;

export interface MigrateOptions {
  /** Default: MIGRATIONS (tests pass others). */
  migrations?: readonly Migration[];
  /** Recorded with each migration applied (default: this package's version). */
  certifyVersion?: string;
  /** How long to wait for another replica's migration (default 5 minutes). */
  lockTimeoutMs?: number;
  /** Told about each migration as it is applied. */
  onNotice?: (message: string) => void;
}

export interface MigrateResult {
  /** The version found (0: a database Certify never used). */
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

/** Pure: why a list of migrations cannot be applied, or null. */
export function migrationsProblem(migrations: readonly Migration[]): string | null {
  for (const [i, m] of migrations.entries()) {
    if (m.version !== i + 1) return `migration ${i + 1} has version ${m.version}: versions run 1, 2, 3 …`;
    if (m.name.trim() === '') return `migration ${m.version} has no name`;
    if (m.sql.trim() === '') return `migration ${m.version} (${m.name}) has no SQL`;
  }
  return null;
}

/** The `certify_schema` table: created with the first migration, in its transaction. */
const SCHEMA_TABLE = `
CREATE TABLE certify_schema (
  version integer PRIMARY KEY CHECK (version >= 1),
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  certify_version text NOT NULL
)`;

function storeIo(message: string, error: unknown): CertifyError {
  return new CertifyError('STORE_IO', `${message}: ${(error as Error).message}`);
}

async function currentVersion(client: pg.PoolClient): Promise<{ exists: boolean; version: number }> {
  const found = await client.query<{ present: boolean }>(
    `SELECT to_regclass('certify_schema') IS NOT NULL AS present`,
  );
  if (!found.rows[0]?.present) return { exists: false, version: 0 };
  const max = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM certify_schema',
  );
  return { exists: true, version: max.rows[0]?.version ?? 0 };
}

/** Migrates the database `pool` connects to, to the newest migration; a no-op when it is there. */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  const problem = migrationsProblem(migrations);
  if (problem !== null) throw new Error(`PostgreSQL migrations: ${problem}`);
  const known = migrations.length;
  const certifyVersion = options.certifyVersion ?? packageInfo().version;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const notice = options.onNotice ?? (() => undefined);

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeIo('cannot migrate the PostgreSQL database: no connection', error);
  }
  let broken: Error | undefined;
  let locked = false;
  try {
    try {
      await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${lockTimeoutMs}ms`]);
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      locked = true;
    } catch (error) {
      if ((error as { code?: unknown }).code === '55P03') {
        throw new CertifyError(
          'STORE_IO',
          `cannot migrate the PostgreSQL database: another Certify has held the migration lock for over ${Math.round(lockTimeoutMs / 1000)} s`,
          [],
          `a replica may be stuck migrating: find it with SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${BigInt(MIGRATION_LOCK_KEY) & 0xffffffffn}, then restart this one`,
        );
      }
      throw storeIo('cannot migrate the PostgreSQL database', error);
    }
    const { exists, version: from } = await currentVersion(client);
    if (from > known) {
      throw new CertifyError(
        'STORE_VERSION',
        `the PostgreSQL database was migrated by a newer Certify (schema ${from}, this build knows ${known}): ` +
          'upgrade Certify or point CERTIFY_DATABASE_URL at another database',
        [],
        'the database was left untouched',
      );
    }
    const applied: MigrateResult['applied'] = [];
    let tableExists = exists;
    for (const m of migrations.slice(from)) {
      try {
        await client.query('BEGIN');
        if (!tableExists) await client.query(SCHEMA_TABLE);
        await client.query(m.sql);
        await client.query(
          'INSERT INTO certify_schema (version, name, certify_version) VALUES ($1, $2, $3)',
          [m.version, m.name, certifyVersion],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw storeIo(
          `PostgreSQL migration ${m.version} (${m.name}) failed; the database is left at schema ${applied.at(-1)?.version ?? from}`,
          error,
        );
      }
      tableExists = true;
      applied.push({ version: m.version, name: m.name });
      notice(`PostgreSQL schema migrated to version ${m.version} (${m.name})`);
    }
    return { from, to: Math.max(from, known), applied };
  } finally {
    // The connection goes back to the pool as it came: unlocked, without the long lock timeout.
    // One that cannot be put back so is destroyed instead; closing it drops the lock too.
    if (locked)
      await client
        .query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY])
        .catch((e: Error) => (broken = e));
    await client.query('RESET lock_timeout').catch((e: Error) => (broken ??= e));
    client.release(broken);
  }
}
