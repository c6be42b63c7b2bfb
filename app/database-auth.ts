/** How a replica signs in to PostgreSQL: the URL's password, or a Microsoft Entra ID token. */
import { entraDatabaseTokenOnDemand } from './azure-on-demand.js';
import type { PgAuth } from '../store/pg/pool.js';
import type { DatabaseConfig } from './config.js';

export function databaseAuth(
  database: DatabaseConfig,
  env: Readonly<Record<string, string | undefined>>,
): { auth?: PgAuth } {
  return database.auth === 'entra' ? { auth: { kind: 'entra', token: entraDatabaseTokenOnDemand(env) } } : {};
}
