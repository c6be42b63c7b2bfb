/**
 * Telemetry through real code paths, exported to in-memory providers: a playground command over
 * HTTP (server → core → scan service → demo source), the Azure source against the local fake
 * cloud (requests and 429s counted), an alert delivery job, an evidence build job, and the
 * shutdown's last step. Asserted: the span tree, the attributes (never the user's text), and the
 * metric points with their units.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, describe, it } from 'vitest';
import { azureSourceFromEnv } from '../../adapters/azure-source.js';
import { openPorts } from '../../app/ports.js';
import { METRICS, NO_TELEMETRY } from '../../base/telemetry.js';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { defineAlertDelivery } from '../../bot/jobs/alert-delivery.js';
import { createServer } from '../../bot/server.js';
import { createShutdown } from '../../bot/shutdown.js';
import type { View } from '../../cards/views.js';
import { demoSource, generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { createScanService } from '../../services/scan.js';
import { defineEvidenceBuildJob } from '../../services/evidence-build.js';
import type { EvidenceService } from '../../services/evidence.js';
import { createAlertStore } from '../../store/alerts.js';
import { createInProcessJobQueue } from '../../store/jobs/in-process.js';
import type { JobQueue } from '../../store/jobs/types.js';
import { startFakeAzure } from '../support/fake-azure/index.js';
import { memoryTelemetry, onlySpan, parentOf, type MetricPoint } from '../support/telemetry.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const dirs: string[] = [];
const queues: JobQueue[] = [];
afterAll(async () => {
  for (const q of queues) await q.stop({ graceful: false, timeoutMs: 1000 });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certify-telemetry-'));
  dirs.push(dir);
  return dir;
};

const total = (points: MetricPoint[] | undefined) => (points ?? []).reduce((n, p) => n + p.value, 0);
const pointWith = (points: MetricPoint[] | undefined, attrs: Record<string, unknown>) =>
  (points ?? []).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v));

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('telemetry of a chat command (in-memory exporter)', () => {
  it('a playground command is a span over its scan, with latency, scan and request metrics', async () => {
    const mem = memoryTelemetry();
    const ports = openPorts(freshDir(), 50);
    ports.telemetry = mem.telemetry;
    const source = demoSource({ profile: 'showcase', size: 60 });
    const core = createBotCore({ ports, source, clock: () => NOW, telemetry: mem.telemetry });
    const server = createServer({
      config: { ...readBotEnv({ PORT: '0', CERTIFY_PLAYGROUND: '1' }, '/tmp'), host: '127.0.0.1' },
      core,
      log: () => undefined,
      version: '9.9.9',
      telemetry: mem.telemetry,
    });
    const { port } = await server.listen();
    try {
      const post = (text: string) =>
        fetch(`http://127.0.0.1:${port}/api/playground/command`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        });
      const scanned = await post('scan');
      assert.equal(scanned.status, 200, await scanned.text());
      // Whatever the user typed beyond a known command name never becomes an attribute.
      const unknown = await post('frobnicate hunter2-token');
      assert.equal(unknown.status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${port}/no/such/path`)).status, 404);
    } finally {
      await server.close();
    }
    const spans = mem.spans();
    const commands = spans.filter((s) => s.name === 'certify.command');
    assert.equal(commands.length, 2, spans.map((s) => s.name).join(', '));
    const [scanCommand, unknownCommand] = commands as [(typeof commands)[0], (typeof commands)[0]];
    assert.deepEqual(scanCommand.attributes, {
      'certify.command': 'scan',
      'certify.input': 'text',
      'certify.channel': 'playground',
      'certify.outcome': 'ok',
    });
    assert.equal(unknownCommand.attributes['certify.command'], 'unknown');
    for (const span of spans)
      for (const value of Object.values(span.attributes))
        assert.ok(!String(value).includes('hunter2'), `${span.name} carries the user's text`);

    // command → scan: the scan runs inside the command's span, in the same trace.
    const scan = onlySpan(spans, 'certify.scan');
    assert.equal(parentOf(scan), scanCommand.spanContext().spanId);
    assert.equal(scan.spanContext().traceId, scanCommand.spanContext().traceId);
    assert.equal(scan.kind, SpanKind.INTERNAL);
    assert.equal(scan.attributes['certify.source'], 'demo');
    assert.equal(scan.attributes['certify.outcome'], 'ok');
    const assets = scan.attributes['certify.assets'];
    assert.equal(typeof assets, 'number');
    assert.ok((assets as number) > 0);

    const metrics = await mem.metrics();
    const latency = metrics.get('certify.command.duration');
    assert.equal(total(latency), 2);
    assert.equal(latency![0]!.unit, 's');
    assert.equal(pointWith(latency, { 'certify.command': 'scan', 'certify.outcome': 'ok' }).length, 1);
    assert.equal(total(metrics.get('certify.scan.duration')), 1);
    assert.equal(total(metrics.get('certify.scan.assets')), assets);
    assert.equal(metrics.get('certify.scan.assets')![0]!.unit, '{asset}');
    const requests = metrics.get('certify.http.server.requests');
    assert.equal(
      total(
        pointWith(requests, { 'http.route': 'POST /api/playground/command', 'http.status_class': '2xx' }),
      ),
      2,
    );
    assert.equal(total(pointWith(requests, { 'http.route': 'unmatched', 'http.status_class': '4xx' })), 1);
    await mem.shutdown();
  });

  it('a failing command ends its span as an error and records the outcome', async () => {
    const mem = memoryTelemetry();
    const ports = openPorts(freshDir(), 50);
    ports.telemetry = mem.telemetry;
    const broken = {
      id: 'demo',
      collect: () => Promise.reject(new Error('the source is down')),
    };
    const core = createBotCore({ ports, source: broken, clock: () => NOW, telemetry: mem.telemetry });
    await core.answer('scan', { id: 'u1', name: 'U' }, { kind: 'slack', id: 'C1' }).catch(() => undefined);
    const spans = mem.spans();
    const scan = onlySpan(spans, 'certify.scan');
    assert.equal(scan.status.code, SpanStatusCode.ERROR);
    assert.equal(scan.attributes['certify.outcome'], 'error');
    const command = onlySpan(spans, 'certify.command');
    assert.equal(command.attributes['certify.channel'], 'slack');
    assert.equal(parentOf(scan), command.spanContext().spanId);
    const metrics = await mem.metrics();
    assert.equal(total(pointWith(metrics.get('certify.scan.duration'), { 'certify.outcome': 'error' })), 1);
    await mem.shutdown();
  });

  it('the no-op port records nothing and runs the body', async () => {
    assert.equal(NO_TELEMETRY.enabled, false);
    assert.equal(await NO_TELEMETRY.span('x', {}, async () => 42), 42);
  });
});

describe('telemetry of the Azure source (in-memory exporter, fake cloud)', () => {
  it('counts every request and every 429 by Azure service, under the scan span', async () => {
    const inventory = generateDemoInventory({ profile: 'showcase', seed: 3, size: 40, now: NOW });
    const fake = await startFakeAzure({ inventory, throttle: { everyNth: 4, retryAfter: 'ms' } });
    const undo = fake.applyEnv();
    const mem = memoryTelemetry();
    try {
      const ports = openPorts(freshDir(), 50);
      ports.telemetry = mem.telemetry;
      const source = azureSourceFromEnv(process.env, mem.telemetry);
      const scans = createScanService({ ports, source: () => source, audit: null });
      await scans.run({ now: NOW, save: false });
    } finally {
      undo();
      await fake.close();
    }
    const stats = fake.stats();
    assert.ok(stats.throttled > 0, 'the fake throttled nothing');
    const metrics = await mem.metrics();
    const throttled = metrics.get('certify.azure.throttled');
    assert.equal(total(throttled), stats.throttled);
    assert.ok(throttled!.every((p) => p.attributes['azure.service'] === 'keyvault'));
    const requests = metrics.get('certify.azure.requests');
    assert.equal(total(pointWith(requests, { 'http.status_class': '4xx' })) >= stats.throttled, true);
    // Everything the fake answered went through the counted pipeline (tokens come from `az`).
    assert.equal(total(requests), stats.requests);
    assert.ok(pointWith(requests, { 'azure.service': 'arm' }).length > 0);
    const scan = onlySpan(mem.spans(), 'certify.scan');
    assert.equal(scan.attributes['certify.source'], 'azure');
    assert.equal(scan.attributes['certify.saved'], false);
    await mem.shutdown();
  });
});

describe('telemetry of jobs (in-memory exporter)', () => {
  it('alert delivery: a span per attempt, sent and failed cards by channel', async () => {
    const mem = memoryTelemetry();
    const dir = freshDir();
    const jobs = createInProcessJobQueue({ log: () => undefined, random: () => 0 });
    queues.push(jobs);
    const pushed: View[] = [];
    const enqueue = defineAlertDelivery(jobs, {
      alerts: createAlertStore(dir),
      notifiers: () => ({
        playground: { push: (view) => void pushed.push(view) },
        // A refusal that would fail again (not a 429 or 5xx): given up at once.
        slack: { post: () => Promise.reject(new Error('channel_not_found')) },
      }),
      log: () => undefined,
      telemetry: mem.telemetry,
    });
    await jobs.start();
    const view: View = { kind: 'message', text: 'alert' } as View;
    await enqueue({ channel: { kind: 'playground', id: 'p' }, view, claims: [] });
    await enqueue({ channel: { kind: 'slack', id: 'C1' }, view, claims: [] });
    await until(async () => {
      const m = await mem.metrics();
      return total(m.get('certify.alerts.sent')) + total(m.get('certify.alerts.failed')) === 2;
    }, 'both deliveries');
    const metrics = await mem.metrics();
    assert.deepEqual(
      metrics.get('certify.alerts.sent')!.map((p) => [p.attributes['certify.channel'], p.value]),
      [['playground', 1]],
    );
    assert.deepEqual(
      metrics.get('certify.alerts.failed')!.map((p) => [p.attributes['certify.channel'], p.value]),
      [['slack', 1]],
    );
    assert.equal(pushed.length, 1);
    await until(
      () => mem.spans().filter((s) => s.name === 'certify.job.alert_delivery').length === 2,
      'spans',
    );
    const spans = mem.spans().filter((s) => s.name === 'certify.job.alert_delivery');
    const failed = spans.find((s) => s.attributes['certify.channel'] === 'slack')!;
    assert.equal(failed.status.code, SpanStatusCode.ERROR);
    await mem.shutdown();
  });

  it('evidence build: a span and a duration point per attempt, by outcome', async () => {
    const mem = memoryTelemetry();
    const jobs = createInProcessJobQueue({ log: () => undefined, random: () => 0 });
    queues.push(jobs);
    let builds = 0;
    const evidence: Pick<EvidenceService, 'build'> = {
      build: async () => {
        builds++;
        return { kind: 'nothing', request: null } as unknown as Awaited<ReturnType<EvidenceService['build']>>;
      },
    };
    const queue = defineEvidenceBuildJob(jobs, { evidence, telemetry: mem.telemetry });
    await jobs.start();
    await queue.enqueue('req-1');
    await until(() => mem.spans().some((s) => s.name === 'certify.evidence.build'), 'the build span');
    assert.equal(builds, 1);
    const span = onlySpan(mem.spans(), 'certify.evidence.build');
    assert.equal(span.attributes['certify.outcome'], 'nothing');
    const points = (await mem.metrics()).get('certify.evidence.build.duration');
    assert.equal(total(pointWith(points, { 'certify.outcome': 'nothing' })), 1);
    assert.equal(points![0]!.unit, 's');
    await mem.shutdown();
  });
});

describe('telemetry at shutdown', () => {
  it('the SDK is flushed and stopped last, after the store closed; its failure does not fail the stop', async () => {
    const order: string[] = [];
    const lines: string[] = [];
    let code = -1;
    const shutdown = createShutdown({
      server: { close: async () => void order.push('server') },
      jobs: { stop: async () => void order.push('jobs') },
      store: { close: async () => void order.push('store') },
      audit: { append: async () => void order.push('audit'), checkpoint: async () => undefined } as never,
      telemetry: {
        shutdown: async () => {
          order.push('telemetry');
          throw new Error('collector unreachable');
        },
      },
      log: (event) => void lines.push(event),
      exit: (c) => (code = c),
      setTimer: () => ({}),
    });
    shutdown('SIGTERM');
    await shutdown.done;
    assert.deepEqual(order.slice(-2), ['store', 'telemetry']);
    assert.ok(lines.includes('telemetry.flush_failed'));
    assert.equal(code, 0);
  });
});

describe('the metric table', () => {
  it('every instrument is named certify.*, with a unit and a description', () => {
    for (const [name, spec] of Object.entries(METRICS)) {
      assert.match(name, /^certify\.[a-z_.]+$/);
      assert.ok(spec.unit.length > 0 && spec.description.length > 0, name);
    }
  });
});
