/**
 * Evidence builds as jobs, through the bot core as chat drives it: `/certify evidence` is answered
 * "building…" at once, the build runs as the 'evidence-build' job, and its job posts the approval
 * card. The time-stamping authority (a real RFC 3161 client against a local one) is down for the
 * first attempt: the job is retried, and the request becomes 'pending' once, with one staged
 * bundle and one card — on the in-process queue with the embedded store, and on pg-boss with two
 * replicas sharing one PostgreSQL database.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createLocalTsa } from '../../adapters/tsa/index.js';
import { composeServices, type Services } from '../../app/compose.js';
import type { ServiceConfig } from '../../app/config.js';
import { createBotCore } from '../../bot/core.js';
import type { BotChannel, BotCore, Log } from '../../bot/types.js';
import type { EvidenceView, View } from '../../cards/views.js';
import type { JobDefinition, JobQueue } from '../../store/jobs/types.js';
import { createPgBossJobQueue } from '../../store/jobs/pg-boss.js';
import { BUNDLES_DIR } from '../../store/evidence-files.js';
import { SIGNING_KEY_FILE } from '../../store/signing-key.js';
import { startFakeTsa, type FakeTsa } from '../support/fake-tsa.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-10-05T09:00:00Z');
const RILEY = { id: 'u-riley', name: 'Riley Chen' };
const CHANNEL: BotChannel = { kind: 'slack', id: 'C-AUDIT' };
/** Retries a second apart, so the test waits seconds, not the production 10 s. */
const QUICK: JobDefinition = {
  retryLimit: 2,
  retryDelaySeconds: 1,
  retryBackoff: false,
  expireInSeconds: 120,
};

let db: TestDatabase;
const tsas: FakeTsa[] = [];
const dirs: string[] = [];
const opened: Services[] = [];
const queues: JobQueue[] = [];

const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certify-build-job-'));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
});

