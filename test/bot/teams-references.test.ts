/**
 * Conversation references the Bot Framework adapter (botbuilder) saved before the move to the
 * Teams SDK: still delivered to, through the real store (conversations.json) and the real SDK,
 * and rewritten in the Teams SDK adapter's format once used.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTeamsNotifier, createTeamsRoute } from '../../bot/teams/index.js';
import type { LegacyReference, StoredReference } from '../../bot/teams/index.js';
import { migrateReference } from '../../bot/teams/reference-format.js';
import { toAdaptiveCard, type View } from '../../cards/index.js';
import { createConversationStore, CONVERSATIONS_FILE } from '../../store/conversations.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-botconnector/index.js';
import { SECRETS } from '../support/secrets.js';
import { suiteLog } from '../support/child-log.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const ALERT: View = {
  kind: 'message',
  tone: 'attention',
  title: 'Secret expires within 7 days',
  text: 'kv-prod/db-password expires on 2026-11-30',
  hint: null,
  actions: [],
};

/** What botbuilder's TurnContext.getConversationReference(activity) returned for a channel message. */
function botbuilderReference(serviceUrl: string): LegacyReference {
  return {
    activityId: '1700000000123',
    user: {
      id: '29:1user',
      name: 'Megan Bowen',
      aadObjectId: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8',
      role: 'user',
    },
    bot: { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify', role: 'bot' },
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: '00000000-0000-0000-0000-0000000000cc',
      id: '19:alerts@thread.tacv2',
      name: 'Alerts',
    },
    channelId: 'msteams',
    locale: 'en-US',
    serviceUrl,
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('references saved by the Bot Framework adapter', () => {
  let connector: FakeConnector;
  let dir: string;
  beforeAll(async () => {
    connector = await startFakeConnector();
    dir = mkdtempSync(join(tmpdir(), 'certify-teams-refs-'));
    dirs.push(dir);
  });
  afterAll(() => connector.close());

  it('still get their alerts, and are rewritten in the Teams SDK format on first use', async () => {
    // Saved the way the old adapter saved them: the store's own file, a botbuilder reference.
    const old = createConversationStore<StoredReference>(dir);
    const legacy = botbuilderReference(connector.serviceUrl);
    await old.save('19:alerts@thread.tacv2', legacy);
    assert.match(readFileSync(join(dir, CONVERSATIONS_FILE), 'utf8'), /"activityId": ?"1700000000123"/);

    // A new process: the store read afresh, the new adapter's notifier.
    const references = createConversationStore<StoredReference>(dir);
    const logs: string[] = [];
    const notifier = createTeamsNotifier({ config: { teams: null }, references, log: (e) => logs.push(e) });
    await notifier.send('19:alerts@thread.tacv2', ALERT);
    const sent = connector.activities.at(-1);
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.equal(sent.conversationId, '19:alerts@thread.tacv2');
    assert.equal(sent.activityId, null);
    const attachments = sent.activity.attachments as { contentType: string; content: unknown }[];
    assert.deepEqual(attachments[0]?.content, toAdaptiveCard(ALERT));
    assert.deepEqual(sent.activity.from, {
      id: '28:00000000-0000-0000-0000-0000000000bb',
      name: 'Certify',
      role: 'bot',
    });
    assert.equal((sent.activity.conversation as { id: string }).id, '19:alerts@thread.tacv2');
    assert.deepEqual(connector.unexpected, []);

    assert.deepEqual(await references.get('19:alerts@thread.tacv2'), {
      format: 2,
      serviceUrl: connector.serviceUrl.replace(/\/$/, ''),
      channelId: 'msteams',
      conversation: {
        id: '19:alerts@thread.tacv2',
        conversationType: 'channel',
        tenantId: '00000000-0000-0000-0000-0000000000cc',
        isGroup: true,
        name: 'Alerts',
      },
      bot: { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify' },
    });
    assert.deepEqual(logs, ['teams.reference_migrated', 'teams.proactive_sent']);

    // Once migrated, a second alert rewrites nothing.
    await notifier.send('19:alerts@thread.tacv2', ALERT);
    assert.deepEqual(logs, ['teams.reference_migrated', 'teams.proactive_sent', 'teams.proactive_sent']);
  });

  it('a reference without the bot account gets the bot id from MicrosoftAppId', async () => {
    const references = createConversationStore<StoredReference>(dir);
    const { bot: _bot, ...withoutBot } = botbuilderReference(connector.serviceUrl);
    await references.save('a:personal', {
      ...withoutBot,
      conversation: { conversationType: 'personal', id: 'a:personal' },
    });
    const outbound = connector.outboundToken();
    const notifier = createTeamsNotifier({
      config: {
        teams: {
          appId: APP_ID,
          appPassword: SECRETS.teamsClientSecret,
          tenantId: null,
          appType: 'MultiTenant',
        },
      },
      references,
      log: suiteLog('teams-references'),
      sdk: { cloud: connector.cloud, token: () => outbound },
    });
    await notifier.send('a:personal', ALERT);
    const sent = connector.activities.at(-1)!;
    assert.equal(sent.conversationId, 'a:personal');
    assert.equal((sent.activity.from as { id: string }).id, `28:${APP_ID}`);
    assert.equal(sent.authorization, `Bearer ${outbound}`);
  });

  it('send answers the new activity id; update replaces that activity’s card (PUT)', async () => {
    const references = createConversationStore<StoredReference>(dir);
    await references.save('19:update@thread.tacv2', {
      ...botbuilderReference(connector.serviceUrl),
      conversation: { conversationType: 'channel', id: '19:update@thread.tacv2', isGroup: true },
    });
    const notifier = createTeamsNotifier({
      config: { teams: null },
      references,
      log: suiteLog('teams-references'),
    });
    const { id } = await notifier.send('19:update@thread.tacv2', ALERT);
    const posted = connector.activities.at(-1)!;
    assert.equal(posted.method, 'POST');
    assert.match(id, /^fake-\d+$/, 'the id the connector gave the new activity');
    const resolved: View = { ...ALERT, tone: 'good', title: 'Resolved: Secret expires within 7 days' };
    await notifier.update('19:update@thread.tacv2', id, resolved);
    const put = connector.activities.at(-1)!;
    assert.equal(put.method, 'PUT');
    assert.equal(put.conversationId, '19:update@thread.tacv2');
    assert.equal(put.activityId, id);
    const attachments = put.activity.attachments as { content: unknown }[];
    assert.deepEqual(attachments[0]?.content, toAdaptiveCard(resolved));
    assert.deepEqual(connector.unexpected, []);
  });

  it('an unusable reference is refused with its conversation named, and left as it was', async () => {
    const references = createConversationStore<StoredReference>(dir);
    await references.save('19:broken', { conversation: { id: '19:broken' }, channelId: 'msteams' });
    const notifier = createTeamsNotifier({
      config: { teams: null },
      references,
      log: suiteLog('teams-references'),
    });
    await assert.rejects(notifier.send('19:broken', ALERT), /19:broken has an unusable stored reference/);
    assert.deepEqual(await references.get('19:broken'), {
      conversation: { id: '19:broken' },
      channelId: 'msteams',
    });
  });

  it('an incoming activity replaces the old reference with the new format', async () => {
    const references = createConversationStore<StoredReference>(dir);
    await references.save('19:alerts@thread.tacv2', botbuilderReference(connector.serviceUrl));
    const route = createTeamsRoute({
      config: { teams: null },
      core: {
        answer: () => Promise.resolve(ALERT),
        act: () => Promise.resolve(ALERT),
      },
      log: suiteLog('teams-references'),
      references,
    });
    const server: Server = createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: '1700000000999',
          serviceUrl: connector.serviceUrl,
          channelId: 'msteams',
          from: { id: '29:1user', name: 'Megan Bowen', aadObjectId: '7faf8ab2-3d56-4244-b585-20c8a42ed2b8' },
          conversation: { conversationType: 'channel', id: '19:alerts@thread.tacv2', isGroup: true },
          recipient: { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify' },
          text: '<at>Certify</at> alerts',
        }),
      });
      assert.equal(res.status, 200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    const stored = await references.get('19:alerts@thread.tacv2');
    assert.equal(stored?.format, 2);
    assert.ok(stored && !('activityId' in stored) && !('user' in stored));
  });
});

describe('migrateReference', () => {
  it('keeps what a post needs, drops what changes per message, and refuses what cannot be posted to', () => {
    const legacy = botbuilderReference('https://smba.trafficmanager.net/emea/');
    assert.deepEqual(migrateReference(legacy), {
      format: 2,
      serviceUrl: 'https://smba.trafficmanager.net/emea',
      channelId: 'msteams',
      conversation: {
        id: '19:alerts@thread.tacv2',
        conversationType: 'channel',
        tenantId: '00000000-0000-0000-0000-0000000000cc',
        isGroup: true,
        name: 'Alerts',
      },
      bot: { id: '28:00000000-0000-0000-0000-0000000000bb', name: 'Certify' },
    });
    const current = migrateReference(legacy)!;
    assert.deepEqual(migrateReference(current), current, 'the new format reads back as itself');
    assert.equal(migrateReference({ ...legacy, serviceUrl: undefined }), null);
    assert.equal(migrateReference({ ...legacy, serviceUrl: 'javascript:alert(1)' }), null);
    assert.equal(migrateReference({ ...legacy, conversation: {} }), null);
    assert.equal(migrateReference({ ...legacy, channelId: undefined })?.channelId, 'msteams');
  });
});
