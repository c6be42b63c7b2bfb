/**
 * Event Grid on a real bot process (node --import tsx bot/main.ts, demo tenant, Slack at a fake
 * Web API), the "Done when": a Slack channel subscribed with `/certify subscribe`; a
 * signed SecretNearExpiry delivery for a secret of the latest scan produces exactly one alert at
 * the fake Slack; its redelivery produces nothing; SecretNewVersionCreated for the same secret
 * updates that card to resolved; an unauthenticated delivery gets 401 and changes nothing; with
 * no Event Grid configuration the route answers 404.
 *
 * The channel subscribes only after the start-up scan's alert run (`alerts.run`), and the secret
 * is one the scan did not find within 30 days of expiry: nothing was claimed for it in that
 * channel before the event, so the event's alert is the only one there can be.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import {
  spawnEventGridBot,
  subscribeChannel,
  secretEvent,
  until,
  type SpawnedBot,
} from '../support/eventgrid-bot.js';
import { eventGridPublisher } from '../support/eventgrid-publisher.js';
import { startFakeSlack, type FakeSlack, type FakeSlackCall } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';

const KEY: string = SECRETS.eventGridKey;
const CHANNEL = 'C0EVENTGRID';
const DAY = 86_400_000;
/** Generous: the machine may be busy with the rest of the suite. */
const WAIT_MS = 60_000;

let slack: FakeSlack;
const bots: SpawnedBot[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  for (const bot of bots) {
    if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
    rmSync(bot.dataDir, { recursive: true, force: true });
  }
  await slack?.close();
});

async function stop(bot: SpawnedBot): Promise<void> {
  bot.child.kill('SIGTERM');
  assert.equal(await bot.exited, 0, bot.output());
}

