/**
 * Telemetry from real processes (node --import tsx bot/main.ts) to local receivers (plain
 * node:http / node:https servers here):
 * - OTLP http/json: the Azure source through the real SDKs against the local fake cloud, a
 *   playground command over HTTP; the spans and metrics are decoded and the span tree checked
 *   (HTTP server → command → scan → outbound Azure calls through the CONNECT proxy, 429s
 *   included) with the metric totals against what the fake cloud counted.
 * - OTLP http/protobuf (the default): the scheduled scan's telemetry arrives, checked by the
 *   names it carries (no protobuf decoder is a dependency).
 * - Azure Monitor: a connection string whose IngestionEndpoint is a local HTTPS server; with
 *   OTLP set as well, both receive.
 * - Off: nothing of the SDK is loaded. A bad setting stops the start-up, naming the variable.
 * - The ESM loader hook: a named `import { get } from 'node:http'` is traced with it, not without.
 * Every service run ends with SIGTERM: what is buffered is flushed before the exit.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { tlsMaterial } from '../support/fake-azure/tls.js';
import { captureChildOutput } from '../support/child-log.js';
import { listeningBot } from '../support/bot-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NOW = Date.parse('2026-11-23T06:00:00Z');
const INVENTORY = generateDemoInventory({ profile: 'showcase', seed: 5, size: 40, now: NOW });
const ASSETS = INVENTORY.secrets.length + INVENTORY.keys.length + INVENTORY.certificates.length;

interface Received {
  path: string;
  contentType: string;
  body: Buffer;
}

let azure: FakeAzure;
const dirs: string[] = [];
const children: ChildProcess[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  // Every 5th Key Vault request throttled: the 429s must show up as a metric.
  azure = await startFakeAzure({ inventory: INVENTORY, throttle: { everyNth: 5, retryAfter: 'ms' } });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const server of servers) server.close();
  await azure?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The OTLP/HTTP receiver: keeps every export, answers 200 as a collector does. */
async function startReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function startBot(
  env: Record<string, string>,
  opts: { azure: boolean; watchLoads?: boolean } = { azure: true },
): Promise<{
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  child: ChildProcess;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-otlp-'));
  dirs.push(dataDir);
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    ...(opts.azure ? azure.env : {}),
    CERTIFY_DATA_DIR: dataDir,
    CERTIFY_SOURCE: opts.azure ? 'azure' : 'demo',
    // The showcase tenant has no seeded history: these tests are about the process, not the demo.
    CERTIFY_DEMO_PROFILE: 'showcase',
    PORT: '0',
    HOST: '127.0.0.1',
    CERTIFY_PLAYGROUND: '1',
    OTEL_METRIC_EXPORT_INTERVAL: '200',
    ...env,
  };
  for (const name of [
    'AZURE_SUBSCRIPTION_IDS',
    'CERTIFY_DATABASE_URL',
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'MicrosoftAppId',
    'CLIENT_ID',
    ...(env.APPLICATIONINSIGHTS_CONNECTION_STRING ? [] : ['APPLICATIONINSIGHTS_CONNECTION_STRING']),
    'OTEL_SDK_DISABLED',
    'OTEL_EXPORTER_OTLP_HEADERS',
    ...(env.OTEL_EXPORTER_OTLP_ENDPOINT ? [] : ['OTEL_EXPORTER_OTLP_ENDPOINT']),
    ...(opts.azure ? [] : ['HTTPS_PROXY', 'https_proxy']),
    ...(env.CERTIFY_SCAN_ON_START ? [] : ['CERTIFY_SCAN_ON_START']),
  ])
    delete full[name];
  const child = spawn(
    process.execPath,
    [...(opts.watchLoads ? ['--import', watcher()] : []), '--import', 'tsx', join(ROOT, 'bot', 'main.ts')],
    {
      cwd: ROOT,
      env: full,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(captureChildOutput(child, 'telemetry-process'));
  return { ...(await listeningBot(child, 60_000)), child };
}

/**
 * A preload that prints every OpenTelemetry or Azure Monitor package the process resolves, by
 * import or require (module.registerHooks sees both), as `LOADED <specifier>` on stderr.
 */
function watcher(): string {
  const dir = mkdtempSync(join(tmpdir(), 'certify-otel-watch-'));
  dirs.push(dir);
  const file = join(dir, 'watch.mjs');
  writeFileSync(
    file,
    [
      "import { registerHooks } from 'node:module';",
      'registerHooks({',
      '  resolve(specifier, context, next) {',
      '    if (/^@opentelemetry\\/|^@azure\\/monitor/.test(specifier)) process.stderr.write(`LOADED ${specifier}\\n`);',
      '    return next(specifier, context);',
      '  },',
      '});',
    ].join('\n'),
  );
  return file;
}

const loaded = (output: string) => new Set([...output.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!));

// The OTLP/JSON shapes this test reads.
type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type KeyValue = { key: string; value: AnyValue };
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: KeyValue[];
}
interface JsonPoint {
  attributes: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
}
interface JsonMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints: JsonPoint[] };
  histogram?: { dataPoints: JsonPoint[] };
}

