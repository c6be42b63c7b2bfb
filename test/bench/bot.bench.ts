/**
 * `npm run bench:bot`: the bot service on the large demo tenant (100 k assets, a saved scan).
 * - Slack: 50 concurrent signed `/certify score` slash commands; ack latency (time to the HTTP
 *   response, what Slack's 3-second limit applies to) and time to the answer on response_url.
 * - Teams: `/certify score` messages one after another; time from the POST to the reply arriving
 *   at the (fake) Bot Connector.
 * Everything runs against the real server, real adapters and real SDKs; only Slack's Web API and
 * the Bot Connector are local fakes.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer } from '../../bot/server.js';
import { createSlackRoute } from '../../bot/slack/index.js';
import { createMemoryReferenceStore, createTeamsRoute } from '../../bot/teams/index.js';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { startFakeConnector } from '../support/fake-botconnector/index.js';
import { startFakeSlack } from '../support/fake-slack/index.js';
import type { TelemetryRuntime } from '../../bot/telemetry/start.js';

const SIZE = 100_000;
const CONCURRENT = 50;
const TEAMS_MESSAGES = 20;
const SECRET = 'bench-signing-secret';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'certify-bench-bot-'));
const ports = openPorts(dir, 50);
const source = demoSource({ profile: 'showcase', size: SIZE });
process.stderr.write(`bench: scanning the demo tenant (${SIZE.toLocaleString('en')} assets)…\n`);
await scan(ports, source, { now: Date.now(), save: true, audit: null });

// Telemetry as the service runs it, when started by --import ./test/bench/telemetry-preload.ts.
const telemetryRuntime = (globalThis as Record<symbol, TelemetryRuntime | undefined>)[
  Symbol.for('certify.bench.telemetry')
];
const telemetry = telemetryRuntime ? { telemetry: telemetryRuntime.telemetry } : {};
if (telemetryRuntime) ports.telemetry = telemetryRuntime.telemetry;

const slack = await startFakeSlack();
const connector = await startFakeConnector();
const core = createBotCore({ ports, source, clock: Date.now, ...telemetry });
const log = () => undefined;
const config = { ...readBotEnv({ PORT: '0' }, dir), playground: false };
const server = createServer({
  config,
  core,
  log,
  version: 'bench',
  ...telemetry,
  routes: {
    'POST /slack/events': createSlackRoute({
      config: {
        slack: {
          botToken: ['xoxb', 'bench', 'token'].join('-'),
          signingSecret: SECRET,
          apiUrl: slack.apiUrl,
        },
      },
      core,
      log,
    }),
    'POST /api/messages': createTeamsRoute({
      config: { teams: null },
      core,
      log,
      references: createMemoryReferenceStore(),
    }),
  },
});
const { port } = await server.listen();
const base = `http://127.0.0.1:${port}`;

function slashCommand(i: number): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: 'C1',
    user_id: `U${i}`,
    user_name: `user${i}`,
    command: '/certify',
    text: 'score',
    response_url: slack.responseUrl(`bench-${i}`),
    trigger_id: `t${i}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
  };
}

// A warm-up command (Bolt's one-time auth.test, JIT) that is not measured.
{
  const w = slashCommand(-1);
  await fetch(`${base}/slack/events`, { method: 'POST', body: w.body, headers: w.headers });
  await slack.waitFor((c) => c.id === 'bench--1', 60_000);
}

process.stderr.write(`bench: ${CONCURRENT} concurrent slash commands…\n`);
const sent: number[] = [];
const acks: number[] = [];
await Promise.all(
  Array.from({ length: CONCURRENT }, async (_, i) => {
    const { body, headers } = slashCommand(i);
    sent[i] = performance.now();
    const res = await fetch(`${base}/slack/events`, { method: 'POST', body, headers });
    await res.text();
    acks[i] = performance.now() - sent[i]!;
    if (res.status !== 200) throw new Error(`slash command ${i}: HTTP ${res.status}`);
  }),
);
const answers = await Promise.all(
  Array.from({ length: CONCURRENT }, async (_, i) => {
    const call = await slack.waitFor((c) => c.id === `bench-${i}`, 120_000);
    return call.at - sent[i]!;
  }),
);

process.stderr.write(`bench: ${TEAMS_MESSAGES} Teams messages…\n`);
const teams: number[] = [];
for (let i = 0; i < TEAMS_MESSAGES; i++) {
  const before = connector.activities.length;
  const t0 = performance.now();
  await fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: `m${i}`,
      serviceUrl: connector.serviceUrl,
      channelId: 'msteams',
      from: { id: '29:bench', name: 'Bench User', aadObjectId: '00000000-0000-0000-0000-00000000bbbb' },
      conversation: { conversationType: 'personal', id: 'a:bench-conversation' },
      recipient: { id: '28:certify', name: 'Certify' },
      text: 'score',
      channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000cc' } },
    }),
  });
  while (connector.activities.length === before) await new Promise((r) => setTimeout(r, 1));
  teams.push(performance.now() - t0);
}

await server.close();
await slack.close();
await connector.close();
await telemetryRuntime?.shutdown();

console.log(
  `Bot benchmark — ${new Date().toISOString()}, Node ${process.version}, demo tenant of ${SIZE.toLocaleString('en')} assets, telemetry ${telemetryRuntime ? telemetryRuntime.exporters.join(' and ') : 'off'}\n`,
);
console.log('| measure | p50 | p99 | max |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| Slack ack, ${CONCURRENT} concurrent /certify score | ${ms(pct(acks, 50))} | ${ms(pct(acks, 99))} | ${ms(Math.max(...acks))} |`,
);
console.log(
  `| Slack answer on response_url, same commands | ${ms(pct(answers, 50))} | ${ms(pct(answers, 99))} | ${ms(Math.max(...answers))} |`,
);
console.log(
  `| Teams reply to /certify score (sequential) | ${ms(pct(teams, 50))} | ${ms(pct(teams, 99))} | ${ms(Math.max(...teams))} |`,
);
console.log(`\nTarget: Slack ack p99 < 100 ms (${pct(acks, 99) < 100 ? 'met' : 'MISSED'}).`);
