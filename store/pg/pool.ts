/**
 * The PostgreSQL connection pool behind `CERTIFY_DATABASE_URL`: several replicas share one
 * database instead of one data dir.
 *
 * The URL is read here, not handed to `pg` as a connection string, so that what each part means
 * is decided once, in this file, and every mistake is named before anything connects:
 *
 * - `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?sslmode=…` (`postgresql://` too). Percent-
 *   encode a password's `@`, `:`, `/`.
 * - `sslmode`: absent or `disable`: no TLS (a local server). `require` and `verify-full`: TLS,
 *   the server's certificate checked against Node's trusted roots (or `sslrootcert`) and its host
 *   name against the URL's. Note that `require` verifies here, which libpq's does not: a
 *   connection that carries audit evidence and, with Entra ID, a bearer token, is never sent to
 *   an unverified server. `verify-ca`: the chain only, and only with `sslrootcert` (with public
 *   roots, anyone's certificate would pass). `allow` and `prefer` are refused: `pg` cannot fall
 *   back between TLS and plain text, so they would mean something other than their name.
 * - `sslrootcert=FILE`: the only roots trusted (PEM); `system`: Node's (the default).
 * - `connect_timeout` (seconds, default 10) and `application_name` (default `certify`).
 *
 * **Azure Database for PostgreSQL** (flexible server) accepts only TLS connections: use
 * `sslmode=require` (its certificates chain to DigiCert Global Root G2 and Microsoft RSA Root
 * CA 2017, which Node trusts), or `sslmode=verify-full&sslrootcert=/path/to/roots.pem` to pin the
 * roots. Without it the server answers "no pg_hba.conf entry … no encryption".
 *
 * **Microsoft Entra ID** (`CERTIFY_DATABASE_AUTH=entra`, read by the caller): the URL names the
 * Entra principal as USER and carries no password; each new connection asks the token port for
 * a fresh access token (scope {@link ENTRA_POSTGRES_SCOPE}) and presents it as the password,
 * since tokens expire within the hour and a pooled connection may be opened at any time.
 *
 * Neither the URL's password nor a token is ever put in a message: {@link redactUrl}.
 */
import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';

/** The scope of an access token for Azure Database for PostgreSQL. */
export const ENTRA_POSTGRES_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

const DEFAULT_PORT = 5432;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 10;
const URL_VARIABLE = 'CERTIFY_DATABASE_URL';
const SUPPORTED_PARAMETERS = ['sslmode', 'sslrootcert', 'connect_timeout', 'application_name'] as const;
const URL_SHAPE = 'postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]';

/** A token for `scope` (Entra ID); the caller wires it to its Azure credential. */
export type EntraTokenProvider = (scope: string) => Promise<string>;

export type PgAuth = { kind: 'password' } | { kind: 'entra'; token: EntraTokenProvider };

export interface PgPoolOptions {
  /** Default: the URL's password (or none: trust, PGPASSWORD, ~/.pgpass). */
  auth?: PgAuth;
  /** Connections per replica (default 10): the server's max_connections is shared by all. */
  max?: number;
  /** Told about a pooled idle connection that failed (the pool drops it and opens another). */
  onError?: (message: string) => void;
}

/** Where the pool connects, for messages: never a password. */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string | null;
  tls: boolean;
  auth: PgAuth['kind'];
  /** The URL with its password replaced. */
  redacted: string;
}

const REDACTED = '***';

/** `scheme://user:` … up to the last `@`: where a password is, however badly it is encoded. */
const CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):.*@/i;

/**
 * The URL with any password (in the authority or a `password=` parameter) replaced by `***`, for
 * messages and logs. Also safe on a string that is not a URL: it is cut by pattern, or not shown.
 */
export function redactUrl(url: string): string {
  const byPattern = () =>
    url.replace(CREDENTIALS, `$1:${REDACTED}@`).replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
  // An unencoded `@` in a password parses, but as a host and a path: the password would show.
  if (url.indexOf('@') !== url.lastIndexOf('@')) return byPattern();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? byPattern() : '(not a URL)';
  }
  if (parsed.password !== '') parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) {
    if (key.toLowerCase() === 'password') parsed.searchParams.set(key, REDACTED);
  }
  return parsed.toString();
}

