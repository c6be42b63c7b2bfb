/**
 * `npm run bench:eventgrid`: Key Vault events to Slack on a real bot process (node --import tsx
 * bot/main.ts, demo tenant, the Event Grid route on with a key, Slack at a local fake Web API).
 * - Event → alert: time from sending a signed SecretNearExpiry delivery to the fake Slack
 *   receiving the chat.postMessage, for DELIVERIES different secrets, one after another.
 * - Route ack: the HTTP answer to each of those deliveries, and to CONCURRENT deliveries at once.
 *
 * The burst window (bot/jobs/eventgrid-events.ts): after a channel gets a card from an event, the
 * next alerts for it are held until the window ends (60 s by default). Measuring through one
 * channel would time the window, not the path. So each measured delivery goes to a channel that
 * subscribed just before (`/certify subscribe`) and unsubscribes right after: each event is the
 * first of its channel's window, the case the "one alert within 2 s" target is about. The
 * concurrent ack round runs with no channel subscribed (the events are queued and processed, no
 * card is posted).
 */
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import {
  secretEvent,
  slashCommand,
  spawnEventGridBot,
  subscribeChannel,
  until,
} from '../support/eventgrid-bot.js';
import { eventGridPublisher } from '../support/eventgrid-publisher.js';
import { startFakeSlack } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';

const DELIVERIES = 20;
const CONCURRENT = 50;
const DAY = 86_400_000;
const KEY: string = SECRETS.eventGridKey;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

const slack = await startFakeSlack();
process.stderr.write('bench: starting the bot (demo tenant, scan on start)…\n');
const bot = await spawnEventGridBot({ slack, eventGridKey: KEY, scanOnStart: true, name: 'bench-eventgrid' });
try {
  await until(
    () => bot.output().includes('"event":"alerts.run"'),
    120_000,
    () => `no alert run after the start-up scan: ${bot.output()}`,
  );
  const publisher = eventGridPublisher(`${bot.base}/api/eventgrid`);
  const handshake = await publisher.validateEventGrid({ key: KEY });
  if (handshake.status !== 200) throw new Error(`handshake: HTTP ${handshake.status}`);

  const secrets = generateDemoInventory({ profile: 'showcase', now: Date.now() }).secrets.filter(
    (s) => s.enabled && !s.managed,
  );
  if (secrets.length < DELIVERIES + 1) throw new Error(`only ${secrets.length} secrets in the demo tenant`);
  const nearExpiry = (assetId: string) => {
    const now = Date.now();
    return secretEvent('SecretNearExpiry', assetId, { time: now, exp: Math.floor((now + 20 * DAY) / 1000) });
  };

  /** Subscribes a fresh channel, delivers one event for `secret`, waits for its card; unsubscribes. */
  const one = async (channel: string, secret: { id: string; name: string }) => {
    await subscribeChannel(bot.base, slack, channel);
    const event = nearExpiry(secret.id);
    const t0 = performance.now();
    const res = await publisher.deliver('eventgrid', [event], { key: KEY });
    const ack = performance.now() - t0;
    if (res.status !== 200) throw new Error(`delivery to ${channel}: HTTP ${res.status}`);
    const post = await slack.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body['channel'] === channel &&
        JSON.stringify(c.body).includes(secret.name),
      60_000,
    );
    const alert = post.at - t0;
    if ((await slashCommand(bot.base, slack, channel, 'unsubscribe', `unsub-${channel}`)) !== 200)
      throw new Error(`unsubscribe ${channel}`);
    await slack.waitFor((c) => c.method === 'response' && c.id === `unsub-${channel}`, 60_000);
    return { ack, alert };
  };

  // Warm-up (first job, first Slack call, JIT): not measured.
  await one('CBENCHWARM', secrets[DELIVERIES]!);

  process.stderr.write(`bench: ${DELIVERIES} deliveries, each to a freshly subscribed channel…\n`);
  const acks: number[] = [];
  const alerts: number[] = [];
  for (let i = 0; i < DELIVERIES; i++) {
    const { ack, alert } = await one(`CBENCH${String(i).padStart(3, '0')}`, secrets[i]!);
    acks.push(ack);
    alerts.push(alert);
  }

  process.stderr.write(`bench: ${CONCURRENT} concurrent deliveries (no channel subscribed)…\n`);
  const processedBefore = bot.output().split('"event":"eventgrid.processed"').length;
  const concurrent = await Promise.all(
    Array.from({ length: CONCURRENT }, async (_, i) => {
      const event = nearExpiry(secrets[i % secrets.length]!.id);
      const t0 = performance.now();
      const res = await publisher.deliver('eventgrid', [event], { key: KEY });
      const took = performance.now() - t0;
      if (res.status !== 200) throw new Error(`concurrent delivery ${i}: HTTP ${res.status}`);
      return took;
    }),
  );
  // Every queued job done before the process stops (it is not measured).
  await until(
    () => bot.output().split('"event":"eventgrid.processed"').length - processedBefore >= CONCURRENT,
    120_000,
    () => 'the concurrent deliveries were not all processed',
  );

  console.log(
    `Event Grid benchmark — ${new Date().toISOString()}, Node ${process.version}, a spawned bot process on the demo tenant (file store, in-process job queue), fake Slack Web API\n`,
  );
  console.log('| measure | p50 | p99 | max |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(
    `| SecretNearExpiry delivery → chat.postMessage at Slack (${DELIVERIES}, sequential, first of its channel's burst window) | ${ms(pct(alerts, 50))} | ${ms(pct(alerts, 99))} | ${ms(Math.max(...alerts))} |`,
  );
  console.log(
    `| Route ack, same deliveries | ${ms(pct(acks, 50))} | ${ms(pct(acks, 99))} | ${ms(Math.max(...acks))} |`,
  );
  console.log(
    `| Route ack, ${CONCURRENT} concurrent deliveries | ${ms(pct(concurrent, 50))} | ${ms(pct(concurrent, 99))} | ${ms(Math.max(...concurrent))} |`,
  );
  console.log(`\nTarget: one alert within 2 s (p99 ${pct(alerts, 99) < 2000 ? 'met' : 'MISSED'}).`);
} finally {
  bot.child.kill('SIGTERM');
  await bot.exited;
  await slack.close();
  rmSync(bot.dataDir, { recursive: true, force: true });
}