/** A third-party TSA that is down for its first request: the first attempt's data-manifest timestamp. */
async function flakyTsa(): Promise<FakeTsa> {
  const tsa = await startFakeTsa(await createLocalTsa(temp(), Date.parse('2026-01-01T00:00:00Z')), {
    failFirst: 1,
  });
  tsas.push(tsa);
  return tsa;
}
afterAll(async () => {
  for (const q of queues) await q.stop({ graceful: false, timeoutMs: 1000 });
  for (const services of opened) await services.store.close();
  for (const tsa of tsas) await tsa.close();
  await db?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function compose(dataDir: string, database: ServiceConfig['database'], tsa: FakeTsa): Services {
  const services = composeServices(
    {
      dataDir,
      source: 'demo',
      historyLimit: 50,
      database,
      approvers: ['u-morgan'],
      publicUrl: 'https://certify.example.test',
      tsaUrl: tsa.url,
      secretWriter: 'demo',
    },
    { env: {}, cwd: process.cwd(), clock: () => NOW },
  );
  opened.push(services);
  return services;
}

async function saveScan(services: Services): Promise<void> {
  await services.store.open();
  await services.scans.run({
    source: services.sourceFor('demo', { size: 80, seed: 6 }),
    now: Date.parse('2026-09-20T06:00:00Z'),
    save: true,
    by: { actor: { ...RILEY, channel: 'slack' }, clock: () => NOW },
  });
}

interface Posted {
  replica: string;
  channel: BotChannel;
  view: View;
}

async function core(
  services: Services,
  replica: string,
  posted: Posted[],
  lines: { event: string; fields: Record<string, unknown> }[],
  jobs?: JobQueue,
): Promise<BotCore> {
  const evidence = await services.evidence();
  const log: Log = suiteLog('evidence-build-job', (event, fields = {}) => {
    lines.push({ event, fields: { replica, ...fields } });
  });
  return createBotCore({
    ports: services.ports,
    source: services.source,
    clock: () => NOW,
    evidence: evidence.service,
    audit: evidence.audit,
    // Every build outlives the wait: its card comes from the job.
    progressAfterMs: 0,
    notify: async (channel, view) => {
      posted.push({ replica, channel, view });
    },
    evidenceBuild: QUICK,
    log,
    ...(jobs ? { jobs } : {}),
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function requestBundle(c: BotCore, posted: Posted[]): Promise<string> {
  const answer = await c.answer('evidence soc2 2026-Q3', RILEY, CHANNEL);
  assert.equal(answer.kind, 'message');
  assert.match(JSON.stringify(answer), /Building the evidence bundle/);
  await until('the approval card', () => posted.length > 0);
  // Anything posted twice would have arrived by now: a retry follows a failure within a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(posted.length, 1, `one card, got ${posted.map((p) => p.replica).join(', ')}`);
  assert.deepEqual(posted[0]!.channel, CHANNEL);
  const card = posted[0]!.view as EvidenceView;
  assert.equal(card.kind, 'evidence');
  assert.equal(card.status, 'pending', JSON.stringify(card).slice(0, 500));
  return card.bundleId;
}

async function auditActions(services: Services, id: string): Promise<string[]> {
  return (await (await services.auditLog()).entries()).filter((e) => e.subject === id).map((e) => e.action);
}

describe('the evidence build job, its first attempt cut off by a TSA that answers 503', () => {
  it('in process, on the embedded store: retried, pending once, one staged bundle, one card', async () => {
    const tsa = await flakyTsa();
    const dir = temp();
    const services = compose(dir, null, tsa);
    await saveScan(services);
    const posted: Posted[] = [];
    const lines: { event: string; fields: Record<string, unknown> }[] = [];
    const id = await requestBundle(await core(services, 'only', posted, lines), posted);

    const request = (await (await services.evidence()).service.get(id))!;
    assert.equal(request.status, 'pending');
    assert.equal(request.timestamp?.trustedThirdParty, true);
    const actions = await auditActions(services, id);
    assert.deepEqual(
      actions.filter((a) => a.startsWith('evidence.')),
      ['evidence.requested', 'evidence.built'],
    );
    assert.deepEqual(
      readdirSync(join(dir, BUNDLES_DIR)).filter((n) => n.startsWith(id)),
      [`${id}.staging`],
    );
    // The refused stamp, then the one that worked.
    assert.equal(tsa.requests, 2);
    assert.equal(lines.filter((l) => l.event === 'evidence.build_built').length, 1);
  });

  it('on pg-boss with two replicas: retried on either, pending once, one staged bundle, one card', async () => {
    const dirA = temp();
    const dirB = temp();
    const tsa = await flakyTsa();
    const a = compose(dirA, { url: db.url, auth: 'password' }, tsa);
    await saveScan(a);
    await a.signer();
    cpSync(join(dirA, SIGNING_KEY_FILE), join(dirB, SIGNING_KEY_FILE));
    const b = compose(dirB, { url: db.url, auth: 'password' }, tsa);
    await b.store.open();
    const lines: { event: string; fields: Record<string, unknown> }[] = [];
    const queue = (replica: string) => {
      const q = createPgBossJobQueue({
        connection: { connectionString: db.url },
        log: (event, fields = {}) => lines.push({ event, fields: { replica, ...fields } }),
        pollingIntervalSeconds: 0.5,
        superviseIntervalSeconds: 1,
      });
      queues.push(q);
      return q;
    };
    const jobsA = queue('a');
    const jobsB = queue('b');
    const posted: Posted[] = [];
    const coreA = await core(a, 'a', posted, lines, jobsA);
    await core(b, 'b', posted, lines, jobsB);
    await jobsA.start();
    await jobsB.start();

    const id = await requestBundle(coreA, posted);

    const request = (await (await b.evidence()).service.get(id))!;
    assert.equal(request.status, 'pending');
    const actions = await auditActions(b, id);
    assert.deepEqual(
      actions.filter((x) => x.startsWith('evidence.')),
      ['evidence.requested', 'evidence.built'],
    );
    const staged = await db.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM evidence_staged WHERE request_id = $1',
      [id],
    );
    assert.equal(Number(staged.rows[0]!.n), 1);
    const failed = lines.filter((l) => l.event === 'jobs.job_failed');
    assert.equal(failed.length, 1, JSON.stringify(lines.filter((l) => l.event.startsWith('jobs.'))));
    assert.equal(failed[0]!.fields.willRetry, true);
    assert.match(String(failed[0]!.fields.error), /503/);
    assert.equal(lines.filter((l) => l.event === 'evidence.build_built').length, 1);
    assert.equal(tsa.requests, 2);
    // No replica keeps the bundle in its data dir.
    for (const dir of [dirA, dirB]) assert.ok(!readdirSync(dir).includes(BUNDLES_DIR));
  });
});
