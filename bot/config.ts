/**
 * The bot service's configuration: a pure function of the environment, read once at start-up.
 * Every mistake is collected (not just the first) and reported with the variable to change, so
 * an operator fixes a broken deployment in one pass.
 */
import { readEnv, type Config, type DatabaseConfig } from '../app/config.js';
import { CertifyError, isCertifyError } from '../base/errors.js';
import { DEFAULT_LOG_LEVEL, LOG_LEVELS, type LogLevel } from './log-level.js';
import { readEventGridEnv, type EventGridConfig } from './eventgrid/config.js';
import { keyVaultDnsSuffix } from '../scanner/sources/azure/config.js';

export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
const TEAMS_APP_TYPES: readonly TeamsAppType[] = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];

export interface TeamsConfig {
  /**
   * The bot's app id (MicrosoftAppId or the Teams SDK's CLIENT_ID). null only in local mode
   * (MicrosoftAppType with no id and no password): incoming tokens are then NOT validated, the
   * route answers this machine alone, and main.ts says so loudly.
   */
  appId: string | null;
  /** null for UserAssignedMSI (the managed identity has no password) and for local mode. */
  appPassword: string | null;
  tenantId: string | null;
  appType: TeamsAppType;
  /**
   * UserAssignedMSI only: MANAGED_IDENTITY_CLIENT_ID when the identity that signs in is not the
   * bot's own id (the app registration trusts it through a federated credential), or `system`.
   */
  managedIdentityClientId?: string | null;
}

interface SlackCommonConfig {
  botToken: string;
  /**
   * Always ends with `/`, so `new URL('chat.postMessage', apiUrl)` stays under it. Socket Mode's
   * `apps.connections.open` goes there too, so one setting points both at a stand-in.
   */
  apiUrl: string;
}

/** Slack POSTs signed requests to `/slack/events`: the service must be reachable from Slack. */
export interface SlackHttpConfig extends SlackCommonConfig {
  mode: 'http';
  signingSecret: string;
}

/**
 * SLACK_APP_TOKEN set: Certify opens a Socket Mode WebSocket to Slack and nothing comes in, so
 * there is no signed HTTP and no signing secret; the app-level token authenticates the socket.
 */
export interface SlackSocketConfig extends SlackCommonConfig {
  mode: 'socket';
  appToken: string;
}

export type SlackConfig = SlackHttpConfig | SlackSocketConfig;

export interface BotConfig {
  port: number;
  /** Interface to listen on (HOST); loopback unless told otherwise. */
  host: string;
  /** IANA time zone the scan schedule is read in (CERTIFY_SCAN_TZ, default UTC). */
  scanTimezone: string;
  dataDir: string;
  source: string;
  /** The demo tenant's profile (CERTIFY_DEMO_PROFILE, default organisation). */
  demoProfile: NonNullable<Config['demoProfile']>;
  historyLimit: number;
  /** The PostgreSQL store shared by replicas (CERTIFY_DATABASE_URL), or null: the data dir's. */
  database: DatabaseConfig | null;
  /** The signing key in Key Vault (CERTIFY_SIGNING_KEY_ID); null: the data dir's local key. */
  signingKey: Config['signingKey'];
  scanCron: string;
  /** CERTIFY_SCAN_ON_START=1: one scheduled scan (and its alerts) right after start-up. */
  scanOnStart: boolean;
  /** User ids allowed to sign or reject evidence bundles (CERTIFY_APPROVERS). */
  approvers: string[];
  /** Base URL of download and certificate links (CERTIFY_PUBLIC_URL; default http://localhost:PORT). */
  publicUrl: string;
  /** RFC 3161 time-stamping authority (CERTIFY_TSA_URL); null: the embedded local TSA. */
  tsaUrl: string | null;
  /** How long a download link works (CERTIFY_LINK_TTL_HOURS, default 24). */
  linkTtlMs: number;
  playground: boolean;
  /**
   * Why the playground may only read (score, controls, rules), or null when it is the local demo
   * and may act. It has no sign-in, so it never signs, approves, rotates or changes anything
   * beside a real source, real approvers or a real chat channel.
   */
  playgroundReadOnly: string | null;
  teams: TeamsConfig | null;
  /**
   * `POST /api/messages` without token validation, for local test tools (the Microsoft 365 Agents
   * Playground): on when Teams has no credentials and either nothing real is configured (the
   * local demo) or local mode was asked for (MicrosoftAppType with no id). The route then
   * answers only requests from this machine.
   */
  teamsLocal: boolean;
  slack: SlackConfig | null;
  /** The least severe level the log writes (LOG_LEVEL, default info; `silent`: nothing). */
  logLevel: LogLevel;
  /** POST /api/eventgrid (Key Vault events); null when no credential is set: the route is then off. */
  eventGrid: EventGridConfig | null;
}

