/**
 * Alert delivery as a job: the real Slack notifier (Bolt's Web API client) against the local
 * fake Slack, through the in-process job queue and the real alert store. A throttled or failing
 * Slack is tried again with backoff and the card lands once; a refusal that would fail again is
 * not retried, and its claims are released so the next scheduled run tries that channel again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { runAlerts } from '../../bot/alerts/deliver.js';
import { defineAlertDelivery } from '../../bot/jobs/alert-delivery.js';
import { httpStatusOf, isTransientDeliveryError } from '../../bot/jobs/transient.js';
import { createSlackNotifier } from '../../bot/slack/index.js';
import { SCAN_SCHEMA, type ScanResult } from '../../scanner/scan.js';
import { summarize } from '../../scanner/summary.js';
import { createAlertStore } from '../../store/alerts.js';
import { createInProcessJobQueue } from '../../store/jobs/in-process.js';
import type { JobQueue } from '../../store/jobs/types.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';
import { SECRETS } from '../support/secrets.js';

const NOW = Date.parse('2026-11-01T06:00:00Z');
const ASSET = 'https://kv-prod.vault.azure.net/secrets/db-password';

let slack: FakeSlack;
const dirs: string[] = [];
const queues: JobQueue[] = [];
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  for (const q of queues) await q.stop({ graceful: false, timeoutMs: 1000 });
  await slack.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function scan(): ScanResult {
  const at = new Date(NOW).toISOString();
  return {
    schema: SCAN_SCHEMA,
    scanId: 'scan-1',
    now: at,
    source: 'test',
    score: 90,
    rating: null,
    rules: [
      {
        id: 'P003',
        name: 'expiring',
        severity: 'Medium',
        weight: 8,
        class: 'framework',
        status: 'fail',
        evaluated: 1,
        failing: [ASSET],
        metric: null,
      },
    ],
    frameworks: [],
    tenantId: 't',
    collectedAt: at,
    assets: { vaults: 1, secrets: 1, keys: 0, certificates: 0, resources: null, appRegistrations: null },
  };
}

async function setup(channel: string) {
  const dir = mkdtempSync(join(tmpdir(), 'certify-delivery-job-'));
  dirs.push(dir);
  const ports = openPorts(dir, 50);
  const result = scan();
  await ports.scans.save(result, summarize(result));
  const alerts = createAlertStore(dir);
  await alerts.subscribe({
    channel: { kind: 'slack', id: channel },
    filters: {},
    createdBy: 'u1',
    createdAt: new Date(NOW).toISOString(),
  });
  const log: { event: string; fields: Record<string, unknown> }[] = [];
  const logger = (event: string, fields: Record<string, unknown> = {}) => log.push({ event, fields });
  const notifier = createSlackNotifier({
    config: { slack: { botToken: SECRETS.slackPlaceholderBotToken, apiUrl: slack.apiUrl } },
    log: logger,
  });
  const jobs = createInProcessJobQueue({ log: logger, random: () => 0 });
  queues.push(jobs);
  const settled = new Promise<void>((resolve) => {
    const watch = setInterval(() => {
      if (log.some((l) => l.event === 'alerts.delivered' || l.event === 'alerts.delivery_failed')) {
        clearInterval(watch);
        resolve();
      }
    }, 20);
  });
  const enqueue = defineAlertDelivery(jobs, {
    alerts,
    notifiers: () => ({ slack: notifier }),
    log: logger,
    options: { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 30 },
  });
  await jobs.start();
  const run = () =>
    runAlerts({ ports, alerts, notifiers: { slack: notifier }, now: NOW, log: logger, enqueue });
  return { alerts, log, run, settled };
}

const posts = (channel: string) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body['channel'] === channel);

describe('alert delivery job', () => {
  it('retries a throttled (429) and failing (503) Slack with backoff; the card lands once', async () => {
    // The Web API client tries a 5xx three times itself before an attempt fails; a 429 it hands
    // back at once (rejectRateLimitedCalls).
    slack.failNext('chat.postMessage', [429, 503, 503, 503]);
    const t = await setup('C-RETRY');
    const first = await t.run();
    assert.equal(first.queued, 1);
    await t.settled;
    const tries = t.log.filter((l) => l.event === 'alerts.delivery_retry');
    assert.deepEqual(
      tries.map((l) => l.fields['status']),
      [429, 503],
      'two transient failures, each retried',
    );
    const delivered = t.log.find((l) => l.event === 'alerts.delivered');
    assert.equal(delivered?.fields['attempt'], 3);
    assert.equal(posts('C-RETRY').length, 5, 'one 429, three 503 and the post that landed');
    assert.equal((await t.alerts.sentKeys()).size, 1, 'the claim is kept: the alert was delivered');
    const again = await t.run();
    assert.equal(again.queued, 0, 'the next run does not send it again');
  });

  it('does not retry a refusal that would fail again, and releases its claims', async () => {
    slack.failNext('chat.postMessage', [404, 404, 404]);
    const t = await setup('C-GONE');
    await t.run();
    await t.settled;
    assert.equal(t.log.filter((l) => l.event === 'alerts.delivery_retry').length, 0);
    assert.ok(t.log.some((l) => l.event === 'alerts.delivery_failed'));
    assert.equal((await t.alerts.sentKeys()).size, 0, 'released: the next run tries this channel again');
  });
});

describe('transient delivery errors', () => {
  const cases: { name: string; error: unknown; status: number | null; transient: boolean }[] = [
    {
      name: 'Slack rate limited',
      error: { code: 'slack_webapi_rate_limited_error' },
      status: 429,
      transient: true,
    },
    {
      name: 'Slack HTTP 503',
      error: { code: 'slack_webapi_http_error', statusCode: 503 },
      status: 503,
      transient: true,
    },
    {
      name: 'Slack HTTP 404',
      error: { code: 'slack_webapi_http_error', statusCode: 404 },
      status: 404,
      transient: false,
    },
    { name: 'Teams 429 (status)', error: { status: 429 }, status: 429, transient: true },
    { name: 'axios-like 502', error: { response: { status: 502 } }, status: 502, transient: true },
    {
      name: 'connection reset',
      error: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      status: null,
      transient: true,
    },
    {
      name: 'platform error (channel_not_found)',
      error: { code: 'slack_webapi_platform_error' },
      status: null,
      transient: false,
    },
    { name: 'not an object', error: 'boom', status: null, transient: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(httpStatusOf(c.error), c.status);
      assert.equal(isTransientDeliveryError(c.error), c.transient);
    });
  }
});
