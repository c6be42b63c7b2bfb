/**
 * Every credential the suite hands to the code under test, in one place, so that the check after
 * the run (scripts/check-test-logs.ts, through test/support/log-check.ts) can grep everything
 * the suite logged for them: no secret, token or password may ever reach a log line.
 *
 * Fixed values are listed in SECRETS (tests import them from here); credentials the fakes mint
 * at run time (Bot Framework JWTs, the `az` stand-in's access tokens, download-link tokens,
 * connection-string passwords) are found by their shape, in SECRET_SHAPES. A password in
 * CERTIFY_TEST_DATABASE_URL is added by `suiteSecrets()` when the check runs, and a test that
 * learns a secret only at run time (a credential the product generated) names it with
 * `registerSecret()`.
 *
 * Values are built with join() where a source-code secret scanner would otherwise flag them.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const SECRETS = {
  /** Slack bot token of test/bot/slack.test.ts. */
  slackBotToken: ['xoxb', 'test', '0000', 'secret', 'token'].join('-'),
  /** Slack signing secret of test/bot/slack.test.ts. */
  slackSigningSecret: 'test-signing-secret-0123456789abcdef',
  /** Slack bot token and signing secret of test/bot/slack-deliveries.test.ts. */
  slackDeliveriesBotToken: ['xoxb', 'test', '0000', 'deliveries', 'token'].join('-'),
  slackDeliveriesSigningSecret: 'test-signing-secret-deliveries-0123456789',
  /** The placeholder bot token of the configuration, replica and alert-delivery tests. */
  slackPlaceholderBotToken: ['xoxb', '1', '2'].join('-'),
  /** The app-level token (Socket Mode) of test/bot/slack-socket.test.ts and the configuration tests. */
  slackAppToken: ['xapp', '1', 'A0CERTIFY', '0000', 'socket', 'token'].join('-'),
  /** A user token where a bot token belongs (a configuration test: never echoed). */
  slackUserToken: ['xoxp', 'very', 'secret'].join('-'),
  /** The Slack signing secret of the replica processes (test/store/replicas.test.ts). */
  replicaSigningSecret: 'replica-test-signing-secret',
  /** The Teams bot's client secret (MicrosoftAppPassword / CLIENT_SECRET). */
  teamsClientSecret: 'not-a-real-password-1234',
  /** CLIENT_SECRET read from the environment by the Teams SDK (test/bot/teams.test.ts). */
  teamsEnvironmentSecret: 'from-the-environment-client-secret',
  /** A Bot Connector token as the log tests pass it (the fake connector's own are JWTs). */
  botConnectorToken: 'bot-connector-test-token-5a1c9e',
  /** A database password as a URL would carry it. */
  databasePassword: 'test-database-password-7c1e',
  /** Client secrets the audit log must refuse to store (test/evidence, test/store). */
  auditClientSecret: 'hunter2',
  auditContractClientSecret: 'abc~DEF1234567890abcdefghijklmnopqrstu',
  /** A secret value written to the fake Key Vault (test/provenance/keyvault-writer.test.ts). */
  keyVaultSecretValue: 'S3cr3t-value-that-must-never-leak-9f8e7d',
  /** CERTIFY_EVENTGRID_KEY of test/bot/eventgrid.test.ts (the delivery URL's ?key=). */
  eventGridKey: 'eventgrid-test-key-4f1d9a0c7b2e5d83',
} as const satisfies Record<string, string>;

export type SecretName = keyof typeof SECRETS;

/** Credentials minted at run time, recognised by their shape. */
export const SECRET_SHAPES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  // The fake Bot Connector's and Entra ID's tokens, and any other JWT or JWS.
  { name: 'a JWT', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/ },
  // What the `az` stand-in hands AzureCliCredential (test/support/fake-azure/bin).
  { name: 'a fake Azure access token', pattern: /\bfake-https?:\/\/[^\s"']+-token\b/ },
  { name: 'a bearer token', pattern: /\bBearer\s+(?!\[redacted\])(?!token\b)[A-Za-z0-9._~+/-]{8,}/ },
  { name: 'a Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+/ },
  // A connection string's password (the fake's App Service settings carry some).
  { name: 'a connection-string password', pattern: /\bPassword=(?!\[redacted\])[^;\s"']{6,}/i },
  // A URL's user:password@ (a database URL).
  { name: 'a URL password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+:(?!\[redacted\])[^/\s@"']+@/i },
  // A download link's token (links are logged as /downloads/…).
  { name: 'a download-link token', pattern: /\/downloads\/[A-Za-z0-9_-]{16,}/ },
];

/** SECRETS, plus the password of the test database URL when it has one. */
export function suiteSecrets(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { ...SECRETS };
  const url = env.CERTIFY_TEST_DATABASE_URL?.trim();
  if (url) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password.length >= 4) out['CERTIFY_TEST_DATABASE_URL password'] = password;
    } catch {
      // Not a URL: the pg tests say so themselves.
    }
  }
  return out;
}

/** Where registerSecret() keeps run-time secrets, inside the log dir; the check skips it. */
export const REGISTERED_SECRETS_DIR = '.secrets';

/**
 * A secret the suite learned at run time (a credential the product generated and the fake
 * vault received): the check after the run looks for it in every log too.
 */
export function registerSecret(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  const dir = env.CERTIFY_TEST_LOG_DIR;
  if (!dir) return;
  const into = join(dir, REGISTERED_SECRETS_DIR);
  mkdirSync(into, { recursive: true });
  appendFileSync(join(into, `${process.pid}.jsonl`), `${JSON.stringify({ name, value })}\n`);
}

/** The secrets registered under a log dir, by name (`name #2` when a name repeats). */
export function registeredSecrets(logDir: string): Record<string, string> {
  const into = join(logDir, REGISTERED_SECRETS_DIR);
  if (!statSync(into, { throwIfNoEntry: false })?.isDirectory()) return {};
  const out: Record<string, string> = {};
  for (const file of readdirSync(into).sort()) {
    for (const line of readFileSync(join(into, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const { name, value } = JSON.parse(line) as { name: string; value: string };
      let key = name;
      for (let n = 2; key in out && out[key] !== value; n++) key = `${name} #${n}`;
      out[key] = value;
    }
  }
  return out;
}