export const DEFAULT_PORT = 3978;
/** Loopback: nothing on the network reaches a service that was not told to listen there. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SCAN_TIMEZONE = 'Etc/UTC';
export const DEFAULT_SCAN_CRON = '0 6 * * *';
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_LINK_TTL_HOURS = 24;
/** The playground's two people: one asks for evidence, the other may approve it. */
export const PLAYGROUND_REQUESTER = 'playground-riley';
export const PLAYGROUND_APPROVER = 'playground-morgan';

type Env = Readonly<Record<string, string | undefined>>;

/** Unset and empty mean the same thing: `.env` files and compose files often leave `X=` behind. */
function get(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

// [min, max, names] for minute, hour, day of month, month, day of week (0 and 7 are Sunday).
export const CRON_FIELDS: ReadonlyArray<[string, number, number, readonly string[]]> = [
  ['minute', 0, 59, []],
  ['hour', 0, 23, []],
  ['day of month', 1, 31, []],
  ['month', 1, 12, ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']],
  ['day of week', 0, 7, ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']],
];

/**
 * A rough check of standard 5-field cron syntax (numbers, names, `*`, ranges, steps, lists), so a
 * typo fails at start-up with a message instead of silently never scanning. The scheduler
 * (node-cron) remains the authority on what the expression means.
 */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5)
    return `needs 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const [label, min, max, names] = CRON_FIELDS[i]!;
    const value = (atom: string): number | null => {
      const n = /^\d+$/.test(atom) ? Number(atom) : names.indexOf(atom.toLowerCase());
      if (n < 0) return null;
      // Names are 0-based in the list; months are 1-based.
      const v = /^\d+$/.test(atom) ? n : label === 'month' ? n + 1 : n;
      return v >= min && v <= max ? v : null;
    };
    for (const part of fields[i]!.split(',')) {
      const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(part);
      const ok =
        m !== null &&
        (m[2] === undefined || Number(m[2]) > 0) &&
        (m[1] === '*' || m[1]!.split('-').every((atom) => value(atom) !== null));
      if (!ok) return `the ${label} field "${part}" is not valid (allowed ${min}–${max})`;
    }
  }
  return null;
}

export function readBotEnv(env: Env, cwd: string): BotConfig {
  const problems: string[] = [];

  // The store and source settings are the CLI's; reuse them so both read the same variables.
  let base: ReturnType<typeof readEnv> = { dataDir: '', source: 'demo', historyLimit: 500, database: null };
  try {
    base = readEnv(env, cwd);
  } catch (e) {
    if (!isCertifyError(e)) throw e;
    problems.push(...e.problems);
  }

  const portText = get(env, 'PORT') ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push(
      `PORT: "${portText}" is not a port number; set a whole number from 0 to 65535 (default 3978)`,
    );
  }

  const scanCron = get(env, 'CERTIFY_SCAN_CRON') ?? DEFAULT_SCAN_CRON;
  const cronIssue = cronProblem(scanCron);
  if (cronIssue) {
    problems.push(
      `CERTIFY_SCAN_CRON: "${scanCron}" ${cronIssue}; set a 5-field cron expression such as "${DEFAULT_SCAN_CRON}" (daily at 06:00)`,
    );
  }

  const host = get(env, 'HOST') ?? DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) {
    problems.push(
      `HOST: "${host}" is not a host name or IP address; set 127.0.0.1 (the default, this machine only) or 0.0.0.0 (every interface, e.g. in a container)`,
    );
  }

  const scanTimezone = get(env, 'CERTIFY_SCAN_TZ') ?? DEFAULT_SCAN_TIMEZONE;
  if (!isTimeZone(scanTimezone)) {
    problems.push(
      `CERTIFY_SCAN_TZ: "${scanTimezone}" is not an IANA time zone; set e.g. Europe/Berlin, or leave it unset for UTC`,
    );
  }

  const scanOnStartText = get(env, 'CERTIFY_SCAN_ON_START');
  if (scanOnStartText !== undefined && scanOnStartText !== '1' && scanOnStartText !== '0') {
    problems.push(
      `CERTIFY_SCAN_ON_START: "${scanOnStartText}" is not 1 or 0; set 1 to run one scheduled scan at start-up, or leave it unset`,
    );
  }
  const scanOnStart = scanOnStartText === '1';

  const approvers = (get(env, 'CERTIFY_APPROVERS') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

  const teams = readTeams(env, problems);
  const slack = readSlack(env, problems);

  const playgroundText = get(env, 'CERTIFY_PLAYGROUND');
  if (playgroundText !== undefined && playgroundText !== '1' && playgroundText !== '0') {
    problems.push(
      `CERTIFY_PLAYGROUND: "${playgroundText}" is not 1 or 0; set 1 to serve the playground even with Teams or Slack configured, 0 to never serve it, or leave it unset`,
    );
  }
  // The playground has no sign-in, so it is only on by default when no real channel is configured.
  const hasCredentials = Boolean(teams?.appId) || slack !== null;
  const playground = playgroundText === '1' ? true : playgroundText === '0' ? false : !hasCredentials;
  const playgroundReadOnly = playground
    ? playgroundReadOnlyReason({ source: base.source, approvers, teams, slack, database: base.database })
    : null;
  // Unauthenticated Teams traffic is let in only where nothing real could be reached through it.
  const teamsLocal =
    teams !== null
      ? teams.appId === null
      : playgroundReadOnlyReason({
          source: base.source,
          approvers,
          teams,
          slack,
          database: base.database,
        }) === null;
  // The local demo needs someone who may approve; a real deployment names its approvers.
  if (playground && playgroundReadOnly === null) approvers.push(PLAYGROUND_APPROVER);

  const publicUrl = httpUrl(
    env,
    'CERTIFY_PUBLIC_URL',
    `http://localhost:${Number.isInteger(port) && port <= 65535 ? port : DEFAULT_PORT}`,
    problems,
  );
  const tsaText = get(env, 'CERTIFY_TSA_URL');
  const tsaUrl = tsaText === undefined ? null : httpUrl(env, 'CERTIFY_TSA_URL', tsaText, problems);
  const ttlText = get(env, 'CERTIFY_LINK_TTL_HOURS') ?? String(DEFAULT_LINK_TTL_HOURS);
  const ttlHours = Number(ttlText);
  if (!Number.isFinite(ttlHours) || ttlHours <= 0 || ttlHours > 24 * 30) {
    problems.push(
      `CERTIFY_LINK_TTL_HOURS: "${ttlText}" is not a number of hours from above 0 to 720; set e.g. 24 (the default)`,
    );
  }

  const logLevelText = get(env, 'LOG_LEVEL') ?? DEFAULT_LOG_LEVEL;
  const logLevel = LOG_LEVELS.find((l) => l === logLevelText.toLowerCase());
  if (logLevel === undefined) {
    problems.push(
      `LOG_LEVEL: "${logLevelText}" is not a log level; set one of ${LOG_LEVELS.join(', ')} (default ${DEFAULT_LOG_LEVEL})`,
    );
  }

  const eventGrid = readEventGridEnv(env, keyVaultDnsSuffix(env), problems);

  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the configuration has problems',
      problems,
      'fix the variables named above (in the environment or in .env), then start again',
    );
  }
  return {
    port,
    host,
    scanTimezone,
    dataDir: base.dataDir,
    source: base.source,
    demoProfile: base.demoProfile ?? 'organisation',
    historyLimit: base.historyLimit,
    database: base.database,
    signingKey: base.signingKey ?? null,
    scanCron,
    scanOnStart,
    approvers,
    publicUrl,
    tsaUrl,
    linkTtlMs: ttlHours * 3_600_000,
    playground,
    playgroundReadOnly,
    teams,
    teamsLocal,
    slack,
    logLevel: logLevel ?? DEFAULT_LOG_LEVEL,
    eventGrid,
  };
}