const attrs = (kvs: KeyValue[]): Record<string, unknown> =>
  Object.fromEntries(kvs.map(({ key, value }) => [key, Object.values(value)[0]]));

function decodeJson(received: Received[]) {
  const spans: JsonSpan[] = [];
  const exports: JsonMetric[][] = [];
  for (const r of received) {
    assert.match(r.contentType, /application\/json/);
    const body = JSON.parse(r.body.toString('utf8')) as {
      resourceSpans?: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: JsonSpan[] }[] }[];
      resourceMetrics?: { scopeMetrics: { metrics: JsonMetric[] }[] }[];
    };
    if (r.path === '/v1/traces') {
      for (const rs of body.resourceSpans ?? []) {
        assert.equal(attrs(rs.resource.attributes)['service.name'], 'certify-test');
        for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
    } else if (r.path === '/v1/metrics') {
      exports.push((body.resourceMetrics ?? []).flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)));
    } else {
      assert.fail(`unexpected OTLP path ${r.path}`);
    }
  }
  return { spans, exports };
}

/** A cumulative instrument's total in the last export that has it. */
function lastTotal(
  exports: JsonMetric[][],
  name: string,
  filter: Record<string, unknown> = {},
): number | null {
  for (let i = exports.length - 1; i >= 0; i--) {
    const metric = exports[i]!.find((m) => m.name === name);
    if (!metric) continue;
    const points = (metric.sum ?? metric.histogram)!.dataPoints.filter((p) =>
      Object.entries(filter).every(([k, v]) => attrs(p.attributes)[k] === v),
    );
    return points.reduce((n, p) => n + Number(p.count ?? p.asInt ?? p.asDouble ?? 0), 0);
  }
  return null;
}

async function post(port: number, text: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/playground/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  await res.text();
  return res.status;
}