/** Lines the bot logged for `event` (its stdout is JSON lines). */
function logged(bot: SpawnedBot, event: string): Record<string, unknown>[] {
  return bot
    .output()
    .split('\n')
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A Slack Web API call about `name` in `channel` (the card names the secret). */
const about = (call: FakeSlackCall, method: string, name: string) =>
  call.method === method && call.body['channel'] === CHANNEL && JSON.stringify(call.body).includes(name);

describe('Event Grid on a real bot process', () => {
  it('one alert per NearExpiry, none on redelivery, resolved by a new version, 401 without the key', async () => {
    const bot = await spawnEventGridBot({
      slack,
      eventGridKey: KEY,
      scanOnStart: true,
      name: 'eventgrid-process',
    });
    bots.push(bot);
    // The start-up scan and its alert run, before anything is subscribed.
    await until(
      () => logged(bot, 'alerts.run').length > 0,
      WAIT_MS,
      () => `no alert run after the start-up scan: ${bot.output()}`,
    );
    assert.equal(logged(bot, 'scheduled_scan').length, 1, bot.output());

    // A secret of the demo tenant (the ids do not depend on the scan's time) that the scan saw
    // far from expiry: the scan raised no 30d alert for it.
    const now = Date.now();
    const secret = generateDemoInventory({ profile: 'showcase', now }).secrets.find(
      (s) => s.enabled && !s.managed && (s.expires === null || Date.parse(s.expires) > now + 60 * DAY),
    );
    assert.ok(secret, 'the demo tenant has no secret far from expiry');
    const name = secret.name;

    await subscribeChannel(bot.base, slack, CHANNEL);
    const publisher = eventGridPublisher(`${bot.base}/api/eventgrid`);
    const validation = await publisher.validateEventGrid({ key: KEY });
    assert.equal(validation.status, 200);
    assert.equal(typeof validation.json?.['validationResponse'], 'string');

    const posts = () => slack.calls.filter((c) => about(c, 'chat.postMessage', name));
    const updates = () => slack.calls.filter((c) => about(c, 'chat.update', name));
    assert.equal(posts().length, 0, 'the channel had a card for the secret before any event');

    // SecretNearExpiry, 20 days before EXP: the 30d threshold.
    const raised = Date.now();
    const near = secretEvent('SecretNearExpiry', secret.id, {
      time: raised,
      exp: Math.floor((raised + 20 * DAY) / 1000),
    });
    const first = await publisher.deliver('eventgrid', [near], { key: KEY });
    assert.equal(first.status, 200);
    assert.deepEqual(first.json, { queued: 1, duplicates: 0, ignored: 0 });
    await until(
      () => posts().length > 0,
      WAIT_MS,
      () => `no card for ${name} in ${CHANNEL}: ${bot.output()}`,
    );
    const [post] = posts();
    assert.ok(post?.authorized);
    assert.match(post?.body['text'] as string, /30 days|30d/);
    await until(
      () => logged(bot, 'eventgrid.processed').length === 1,
      WAIT_MS,
      () => `the event was not processed: ${bot.output()}`,
    );

    // The redelivery (same event id): acknowledged as a duplicate, nothing queued, nothing posted.
    const again = await publisher.deliver('eventgrid', [near], { key: KEY });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { queued: 0, duplicates: 1, ignored: 0 });

    // A delivery without the key (a fresh event id): 401, nothing queued.
    const processedBefore = logged(bot, 'eventgrid.processed').length;
    const anonymous = await publisher.deliver(
      'eventgrid',
      [
        secretEvent('SecretNearExpiry', secret.id, {
          time: raised,
          exp: Math.floor((raised + 20 * DAY) / 1000),
        }),
      ],
      {},
    );
    assert.equal(anonymous.status, 401);
    const wrongKey = await publisher.deliver(
      'eventgrid',
      [secretEvent('SecretExpired', secret.id, { time: raised })],
      { key: `${KEY}-not` },
    );
    assert.equal(wrongKey.status, 401);

    // A new version, raised after the NearExpiry: the posted card is updated in place, resolved.
    const resolved = await publisher.deliver(
      'eventgrid',
      [secretEvent('SecretNewVersionCreated', secret.id, { time: raised + 1_000 })],
      { key: KEY },
    );
    assert.equal(resolved.status, 200);
    assert.deepEqual(resolved.json, { queued: 1, duplicates: 0, ignored: 0 });
    await until(
      () => updates().length > 0,
      WAIT_MS,
      () => `the card for ${name} was not updated: ${bot.output()}`,
    );
    const [update] = updates();
    assert.ok(post?.ts);
    assert.equal(update?.body['ts'], post.ts);
    assert.match(JSON.stringify(update?.body), /Resolved/);
    assert.match(JSON.stringify(update?.body), /new version/);

    // The job of the new version is the only one processed since the refusals: they queued nothing.
    await until(
      () => logged(bot, 'eventgrid.processed').length > processedBefore,
      WAIT_MS,
      () => `the new version was not processed: ${bot.output()}`,
    );
    assert.equal(logged(bot, 'eventgrid.processed').length, processedBefore + 1, bot.output());
    await stop(bot);

    // After everything settled: exactly one card and one update for the secret in the channel.
    assert.equal(posts().length, 1, JSON.stringify(posts().map((c) => c.body['text'])));
    assert.equal(updates().length, 1);
  }, 240_000);

  it('without Event Grid configuration the route answers 404', async () => {
    const bot = await spawnEventGridBot({ slack, name: 'eventgrid-process-off' });
    bots.push(bot);
    const publisher = eventGridPublisher(`${bot.base}/api/eventgrid`);
    const validation = await publisher.validateEventGrid({ key: KEY });
    assert.equal(validation.status, 404);
    const inventory = generateDemoInventory({ profile: 'showcase', now: Date.now() });
    const delivered = await publisher.deliver(
      'eventgrid',
      [secretEvent('SecretNearExpiry', inventory.secrets[0]!.id, { time: Date.now() })],
      { key: KEY },
    );
    assert.equal(delivered.status, 404);
    await stop(bot);
  }, 180_000);

  // A bug found by this test: the line named PORT (0 here), not the bound address.
  it('with PORT=0 the Event Grid start-up line names the bound port, as the listening line does', async () => {
    const bot = await spawnEventGridBot({ slack, eventGridKey: KEY, name: 'eventgrid-process-startup' });
    bots.push(bot);
    // Logged just after the listening line.
    await until(
      () => logged(bot, 'service.eventgrid').length > 0,
      WAIT_MS,
      () => `no Event Grid start-up line: ${bot.output()}`,
    );
    const [line] = logged(bot, 'service.eventgrid');
    assert.ok(line);
    assert.notEqual(bot.port, 0);
    assert.match(String(line['msg']), new RegExp(`at http://localhost:${bot.port}/api/eventgrid,`));
    // The listening line, for comparison, names the bound port.
    assert.equal(logged(bot, 'service.listening')[0]?.['url'], `http://localhost:${bot.port}`);
    await stop(bot);
  }, 180_000);
});