/**
 * Null when the playground is the local demo (the demo tenant, nobody else's approvers, no chat
 * channel); otherwise why it may only read.
 */
export function playgroundReadOnlyReason(setup: {
  source: string;
  approvers: readonly string[];
  teams: TeamsConfig | null;
  slack: SlackConfig | null;
  database?: DatabaseConfig | null;
}): string | null {
  if (setup.source !== 'demo') return `the inventory source is "${setup.source}", not the demo tenant`;
  if (setup.database) return 'the store is a shared database (CERTIFY_DATABASE_URL)';
  if (setup.approvers.length > 0) return 'real approvers are configured (CERTIFY_APPROVERS)';
  if (setup.teams !== null || setup.slack !== null) return 'a Teams or Slack channel is configured';
  return null;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An http(s) URL from `name` (or `fallback`), without a trailing slash. */
function httpUrl(env: Env, name: string, fallback: string, problems: string[]): string {
  const text = get(env, name) ?? fallback;
  try {
    const url = new URL(text);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    return url.href.replace(/\/+$/, '');
  } catch {
    problems.push(
      `${name}: "${text}" is not an http(s) URL; set a full URL such as https://certify.example.com`,
    );
    return fallback;
  }
}

/**
 * One Teams setting under either of its names: the Bot Framework's (MicrosoftApp…, what Azure Bot
 * and older deployments use) or the Teams SDK's (CLIENT_ID, …). Both set to different values is
 * a mistake worth stopping for: which app would answer is then a guess.
 */
function either(
  env: Env,
  names: readonly [string, string],
  problems: string[],
  secret = false,
): string | null {
  const [legacy, sdk] = names;
  const a = get(env, legacy);
  const b = get(env, sdk);
  if (a !== undefined && b !== undefined && a !== b) {
    problems.push(
      secret
        ? `${legacy} and ${sdk}: both set, to different values; keep one of them`
        : `${legacy} and ${sdk}: both set, to different values ("${a}" and "${b}"); keep one of them`,
    );
  }
  return a ?? b ?? null;
}

const APP_ID = ['MicrosoftAppId', 'CLIENT_ID'] as const;
const APP_PASSWORD = ['MicrosoftAppPassword', 'CLIENT_SECRET'] as const;
const APP_TENANT = ['MicrosoftAppTenantId', 'TENANT_ID'] as const;

function readTeams(env: Env, problems: string[]): TeamsConfig | null {
  const appId = either(env, APP_ID, problems);
  const appPassword = either(env, APP_PASSWORD, problems, true);
  const tenantId = either(env, APP_TENANT, problems);
  const managedIdentityClientId = get(env, 'MANAGED_IDENTITY_CLIENT_ID') ?? null;
  const typeText = get(env, 'MicrosoftAppType');
  // The Teams SDK's switch for turning token validation off; Certify never does that.
  const unauthenticated = get(env, 'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS');
  if (unauthenticated !== undefined && !/^(false|0)$/i.test(unauthenticated)) {
    problems.push(
      'DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: Certify validates every Teams token whenever credentials are set; remove it (without credentials, /api/messages already answers this machine only)',
    );
  }
  if (!appId && !appPassword && !tenantId && !typeText && !managedIdentityClientId) return null;

  // Without MicrosoftAppType, what is set says which kind of app this is, as the Teams SDK reads it.
  let appType: TeamsAppType =
    appPassword || !managedIdentityClientId ? (tenantId ? 'SingleTenant' : 'MultiTenant') : 'UserAssignedMSI';
  if (typeText !== undefined) {
    const found = TEAMS_APP_TYPES.find((t) => t.toLowerCase() === typeText.toLowerCase());
    if (found) appType = found;
    else {
      problems.push(
        `MicrosoftAppType: "${typeText}" is not one of ${TEAMS_APP_TYPES.join(', ')}; copy it from your Azure Bot resource's Configuration page`,
      );
    }
  }
  const before = problems.length;
  if (appPassword && !appId) {
    problems.push(
      "MicrosoftAppId (or CLIENT_ID): missing while MicrosoftAppPassword (or CLIENT_SECRET) is set; copy the Microsoft App ID from your Azure Bot resource's Configuration page",
    );
  }
  if (appId && !appPassword && appType !== 'UserAssignedMSI') {
    problems.push(
      "MicrosoftAppPassword (or CLIENT_SECRET): missing while MicrosoftAppId (or CLIENT_ID) is set; create a client secret for the bot's app registration (Certificates & secrets) and set it here, or set MicrosoftAppType=UserAssignedMSI for a managed identity",
    );
  }
  if (appType === 'UserAssignedMSI' && !appId) {
    problems.push(
      "MicrosoftAppId (or CLIENT_ID): missing for MicrosoftAppType=UserAssignedMSI; set the managed identity's client id",
    );
  }
  if (appType === 'UserAssignedMSI' && appPassword) {
    problems.push(
      'MicrosoftAppPassword (or CLIENT_SECRET): must not be set for MicrosoftAppType=UserAssignedMSI (the managed identity has no password); remove it',
    );
  }
  if (managedIdentityClientId && appType !== 'UserAssignedMSI') {
    problems.push(
      `MANAGED_IDENTITY_CLIENT_ID: only used with MicrosoftAppType=UserAssignedMSI, not ${appType}; remove it, or remove the client secret and set MicrosoftAppType=UserAssignedMSI`,
    );
  }
  if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !tenantId) {
    problems.push(
      `MicrosoftAppTenantId (or TENANT_ID): missing for MicrosoftAppType=${appType}; set the directory (tenant) id of the bot's app registration`,
    );
  }
  if (tenantId && !appId && problems.length === before) {
    problems.push(
      "MicrosoftAppId (or CLIENT_ID): missing while MicrosoftAppTenantId (or TENANT_ID) is set; copy the Microsoft App ID from your Azure Bot resource's Configuration page",
    );
  }
  return {
    appId,
    appPassword,
    tenantId,
    appType,
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
  };
}