describe('telemetry from a real bot process to local receivers', () => {
  it('http/json: the span tree of a command that scans Azure, and the metrics', async () => {
    const receiver = await startReceiver();
    const requestsBefore = azure.stats().requests;
    const throttledBefore = azure.stats().throttled;
    const bot = await startBot(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'certify-test',
      },
      { azure: true, watchLoads: true },
    );
    // The SDK, the exporters and the HTTP instrumentation were loaded (the watcher sees them).
    for (const pkg of [
      '@opentelemetry/sdk-node',
      '@opentelemetry/exporter-trace-otlp-http',
      '@opentelemetry/instrumentation-http',
    ])
      assert.ok(loaded(bot.output()).has(pkg), `${pkg} not loaded`);
    // No scan saved yet: `score` scans the tenant now, inside the command.
    assert.equal(await post(bot.port, 'score'), 200);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.output());
    const azureRequests = azure.stats().requests - requestsBefore;
    const throttled = azure.stats().throttled - throttledBefore;

    const { spans, exports } = decodeJson(receiver.received);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const command = spans.find((s) => s.name === 'certify.command');
    assert.ok(command, `no command span in ${spans.map((s) => s.name).join(', ')}`);
    assert.deepEqual(attrs(command.attributes), {
      'certify.command': 'score',
      'certify.input': 'text',
      'certify.channel': 'playground',
      'certify.outcome': 'ok',
    });
    // The server span of POST /api/playground/command is the command's parent.
    const server = byId.get(command.parentSpanId ?? '');
    assert.ok(server, 'the command span has no parent span');
    assert.equal(server.kind, 2 /* SERVER */);
    assert.equal(attrs(server.attributes)['http.request.method'], 'POST');
    // Named after the route that matched (bot/server.ts), not only the method.
    assert.equal(server.name, 'POST /api/playground/command');
    assert.equal(attrs(server.attributes)['http.route'], '/api/playground/command');
    // command → scan → outbound Azure calls, one trace.
    const scan = spans.find((s) => s.name === 'certify.scan' && s.parentSpanId === command.spanId);
    assert.ok(scan, 'no scan span under the command');
    assert.equal(attrs(scan.attributes)['certify.source'], 'azure');
    assert.equal(Number(attrs(scan.attributes)['certify.assets']), ASSETS);
    const outbound = spans.filter((s) => s.parentSpanId === scan.spanId && s.kind === 3 /* CLIENT */);
    const hosts = new Set(outbound.map((s) => String(attrs(s.attributes)['server.address'])));
    assert.ok(hosts.has('management.azure.com'), [...hosts].join(', '));
    assert.ok(
      [...hosts].some((h) => h.endsWith('.vault.azure.net')),
      [...hosts].join(', '),
    );
    for (const s of [server, scan, ...outbound]) assert.equal(s.traceId, command.traceId);
    // A throttled request is a client span with its 429.
    assert.ok(outbound.some((s) => Number(attrs(s.attributes)['http.response.status_code']) === 429));

    assert.equal(lastTotal(exports, 'certify.command.duration', { 'certify.command': 'score' }), 1);
    assert.equal(lastTotal(exports, 'certify.scan.duration', { 'certify.source': 'azure' }), 1);
    assert.equal(lastTotal(exports, 'certify.scan.assets'), ASSETS);
    assert.equal(lastTotal(exports, 'certify.azure.requests'), azureRequests);
    assert.ok(throttled > 0);
    assert.equal(lastTotal(exports, 'certify.azure.throttled'), throttled);
    assert.equal(
      lastTotal(exports, 'certify.http.server.requests', {
        'http.route': 'POST /api/playground/command',
        'http.status_class': '2xx',
      }),
      1,
    );
    const units = new Map(exports.flat().map((m) => [m.name, m.unit]));
    assert.equal(units.get('certify.scan.duration'), 's');
    assert.equal(units.get('certify.azure.throttled'), '{request}');
  }, 120_000);

  it('http/protobuf (the default): the scheduled scan on start reaches the receiver', async () => {
    const receiver = await startReceiver();
    const bot = await startBot({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'certify-test',
      CERTIFY_SCAN_ON_START: '1',
    });
    const until = Date.now() + 60_000;
    while (!bot.output().includes('"event":"scheduled_scan"')) {
      assert.ok(Date.now() < until, `no scheduled scan: ${bot.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.output());
    const traces = receiver.received.filter((r) => r.path === '/v1/traces');
    const metrics = receiver.received.filter((r) => r.path === '/v1/metrics');
    assert.ok(traces.length > 0 && metrics.length > 0);
    for (const r of [...traces, ...metrics]) assert.equal(r.contentType, 'application/x-protobuf');
    // Protobuf carries strings as UTF-8 bytes: the names are there as written.
    const traceBytes = Buffer.concat(traces.map((r) => r.body));
    for (const name of ['certify.job.scheduled_scan', 'certify.scan', 'management.azure.com', 'certify-test'])
      assert.ok(traceBytes.includes(name), `${name} not in the exported spans`);
    const metricBytes = Buffer.concat(metrics.map((r) => r.body));
    for (const name of ['certify.scan.duration', 'certify.scan.assets', 'certify.azure.requests'])
      assert.ok(metricBytes.includes(name), `${name} not in the exported metrics`);
  }, 120_000);

  it('Azure Monitor (and OTLP alongside): spans and metrics reach the IngestionEndpoint and the OTLP receiver', async () => {
    // The ingestion endpoint, played by a local HTTPS server (Azure Monitor's exporter speaks only
    // HTTPS) with a certificate for localhost from a test CA the bot process is told to trust.
    const tls = tlsMaterial(['localhost']);
    const received: { path: string; body: Buffer }[] = [];
    const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        received.push({ path: req.url ?? '', body });
        const items = (JSON.parse(body.toString('utf8') || '[]') as unknown[]).length;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
      });
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const otlp = await startReceiver();
    const bot = await startBot(
      {
        // Both set: Azure Monitor, and the same telemetry over OTLP as well.
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://localhost:${port}/`,
        // Only our telemetry: no SDK self-reporting to Microsoft's own endpoints.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
        APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
        NODE_EXTRA_CA_CERTS: tls.caFile,
        OTEL_SERVICE_NAME: 'certify-test',
      },
      { azure: false },
    );
    assert.equal(await post(bot.port, 'scan'), 200);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.output());

    type Envelope = { name: string; data?: { baseType?: string; baseData?: Record<string, unknown> } };
    const envelopes = received.flatMap((r) => {
      assert.match(r.path, /^\/v2(\.1)?\/track/);
      return JSON.parse(r.body.toString('utf8')) as Envelope[];
    });
    const names = (baseType: string) =>
      envelopes.filter((e) => e.data?.baseType === baseType).map((e) => String(e.data?.baseData?.name));
    // The command and its scan are dependencies of the request that carried the command.
    assert.ok(
      names('RemoteDependencyData').includes('certify.command'),
      JSON.stringify(names('RemoteDependencyData')),
    );
    assert.ok(names('RemoteDependencyData').includes('certify.scan'));
    assert.ok(
      names('RequestData').some((n) => n.includes('POST')),
      JSON.stringify(names('RequestData')),
    );
    const metricNames = envelopes
      .filter((e) => e.data?.baseType === 'MetricData')
      .flatMap((e) => (e.data?.baseData?.metrics as { name: string }[]).map((m) => m.name));
    for (const name of ['certify.command.duration', 'certify.scan.duration', 'certify.scan.assets'])
      assert.ok(metricNames.includes(name), `${name} not in ${JSON.stringify([...new Set(metricNames)])}`);
    const alongside = decodeJson(otlp.received);
    assert.ok(alongside.spans.some((s) => s.name === 'certify.command'));
    assert.equal(lastTotal(alongside.exports, 'certify.scan.duration'), 1);
  }, 120_000);

  it('off: neither variable set, nothing of the SDK is loaded', async () => {
    const bot = await startBot({}, { azure: false, watchLoads: true });
    assert.equal(await post(bot.port, 'scan'), 200);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0, bot.output());
    // Only the API (which the Teams SDK, pg-boss and the log's trace correlation import, and which
    // does nothing without an SDK); no SDK, exporter, instrumentation or Azure Monitor package.
    const packages = [...loaded(bot.output())];
    assert.deepEqual(
      packages.filter((p) => p !== '@opentelemetry/api'),
      [],
    );
  }, 120_000);

  it('a bad telemetry setting stops the start-up, naming the variable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'certify-otlp-bad-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        CERTIFY_DATA_DIR: dataDir,
        PORT: '0',
        HOST: '127.0.0.1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(captureChildOutput(child, 'telemetry-process'));
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    assert.equal(code, 2, out);
    assert.match(out, /OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/);
    assert.doesNotMatch(out, /listening on/);
  }, 60_000);

  it('the ESM loader hook is what traces a named import of node:http (with and without it)', async () => {
    const run = async (hook: boolean) => {
      const receiver = await startReceiver();
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'test', 'support', 'telemetry-hook-child.ts')],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            HOOK: hook ? '1' : '0',
            TARGET_URL: `${receiver.url}/named-import`,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_SERVICE_NAME: 'certify-test',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(captureChildOutput(child, 'telemetry-process'));
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      assert.equal(await new Promise((done) => child.on('exit', done)), 0, out);
      const exported = receiver.received.filter((r) => r.path !== '/named-import');
      const { spans } = decodeJson(exported);
      const outer = spans.find((s) => s.name === 'hook-check');
      assert.ok(outer, out);
      return spans.filter((s) => s.kind === 3 /* CLIENT */ && s.parentSpanId === outer.spanId);
    };
    const hooked = await run(true);
    assert.equal(hooked.length, 1);
    assert.match(String(attrs(hooked[0]!.attributes)['url.full']), /\/named-import$/);
    // The control: without the hook the same call makes no client span.
    assert.equal((await run(false)).length, 0);
  }, 120_000);
});
