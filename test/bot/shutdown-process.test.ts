/**
 * SIGTERM on a real bot process (bot/main.ts → bot/service.ts, embedded store, demo source): a request in flight
 * is answered, new connections are refused, the stop is in the audit log, the exit code is 0; a
 * scheduled scan running at the SIGTERM (Azure source, against the fake cloud) finishes and is
 * saved before the exit. A second signal does not wait.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { captureChildOutput } from '../support/child-log.js';
import { startFakeAzure } from '../support/fake-azure/index.js';
import { listeningBot } from '../support/bot-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startBot(extra: NodeJS.ProcessEnv = {}): Promise<{
  child: ChildProcess;
  port: number;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-shutdown-'));
  dirs.push(dataDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CERTIFY_DATA_DIR: dataDir,
    CERTIFY_SOURCE: 'demo',
    // The showcase tenant has no seeded history: these tests are about the process, not the demo.
    CERTIFY_DEMO_PROFILE: 'showcase',
    PORT: '0',
    HOST: '127.0.0.1',
    CERTIFY_PLAYGROUND: '1',
    // The listening line below is an info line.
    LOG_LEVEL: 'info',
  };
  for (const name of [
    'AZURE_SUBSCRIPTION_IDS',
    'CERTIFY_DATABASE_URL',
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'MicrosoftAppId',
    'CLIENT_ID',
    'CERTIFY_SCAN_ON_START',
  ])
    delete env[name];
  Object.assign(env, extra);
  const child = captureChildOutput(
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'bot-main',
  );
  children.push(child);
  return { child, dataDir, ...(await listeningBot(child, 30_000)) };
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    request({ port, host: '127.0.0.1', path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    })
      .on('error', fail)
      .end();
  });
}

const waitFor = async (pred: () => boolean, ms: number) => {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('bot process shutdown', () => {
  it('SIGTERM lets the request in flight finish, refuses new connections and exits 0', async () => {
    const bot = await startBot();
    // The start-up lines are structured log lines; the listening one names where it listens.
    const startup = bot
      .output()
      .split('\n')
      .slice(0, -1)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const listening = startup.find((l) => l['event'] === 'service.listening');
    assert.equal(listening?.['level'], 'info');
    assert.equal(listening?.['port'], bot.port);
    assert.match(String(listening?.['msg']), /^Certify \S+ on Node v\d+/);
    const ready = await get(bot.port, '/readyz');
    assert.equal(ready.status, 200, ready.body);

    // A playground command whose body arrives in two halves: in flight across the SIGTERM.
    const body = JSON.stringify({ text: 'help' });
    const answered = new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(
        {
          port: bot.port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/playground/command',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', fail);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        bot.child.kill('SIGTERM');
        void waitFor(() => bot.output().includes('service.stopping'), 5_000).then(async () => {
          // The listening socket is gone: a new connection is refused.
          const refused = await new Promise<string>((r) => {
            const socket = connect(bot.port, '127.0.0.1');
            socket.on('connect', () => {
              socket.destroy();
              r('connected');
            });
            socket.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
          });
          assert.equal(refused, 'ECONNREFUSED');
          req.end(body.slice(5));
        }, fail);
      }, 300);
    });
    const response = await answered;
    assert.equal(response.status, 200, response.body);
    assert.equal(await bot.exited, 0, bot.output());
    assert.match(bot.output(), /"event":"service.stopped"/);
    const audit = readFileSync(join(bot.dataDir, 'audit-log.jsonl'), 'utf8');
    assert.match(audit.trim().split('\n').at(-1)!, /service\.stopped/);
  }, 60_000);

  it('SIGTERM during a scheduled scan: the scan finishes and is saved, then the exit is 0', async () => {
    // Each answer of the fake cloud takes 150 ms, so the scan is still collecting at the SIGTERM.
    const now = Date.parse('2026-11-23T06:00:00Z');
    const fake = await startFakeAzure({
      inventory: generateDemoInventory({ profile: 'showcase', seed: 11, size: 40, now }),
      latencyMs: 150,
    });
    try {
      const bot = await startBot({ ...fake.env, CERTIFY_SOURCE: 'azure', CERTIFY_SCAN_ON_START: '1' });
      await waitFor(() => bot.output().includes('"event":"scheduled_scan.started"'), 30_000);
      bot.child.kill('SIGTERM');
      assert.equal(await bot.exited, 0, bot.output());
      const events = bot
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; scanId?: string });
      const at = (name: string) => events.findIndex((e) => e.event === name);
      // The order proves the scan was in flight when the stop began, and was not cut off.
      assert.ok(at('scheduled_scan.started') < at('service.stopping'), bot.output());
      assert.ok(at('service.stopping') < at('scheduled_scan'), bot.output());
      assert.ok(at('scheduled_scan') < at('service.stopped'), bot.output());
      const scanId = events[at('scheduled_scan')]!.scanId!;
      assert.match(readFileSync(join(bot.dataDir, 'scans.json'), 'utf8'), new RegExp(scanId));
      const audit = readFileSync(join(bot.dataDir, 'audit-log.jsonl'), 'utf8').trim().split('\n');
      assert.ok(
        audit.some((l) => l.includes(scanId)),
        'the scan is in the audit log',
      );
      assert.match(audit.at(-1)!, /service\.stopped/);
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('a second SIGTERM exits at once, non-zero', async () => {
    const bot = await startBot();
    // A request held open keeps the first stop waiting for up to its grace.
    const req = request({
      port: bot.port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/api/playground/command',
      headers: { 'content-type': 'application/json', 'content-length': 100 },
    });
    req.on('error', () => {});
    req.write('{');
    await new Promise((r) => setTimeout(r, 200));
    bot.child.kill('SIGTERM');
    await waitFor(() => bot.output().includes('service.stopping'), 5_000);
    const t0 = Date.now();
    bot.child.kill('SIGTERM');
    const code = await bot.exited;
    assert.notEqual(code, 0);
    assert.ok(Date.now() - t0 < 3_000);
    assert.match(bot.output(), /service\.stop_forced/);
  }, 60_000);
});