function readSlack(env: Env, problems: string[]): SlackConfig | null {
  const botToken = get(env, 'SLACK_BOT_TOKEN');
  const signingSecret = get(env, 'SLACK_SIGNING_SECRET');
  const appToken = get(env, 'SLACK_APP_TOKEN');
  const apiText = get(env, 'CERTIFY_SLACK_API_URL') ?? DEFAULT_SLACK_API_URL;
  let apiUrl = apiText;
  try {
    const url = new URL(apiText);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    apiUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  } catch {
    problems.push(
      `CERTIFY_SLACK_API_URL: "${apiText}" is not an http(s) URL; set the Slack Web API base, e.g. ${DEFAULT_SLACK_API_URL}`,
    );
  }
  if (!botToken && !signingSecret && !appToken) return null;
  if (botToken && !botToken.startsWith('xoxb-')) {
    // Never echo the value: it may be a real token of another kind.
    problems.push(
      "SLACK_BOT_TOKEN: does not start with xoxb-; copy the Bot User OAuth Token from your Slack app's OAuth & Permissions page",
    );
  }
  if (appToken !== undefined) {
    if (!appToken.startsWith('xapp-')) {
      problems.push(
        "SLACK_APP_TOKEN: does not start with xapp-; generate an app-level token with the connections:write scope on your Slack app's Basic Information page (App-Level Tokens), or unset SLACK_APP_TOKEN to receive Slack over HTTP",
      );
    }
    if (!botToken) {
      problems.push(
        "SLACK_BOT_TOKEN: missing while SLACK_APP_TOKEN is set; Socket Mode still answers with the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page",
      );
    }
    // A signing secret left set is harmless: nothing arrives over HTTP to verify with it.
    return { mode: 'socket', botToken: botToken ?? '', appToken, apiUrl };
  }
  if (!botToken) {
    problems.push(
      "SLACK_BOT_TOKEN: missing while SLACK_SIGNING_SECRET is set; copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page",
    );
  }
  if (!signingSecret) {
    problems.push("SLACK_SIGNING_SECRET: missing; copy it from your Slack app's Basic Information page");
  }
  return { mode: 'http', botToken: botToken ?? '', signingSecret: signingSecret ?? '', apiUrl };
}