function badUrl(url: string, problems: readonly string[]): CertifyError {
  return new CertifyError(
    'BAD_USAGE',
    `${URL_VARIABLE} is not a usable PostgreSQL URL: ${redactUrl(url)}`,
    problems,
    `write it as ${URL_SHAPE}; for Azure Database for PostgreSQL add ?sslmode=require`,
  );
}

type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

interface ParsedUrl {
  host: string;
  port: number;
  database: string;
  user: string | null;
  password: string | null;
  sslmode: SslMode;
  sslrootcert: string | null;
  connectTimeoutMs: number;
  applicationName: string;
}

function decode(part: string, what: string, problems: string[]): string {
  try {
    return decodeURIComponent(part);
  } catch {
    problems.push(`the ${what} is not valid percent-encoding`);
    return part;
  }
}

function parseUrl(url: string): ParsedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, [
      'it does not parse as a URL (percent-encode any @, : or / in the user name or password)',
    ]);
  }
  const problems: string[] = [];
  if (url.indexOf('@') !== url.lastIndexOf('@')) {
    problems.push('it has more than one @: percent-encode an @ in the user name or password as %40');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    problems.push(`the scheme is "${parsed.protocol.replace(/:$/, '')}", not postgres or postgresql`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') problems.push('it names no host');
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  const database = decode(parsed.pathname.replace(/^\//, ''), 'database name', problems);
  if (database === '') problems.push('it names no database (the path after the host, e.g. /certify)');
  else if (database.includes('/'))
    problems.push('the path names more than a database (percent-encode any / in the password as %2F)');
  const user = parsed.username === '' ? null : decode(parsed.username, 'user name', problems);
  const password = parsed.password === '' ? null : decode(parsed.password, 'password', problems);

  const params = parsed.searchParams;
  const unknown = [...new Set(params.keys())].filter(
    (k) => !(SUPPORTED_PARAMETERS as readonly string[]).includes(k),
  );
  for (const key of unknown) {
    problems.push(
      key.toLowerCase() === 'password'
        ? 'a password goes in the authority (postgres://USER:PASSWORD@HOST/…), not in ?password='
        : `the parameter "${key}" is not supported (supported: ${SUPPORTED_PARAMETERS.join(', ')})`,
    );
  }
  const modeText = params.get('sslmode') ?? 'disable';
  let sslmode: SslMode = 'disable';
  if (modeText === 'allow' || modeText === 'prefer') {
    problems.push(
      `sslmode=${modeText} is not supported: the connection cannot fall back between TLS and plain text; ` +
        'use sslmode=require (TLS, as Azure requires) or sslmode=disable (a local server)',
    );
  } else if (['disable', 'require', 'verify-ca', 'verify-full'].includes(modeText)) {
    sslmode = modeText as SslMode;
  } else {
    problems.push(`sslmode=${modeText} is not one of disable, require, verify-ca, verify-full`);
  }
  const rootText = params.get('sslrootcert');
  const sslrootcert = rootText === null || rootText === '' || rootText === 'system' ? null : rootText;
  if (sslmode === 'verify-ca' && sslrootcert === null) {
    problems.push(
      'sslmode=verify-ca needs sslrootcert=FILE: with public roots any of their certificates would pass; ' +
        'use sslmode=verify-full to check the host name instead',
    );
  }
  if (rootText !== null && sslmode === 'disable') {
    problems.push('sslrootcert is set but TLS is off: add sslmode=verify-full (or require)');
  }
  const timeoutText = params.get('connect_timeout');
  let connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
  if (timeoutText !== null) {
    const seconds = Number(timeoutText);
    if (!Number.isInteger(seconds) || seconds < 1) {
      problems.push(`connect_timeout=${timeoutText} is not a whole number of seconds ≥ 1`);
    } else connectTimeoutMs = seconds * 1000;
  }
  if (problems.length > 0) throw badUrl(url, problems);
  return {
    host,
    port,
    database,
    user,
    password,
    sslmode,
    sslrootcert,
    connectTimeoutMs,
    applicationName: params.get('application_name') || 'certify',
  };
}

async function tlsOptions(parsed: ParsedUrl, url: string): Promise<pg.PoolConfig['ssl']> {
  if (parsed.sslmode === 'disable') return false;
  let ca: string | undefined;
  if (parsed.sslrootcert !== null) {
    try {
      ca = await readFile(parsed.sslrootcert, 'utf8');
    } catch (error) {
      throw badUrl(url, [`sslrootcert ${parsed.sslrootcert} cannot be read: ${(error as Error).message}`]);
    }
  }
  return {
    rejectUnauthorized: true,
    ...(ca === undefined ? {} : { ca }),
    // verify-ca: the chain is checked (rejectUnauthorized), the host name is not.
    ...(parsed.sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

function entraPassword(token: EntraTokenProvider, target: () => string): () => Promise<string> {
  return async () => {
    let value: unknown;
    try {
      value = await token(ENTRA_POSTGRES_SCOPE);
    } catch (error) {
      throw new CertifyError(
        'STORE_IO',
        `cannot connect to PostgreSQL at ${target()}: no Microsoft Entra ID token (scope ${ENTRA_POSTGRES_SCOPE}): ${(error as Error).message}`,
        [],
        "check the identity Certify runs as (AZURE_CLIENT_ID, managed identity, `az login`), or unset CERTIFY_DATABASE_AUTH to use the URL's password",
      );
    }
    if (typeof value !== 'string' || value === '') {
      throw new CertifyError(
        'STORE_IO',
        `cannot connect to PostgreSQL at ${target()}: the Microsoft Entra ID token provider returned no token`,
      );
    }
    return value;
  };
}

/**
 * The `pg` configuration for `url` (reads `sslrootcert`; connects to nothing). Throws BAD_USAGE
 * naming every problem with the URL and the options.
 */
export async function pgPoolConfig(
  url: string,
  options: PgPoolOptions = {},
): Promise<{ config: pg.PoolConfig; target: PgTarget }> {
  const parsed = parseUrl(url);
  const auth: PgAuth = options.auth ?? { kind: 'password' };
  if (auth.kind === 'entra') {
    const problems: string[] = [];
    if (parsed.user === null)
      problems.push('CERTIFY_DATABASE_AUTH=entra needs the Entra principal as the URL’s user name');
    if (parsed.password !== null)
      problems.push('CERTIFY_DATABASE_AUTH=entra takes the password from Entra ID: remove it from the URL');
    if (parsed.sslmode === 'disable')
      problems.push('CERTIFY_DATABASE_AUTH=entra sends a bearer token: add sslmode=require (or verify-full)');
    if (problems.length > 0) throw badUrl(url, problems);
  }
  const max = options.max ?? DEFAULT_MAX_CONNECTIONS;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`PostgreSQL pool: max must be ≥ 1, got ${max}`);
  const target: PgTarget = {
    host: parsed.host,
    port: parsed.port,
    database: parsed.database,
    user: parsed.user,
    tls: parsed.sslmode !== 'disable',
    auth: auth.kind,
    redacted: redactUrl(url),
  };
  const config: pg.PoolConfig = {
    host: parsed.host,
    port: parsed.port,
    database: parsed.database,
    ...(parsed.user === null ? {} : { user: parsed.user }),
    ...(auth.kind === 'entra'
      ? { password: entraPassword(auth.token, () => where(target)) }
      : parsed.password === null
        ? {}
        : { password: parsed.password }),
    ssl: await tlsOptions(parsed, url),
    max,
    connectionTimeoutMillis: parsed.connectTimeoutMs,
    application_name: parsed.applicationName,
  };
  return { config, target };
}

/** `host:port/database (as user)`, for messages. */
function where(target: PgTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}/${target.database}${target.user === null ? '' : ` as ${target.user}`}`;
}

const TLS_CERT_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A failure to reach or log in to the server, as a STORE_IO error that names the server and
 * what to change. A CertifyError (the token port's) is returned as it is.
 */
export function connectionError(error: unknown, target: PgTarget): CertifyError {
  if (error instanceof CertifyError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = typeof e.message === 'string' ? e.message : String(error);
  const at = where(target);
  const fail = (what: string, hint: string) =>
    new CertifyError('STORE_IO', `cannot connect to PostgreSQL at ${at}: ${what}`, [], hint);
  const firewall = 'on Azure, that the server’s networking allows this machine';
  if (code === 'ECONNREFUSED')
    return fail(
      `nothing accepts connections on ${target.host} port ${target.port}`,
      `check the host and port in ${URL_VARIABLE} and that PostgreSQL is running`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return fail(
      `the host name ${target.host} does not resolve`,
      `check the host in ${URL_VARIABLE} (Azure: SERVER.postgres.database.azure.com) and this machine's DNS`,
    );
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(detail))
    return fail(
      `no answer from ${target.host} port ${target.port} (${detail})`,
      `check the host and port in ${URL_VARIABLE}, that PostgreSQL is running and, ${firewall}; connect_timeout=SECONDS waits longer`,
    );
  if (TLS_CERT_CODES.has(code))
    return fail(
      `the server's TLS certificate does not verify (${code})`,
      'add sslrootcert=FILE with the root that issued it (PEM) to the URL; for Azure, the DigiCert Global Root G2 and Microsoft RSA Root CA 2017 roots',
    );
  if (/does not support SSL/i.test(detail))
    return fail(
      'the server does not accept TLS connections',
      'enable TLS on the server, or, for a server on this machine only, use sslmode=disable',
    );
  if (code === '28000' && /no encryption/i.test(detail))
    return fail(
      'the server accepts only TLS connections from here (pg_hba.conf)',
      `add ?sslmode=require to ${URL_VARIABLE} (Azure Database for PostgreSQL requires it)`,
    );
  if (code === '28P01' || code === '28000')
    return fail(
      `the server refused the login (${detail})`,
      target.auth === 'entra'
        ? 'check that the URL’s user is the Entra principal’s name and that it was made a PostgreSQL role (pgaadauth_create_principal) on this server'
        : `check the user and password in ${URL_VARIABLE}`,
    );
  if (code === '3D000')
    return fail(
      `the database ${target.database} does not exist`,
      `create it (CREATE DATABASE "${target.database}") or name an existing one in ${URL_VARIABLE}`,
    );
  if (code === '53300')
    return fail(
      'the server has no connection slots left',
      'lower the connections per replica or raise max_connections on the server',
    );
  return fail(
    detail,
    `check ${URL_VARIABLE} (${target.redacted}) and that the server is reachable${target.tls ? '' : '; Azure needs sslmode=require'}`,
  );
}

/**
 * Opens a pool on `url` and checks that one connection works, so a wrong host, a closed port, a
 * refused login or a missing database stops the start-up with what to change, rather than the
 * first command. The caller owns the pool: `end()` it at shut-down.
 */
export async function openPool(url: string, options: PgPoolOptions = {}): Promise<pg.Pool> {
  const { config, target } = await pgPoolConfig(url, options);
  // Imported when a pool is opened: every CLI command composes the store backend, and only those
  // run against PostgreSQL need the driver.
  const { default: driver } = await import('pg');
  const pool = new driver.Pool(config);
  const onError = options.onError ?? (() => undefined);
  // Without a listener, an idle connection the server drops would crash the process.
  pool.on('error', (error) =>
    onError(`PostgreSQL: an idle connection to ${where(target)} failed and was dropped: ${error.message}`),
  );
  try {
    const client = await pool.connect();
    try {
      await client.query('SELECT 1');
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, target);
  }
  return pool;
}
