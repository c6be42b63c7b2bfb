/**
 * The PostgreSQL store (`CERTIFY_DATABASE_URL=postgres://…`): one database shared by every
 * replica, behind the same ports as the embedded store. The composition root opens it once with
 * {@link openCertifyDatabase} and builds the adapters on its pool.
 */
import type pg from 'pg';
import { migrate, type MigrateOptions, type MigrateResult } from './migrate.js';
import { openPool, type PgPoolOptions } from './pool.js';

export { openPgAuditLog, verifyPgAuditLog, AUDIT_LOCK_KEY, type PgAuditLogOptions } from './audit-log.js';
export { createPgConversationStore } from './conversations.js';
export { createPgCustomRuleStore } from './custom-rules.js';
export {
  createPgDeliveryLedger,
  type PgDeliveryLedger,
  type PgDeliveryLedgerOptions,
} from './delivery-ledger.js';
export {
  migrate,
  migrationsProblem,
  MIGRATION_LOCK_KEY,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.js';
export { createPgChartStore } from './charts.js';
export { createPgEvidenceFiles } from './evidence-files.js';
export { createPgHomeViewers } from './home-viewers.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
export { createPgParameterStore } from './parameters.js';
export {
  connectionError,
  ENTRA_POSTGRES_SCOPE,
  openPool,
  pgPoolConfig,
  redactUrl,
  type EntraTokenProvider,
  type PgAuth,
  type PgPoolOptions,
  type PgTarget,
} from './pool.js';
export { createPgScanStore, DEFAULT_FULL_RESULTS, SCANS_LOCK_KEY, type PgScanStoreOptions } from './scans.js';
export { createPgSnapshotStore } from './snapshots.js';

/**
 * Opens the pool and brings the schema up to date: what a replica does at start-up before it
 * serves anything. The pool is ended again when the migration fails.
 */
export async function openCertifyDatabase(
  url: string,
  options: PgPoolOptions & { migrate?: MigrateOptions } = {},
): Promise<{ pool: pg.Pool; schema: MigrateResult }> {
  const { migrate: migrateOptions, ...poolOptions } = options;
  const pool = await openPool(url, poolOptions);
  try {
    return { pool, schema: await migrate(pool, migrateOptions) };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
