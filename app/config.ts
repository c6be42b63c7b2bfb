/**
 * Configuration is a pure function of the environment (Probot's readEnv): read once at
 * start-up, every mistake reported with what to change.
 */
import { resolve } from 'node:path';
import { CertifyError } from '../base/errors.js';
import {
  DEFAULT_DEMO_PROFILE,
  DEMO_PROFILES,
  parseDemoProfile,
  type DemoProfile,
} from '../scanner/sources/demo/profile.js';
import { DEFAULT_HISTORY_LIMIT } from '../store/scans.js';

export interface DatabaseConfig {
  /** `postgres://…`; a password in it is never logged. */
  url: string;
  /** `password` (the URL's, PGPASSWORD or ~/.pgpass) or `entra` (a Microsoft Entra ID token). */
  auth: 'password' | 'entra';
}

export interface Config {
  dataDir: string;
  source: string;
  /** The demo tenant's profile (CERTIFY_DEMO_PROFILE); absent: organisation. */
  demoProfile?: DemoProfile;
  /** Bound on the scan summaries kept in the store. */
  historyLimit: number;
  /** The PostgreSQL store shared by replicas; null: the embedded store in the data dir. */
  database: DatabaseConfig | null;
  /**
   * The signing key in Azure Key Vault (CERTIFY_SIGNING_KEY_ID, checked when the key is opened);
   * null: the data dir's local key.
   */
  signingKey?: { id: string; refreshMinutes: number } | null;
}

const DATABASE_SCHEMES = /^postgres(ql)?:\/\//i;

export function readEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): Config {
  const problems: string[] = [];
  const historyText = env.CERTIFY_HISTORY_LIMIT ?? String(DEFAULT_HISTORY_LIMIT);
  const historyLimit = Number(historyText);
  if (!Number.isInteger(historyLimit) || historyLimit < 1) {
    problems.push(`CERTIFY_HISTORY_LIMIT: "${historyText}" is not a whole number ≥ 1`);
  }
  const url = env.CERTIFY_DATABASE_URL?.trim() || null;
  if (url !== null && !DATABASE_SCHEMES.test(url)) {
    problems.push(
      'CERTIFY_DATABASE_URL: not a PostgreSQL URL (postgres://USER@HOST:5432/DATABASE?sslmode=require); leave it unset for the embedded store',
    );
  }
  const auth = (env.CERTIFY_DATABASE_AUTH?.trim() || 'password').toLowerCase();
  if (auth !== 'password' && auth !== 'entra') {
    problems.push(`CERTIFY_DATABASE_AUTH: "${auth}" is neither password nor entra`);
  } else if (auth === 'entra' && url === null) {
    problems.push(
      'CERTIFY_DATABASE_AUTH=entra needs CERTIFY_DATABASE_URL (the server and the Entra principal as user)',
    );
  }
  const profileText = env.CERTIFY_DEMO_PROFILE?.trim() || DEFAULT_DEMO_PROFILE;
  const demoProfile = parseDemoProfile(profileText);
  if (demoProfile === null) {
    problems.push(`CERTIFY_DEMO_PROFILE: "${profileText}" is not one of ${DEMO_PROFILES.join(', ')}`);
  }
  const signingKeyId = env.CERTIFY_SIGNING_KEY_ID?.trim() || null;
  const refreshText = env.CERTIFY_SIGNING_KEY_REFRESH_MINUTES?.trim() || '5';
  const refreshMinutes = Number(refreshText);
  if (!Number.isInteger(refreshMinutes) || refreshMinutes < 1 || refreshMinutes > 1440) {
    problems.push(
      `CERTIFY_SIGNING_KEY_REFRESH_MINUTES: "${refreshText}" is not a whole number from 1 to 1440`,
    );
  }
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the configuration has problems',
      problems,
      'fix the variables named above',
    );
  }
  return {
    dataDir: resolve(cwd, env.CERTIFY_DATA_DIR || '.certify'),
    source: env.CERTIFY_SOURCE || 'demo',
    demoProfile: demoProfile ?? DEFAULT_DEMO_PROFILE,
    historyLimit,
    database: url === null ? null : { url, auth: auth === 'entra' ? 'entra' : 'password' },
    signingKey: signingKeyId === null ? null : { id: signingKeyId, refreshMinutes },
  };
}

/** What the composition root builds every service from (the bot's configuration is a superset). */
export interface ServiceConfig extends Config {
  /** User ids allowed to sign or reject evidence bundles and approve rotations. */
  approvers: readonly string[];
  /** Base URL of download and certificate links. */
  publicUrl: string;
  /** RFC 3161 time-stamping authority; null: the embedded local TSA. */
  tsaUrl: string | null;
  /** How long a download link works (default: the evidence service's). */
  linkTtlMs?: number;
  /**
   * Where a rotation writes the new secret version: Key Vault through the SDK, or the demo
   * tenant's metadata-only writer.
   */
  secretWriter: 'keyvault' | 'demo';
}

/** Key Vault when the source is Azure; the demo writer otherwise. */
export function secretWriterFor(source: string): ServiceConfig['secretWriter'] {
  return source === 'azure' ? 'keyvault' : 'demo';
}

/**
 * The CLI's configuration: the store and source settings the bot reads too, CERTIFY_TSA_URL for
 * the bundles it builds and CERTIFY_PUBLIC_URL for the certificates it issues. The CLI approves
 * nothing and writes to no vault (`generate` prints the credential), so it has no approvers and
 * the demo writer.
 */
export function readCliEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): ServiceConfig {
  return {
    ...readEnv(env, cwd),
    approvers: [],
    publicUrl: env.CERTIFY_PUBLIC_URL?.trim() || 'http://localhost:3978',
    tsaUrl: env.CERTIFY_TSA_URL?.trim() || null,
    secretWriter: 'demo',
  };
}
