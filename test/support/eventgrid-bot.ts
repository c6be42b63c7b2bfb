/**
 * A real bot process (`node --import tsx bot/main.ts`) on the demo tenant, with Slack pointed at
 * a fake Web API and (optionally) the Event Grid route on: what test/bot/eventgrid-process.test.ts
 * and test/bench/eventgrid.bench.ts drive. Channels subscribe as users do (a signed
 * `/certify subscribe` slash command), and Key Vault events are built from the fixtures with the
 * secret, id, time and expiry a caller names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyVaultEventType } from '../../bot/eventgrid/types.js';
import { listeningBot, type ListeningBot } from './bot-process.js';
import { captureChildOutput } from './child-log.js';
import { fixtureEvent } from './eventgrid-publisher.js';
import type { FakeSlack } from './fake-slack/index.js';
import { SECRETS } from './secrets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SpawnedBot extends ListeningBot {
  child: ChildProcess;
  dataDir: string;
  base: string;
}

/** Environment variables of the parent that would change what the child runs against. */
const INHERITED_OUT = [
  'AZURE_SUBSCRIPTION_IDS',
  'AZURE_TENANT_ID',
  'AZURE_AUTHORITY_HOST',
  'CERTIFY_DATABASE_URL',
  'CERTIFY_EVENTGRID_KEY',
  'CERTIFY_EVENTGRID_AUDIENCE',
  'CERTIFY_EVENTGRID_TENANT_ID',
  'CERTIFY_EVENTGRID_AUTHORITY_HOST',
  'CERTIFY_SCAN_ON_START',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'CERTIFY_SLACK_API_URL',
  'MicrosoftAppId',
  'CLIENT_ID',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'HTTPS_PROXY',
  'https_proxy',
];

/**
 * Spawns the bot on the demo tenant with Slack at `slack` and, when `eventGridKey` is given, the
 * Event Grid route on with that key. `env` adds or overrides variables.
 */
export async function spawnEventGridBot(opts: {
  slack: FakeSlack;
  eventGridKey?: string;
  scanOnStart?: boolean;
  name: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<SpawnedBot> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-eventgrid-bot-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_OUT) delete env[name];
  Object.assign(env, {
    CERTIFY_DATA_DIR: dataDir,
    CERTIFY_SOURCE: 'demo',
    // The showcase tenant has no seeded history: these tests are about the process, not the demo.
    CERTIFY_DEMO_PROFILE: 'showcase',
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: SECRETS.slackBotToken,
    SLACK_SIGNING_SECRET: SECRETS.slackSigningSecret,
    CERTIFY_SLACK_API_URL: opts.slack.apiUrl,
    OTEL_SDK_DISABLED: 'true',
    ...(opts.eventGridKey !== undefined ? { CERTIFY_EVENTGRID_KEY: opts.eventGridKey } : {}),
    ...(opts.scanOnStart ? { CERTIFY_SCAN_ON_START: '1' } : {}),
    ...opts.env,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  captureChildOutput(child, opts.name);
  const bot = await listeningBot(child, opts.timeoutMs ?? 90_000);
  return { ...bot, child, dataDir, base: `http://127.0.0.1:${bot.port}` };
}

/** Resolves once `pred` holds, polling every 25 ms; fails after `timeoutMs` with `what()`. */
export async function until(pred: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let triggers = 0;

/**
 * A signed `/certify <text>` slash command from `channel`, as Slack sends it; the answer goes to
 * the fake's response URL `responseId`. Returns the HTTP status of the ack.
 */
export async function slashCommand(
  base: string,
  slack: FakeSlack,
  channel: string,
  text: string,
  responseId: string,
): Promise<number> {
  const body = new URLSearchParams({
    token: 'fixed-value',
    team_id: 'T0CERTIFY',
    team_domain: 'certify-test',
    channel_id: channel,
    channel_name: channel.toLowerCase(),
    user_id: 'U0OPERATOR',
    user_name: 'operator',
    command: '/certify',
    text,
    api_app_id: 'A0CERTIFY',
    is_enterprise_install: 'false',
    response_url: slack.responseUrl(responseId),
    trigger_id: `eventgrid.${process.pid}.${++triggers}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRETS.slackSigningSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  });
  await res.text();
  return res.status;
}

/** Subscribes `channel` with `/certify subscribe` and waits for the bot's "Alerts on" answer. */
export async function subscribeChannel(base: string, slack: FakeSlack, channel: string): Promise<void> {
  const id = `subscribe-${channel}-${randomUUID()}`;
  const status = await slashCommand(base, slack, channel, 'subscribe', id);
  if (status !== 200) throw new Error(`/certify subscribe in ${channel}: HTTP ${status}`);
  const answer = await slack.waitFor((c) => c.method === 'response' && c.id === id, 60_000);
  if (!JSON.stringify(answer.body).includes('Alerts on for this channel'))
    throw new Error(`/certify subscribe in ${channel} answered: ${JSON.stringify(answer.body)}`);
}

/** A demo asset id (`https://<vault>.vault.azure.net/secrets/<name>`) split as Key Vault's events name it. */
export function vaultAndName(assetId: string): { vault: string; name: string } {
  const m = /^https:\/\/([^.]+)\.vault\.azure\.net\/(?:secrets|keys|certificates)\/([^/]+)$/.exec(assetId);
  if (!m) throw new Error(`not a Key Vault asset id: ${assetId}`);
  return { vault: m[1]!, name: m[2]! };
}

/**
 * An Event Grid schema event of `type` for the secret `assetId`: the fixture with its id, time,
 * version and expiry replaced.
 */
export function secretEvent(
  type: Extract<KeyVaultEventType, `Secret${string}`>,
  assetId: string,
  opts: { id?: string; time: number; version?: string; exp?: number },
): Record<string, unknown> {
  const { vault, name } = vaultAndName(assetId);
  const event = fixtureEvent(type, 'eventgrid');
  const version = opts.version ?? randomUUID().replaceAll('-', '');
  const data = event['data'] as Record<string, unknown>;
  return {
    ...event,
    id: opts.id ?? randomUUID(),
    topic: `/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-certify/providers/Microsoft.KeyVault/vaults/${vault}`,
    subject: name,
    eventTime: new Date(opts.time).toISOString(),
    data: {
      ...data,
      Id: `https://${vault}.vault.azure.net/secrets/${name}/${version}`,
      VaultName: vault,
      ObjectName: name,
      Version: version,
      ...(opts.exp !== undefined ? { EXP: String(opts.exp) } : {}),
    },
  };
}
