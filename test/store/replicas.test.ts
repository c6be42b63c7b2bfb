/**
 * Several replicas on one PostgreSQL, as an organisation runs Certify: real bot processes
 * (bot/main.ts) and real CLI processes, the Azure source through the real SDKs against the local
 * fake cloud, alerts through Bolt's Web API client to the local fake Slack.
 *
 * - Two replicas start together, each asked to run the scheduled scan at once: one job is
 *   queued. The replica running it is killed with SIGKILL in the middle of the scan; the other
 *   takes the job over. In the end there is exactly one complete saved scan, and each alert
 *   reaches each subscribed channel exactly once.
 * - 12 `certify rule add` processes at once keep 12 rules and 12 audit records, and the audit log
 *   in the database verifies.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { certifyProcess, certifyProcessesAtOnce, tagRuleArgs } from '../cli/harness.js';
import { NOW } from '../support/builders.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { createPgAlertStore } from '../../store/pg/alerts.js';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../store/signing-key.js';
import { captureChildOutput } from '../support/child-log.js';
import { SECRETS } from '../support/secrets.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHANNELS = ['C-SEC', 'C-PLATFORM'];

let db: TestDatabase;
/** The CLI test's own database: its audit log is signed by its own key. */
let cliDb: TestDatabase;
let slack: FakeSlack;
let azure: FakeAzure;
const dirs: string[] = [];
const children: ChildProcess[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certify-replicas-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  cliDb = await createTestDatabase({ migrated: false });
  slack = await startFakeSlack();
  // Slow enough (every response 150 ms, small pages) that a scan takes seconds: time to kill it.
  azure = await startFakeAzure({
    inventory: generateDemoInventory({ profile: 'showcase', seed: 7, size: 300, now: NOW }),
    latencyMs: 150,
    kvPageSize: 5,
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await azure?.close();
  await slack?.close();
  await db?.drop();
  await cliDb?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Replica {
  name: string;
  child: ChildProcess;
  lines: Record<string, unknown>[];
  waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startReplica(name: string, dataDir: string): Replica {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...azure.env,
    CERTIFY_DATABASE_URL: db.url,
    CERTIFY_DATA_DIR: dataDir,
    CERTIFY_SOURCE: 'azure',
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: SECRETS.slackPlaceholderBotToken,
    SLACK_SIGNING_SECRET: SECRETS.replicaSigningSecret,
    // The events waited for below are info lines.
    LOG_LEVEL: 'info',
    CERTIFY_SLACK_API_URL: slack.apiUrl,
    CERTIFY_SCAN_ON_START: '1',
    // Far away: the only scheduled run is the one asked for at start.
    CERTIFY_SCAN_CRON: '0 0 1 1 *',
    CERTIFY_JOBS_SUPERVISE_SECONDS: '1',
    CERTIFY_JOBS_HEARTBEAT_SECONDS: '10',
  };
  delete env.AZURE_SUBSCRIPTION_IDS;
  const child = captureChildOutput(
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    `bot-${name}`,
  );
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters: {
    pred: (l: Record<string, unknown>) => boolean;
    done: (l: Record<string, unknown>) => void;
  }[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of [...waiters]) if (w.pred(line)) w.done(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    name,
    child,
    lines,
    exited,
    waitFor(pred, timeoutMs) {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((done, fail) => {
        const timer = setTimeout(
          () =>
            fail(
              new Error(`${name}: no such log line within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pred,
          done: (line) => {
            clearTimeout(timer);
            done(line);
          },
        });
      });
    },
  };
}

/** The alert keys on the Acknowledge button of a posted card (or of its saved group). */
async function keysOf(body: Record<string, unknown>): Promise<string[]> {
  const blocks = body['blocks'] as { type: string; elements?: { action_id?: string; value?: string }[] }[];
  for (const block of blocks ?? []) {
    for (const element of block.elements ?? []) {
      if (element.action_id !== 'alert.ack') continue;
      const data = JSON.parse(element.value ?? '{}') as { keys?: string; group?: string };
      if (data.keys) return data.keys.split(',');
      if (data.group) return (await createPgAlertStore(db.pool).group(data.group)) ?? [];
    }
  }
  return [];
}

describe('two replicas on one PostgreSQL', () => {
  it('a replica killed with SIGKILL mid-scan: one complete saved scan, each alert once per channel', async () => {
    // Both replicas migrate at start-up; the database is shared, so subscriptions are too.
    const first = freshDir();
    const second = freshDir();
    // Replicas share one signing key (README: mount the same key in every replica).
    await loadOrCreateSigningKey(first);
    copyFileSync(join(first, SIGNING_KEY_FILE), join(second, SIGNING_KEY_FILE));

    const replicas = [startReplica('replica-1', first), startReplica('replica-2', second)];
    await Promise.all(replicas.map((r) => r.waitFor((l) => l.event === 'store.opened', 60_000)));
    const alerts = createPgAlertStore(db.pool);
    for (const id of CHANNELS) {
      await alerts.subscribe({
        channel: { kind: 'slack', id },
        filters: {},
        createdBy: 'U-ADMIN',
        createdAt: new Date().toISOString(),
      });
    }

    // Whichever replica took the job: killed while it scans.
    const started = await Promise.any(
      replicas.map((r) => r.waitFor((l) => l.event === 'scheduled_scan.started', 60_000).then(() => r)),
    );
    await new Promise((done) => setTimeout(done, 1500));
    const scansAtKill = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM scans');
    assert.equal(Number(scansAtKill.rows[0]!.n), 0, 'killed during the scan: nothing saved yet');
    started.child.kill('SIGKILL');
    await started.exited;
    const survivor = replicas.find((r) => r !== started)!;

    // The survivor takes the job over once the dead replica's heartbeat has lapsed.
    const scanned = await survivor.waitFor((l) => l.event === 'scheduled_scan', 120_000);
    assert.equal(scanned['attempt'], 2, 'the same job, retried');
    const run = await survivor.waitFor((l) => l.event === 'alerts.run', 60_000);
    const queued = Number(run['queued']);
    assert.ok(queued >= CHANNELS.length, `cards queued for every channel (${queued})`);
    // Every queued card delivered.
    const deadline = Date.now() + 60_000;
    while (survivor.lines.filter((l) => l.event === 'alerts.delivered').length < queued) {
      assert.ok(Date.now() < deadline, 'every queued card is delivered within a minute');
      await new Promise((done) => setTimeout(done, 100));
    }

    const saved = await db.pool.query<{ scan_id: string }>('SELECT scan_id FROM scans');
    assert.equal(saved.rows.length, 1, 'exactly one saved scan');
    const snapshot = await db.pool.query('SELECT 1 FROM snapshots WHERE scan_id = $1', [
      saved.rows[0]!.scan_id,
    ]);
    assert.equal(snapshot.rowCount, 1, 'with its snapshot: the scan is complete');

    const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
    assert.equal(posts.length, queued, 'one post per queued card, none twice');
    const claims = await db.pool.query<{ key: string; channel: string }>(
      'SELECT key, channel FROM alert_claims',
    );
    for (const id of CHANNELS) {
      const got: string[] = [];
      for (const post of posts.filter((p) => p.body['channel'] === id))
        got.push(...(await keysOf(post.body)));
      const claimed = claims.rows.filter((c) => c.channel === `slack:${id}`).map((c) => c.key);
      assert.ok(got.length > 0, `${id} got alerts`);
      assert.equal(new Set(got).size, got.length, `${id}: no alert twice`);
      assert.deepEqual([...got].sort(), [...claimed].sort(), `${id}: every claimed alert posted, once`);
    }
    survivor.child.kill('SIGTERM');
    assert.equal(await survivor.exited, 0, 'a graceful stop');
  });
});

describe('several CLI processes on one PostgreSQL', () => {
  it('12 concurrent `certify rule add`: 12 rules, 12 audit records, the audit log verifies', async () => {
    const PROCESSES = 12;
    const dataDir = freshDir();
    await loadOrCreateSigningKey(dataDir);
    const env = { CERTIFY_DATABASE_URL: cliDb.url };
    const args = (i: number) =>
      tagRuleArgs({ id: `PG-${String(i).padStart(2, '0')}`, name: `Replica rule ${i}`, value: `team${i}` });
    const exits = await certifyProcessesAtOnce(
      Array.from({ length: PROCESSES }, (_, i) => args(i + 1)),
      { dataDir, env },
    );
    exits.forEach((exit, i) => assert.equal(exit.code, 0, `process ${i + 1}: ${exit.stderr}`));

    const rules = await cliDb.pool.query<{ id: string }>('SELECT id FROM custom_rules ORDER BY id');
    const want = Array.from({ length: PROCESSES }, (_, i) => `PG-${String(i + 1).padStart(2, '0')}`);
    assert.deepEqual(
      rules.rows.map((r) => r.id),
      want,
    );
    const verify = await certifyProcess(['audit', 'verify', '--json'], { dataDir, env });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const result = JSON.parse(verify.stdout) as { ok: boolean; entries: number; store: string };
    assert.equal(result.ok, true);
    assert.match(result.store, /^postgres/);
    const added = await cliDb.pool.query<{ line: string }>('SELECT line FROM audit_log ORDER BY seq');
    const subjects = added.rows
      .map((r) => JSON.parse(r.line) as { action: string; subject: string })
      .filter((e) => e.action === 'rule.added')
      .map((e) => e.subject)
      .sort();
    assert.deepEqual(subjects, want, 'one rule.added record per rule');
    assert.equal(result.entries, added.rows.length);
  });
});
