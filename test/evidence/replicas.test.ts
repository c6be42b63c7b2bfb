/**
 * Evidence with two replicas on one PostgreSQL database, each with its own data dir, as a load
 * balancer spreads one bundle's steps: requested (and built) on one replica, signed on the other,
 * downloaded through the first one's HTTP server. Every replica has the same signing key and
 * embedded TSA, as the README asks; nothing else of a request may live in one replica's data dir.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { composeServices, type Services } from '../../app/compose.js';
import type { ServiceConfig } from '../../app/config.js';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { guardDownloads } from '../../bot/download-guard.js';
import { createServer, type BotServer } from '../../bot/server.js';
import { parsePeriod } from '../../evidence/period.js';
import type { Actor } from '../../evidence/types.js';
import { verifyBundle } from '../../evidence/verify.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import type { EvidenceService } from '../../services/evidence.js';
import { BUNDLES_DIR } from '../../store/evidence-files.js';
import { SIGNING_KEY_FILE } from '../../store/signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';

const T0 = Date.parse('2026-10-05T09:00:00Z');
const RILEY: Actor = { id: 'u-riley', name: 'Riley Chen', channel: 'slack' };
const MORGAN: Actor = { id: 'u-morgan', name: 'Morgan Diaz', channel: 'slack' };

let db: TestDatabase;
const dirs: string[] = [];
const opened: Services[] = [];
const servers: BotServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
});
afterAll(async () => {
  for (const server of servers) await server.close();
  for (const services of opened) await services.store.close();
  await db?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function replica(dataDir: string): Services {
  const config: ServiceConfig = {
    dataDir,
    source: 'demo',
    historyLimit: 50,
    database: { url: db.url, auth: 'password' },
    approvers: [MORGAN.id],
    publicUrl: 'https://certify.example.test',
    tsaUrl: null,
    secretWriter: 'demo',
  };
  const services = composeServices(config, { env: {}, cwd: process.cwd(), clock: () => T0 });
  opened.push(services);
  return services;
}

/** The request once its build has ended, whichever replica ran it. */
async function built(service: EvidenceService, id: string) {
  const until = Date.now() + 60_000;
  for (;;) {
    const r = await service.get(id);
    if (r && r.status !== 'building') return r;
    if (Date.now() > until) throw new Error(`${id} is still building after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('evidence on two replicas', () => {
  it('requested on one, signed on the other, downloaded from the first: a bundle that verifies', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'certify-replica-a-'));
    const dirB = mkdtempSync(join(tmpdir(), 'certify-replica-b-'));
    dirs.push(dirA, dirB);
    const a = replica(dirA);
    await a.store.open();
    await a.scans.run({
      source: a.sourceFor('demo', { size: 120, seed: 5 }),
      now: Date.parse('2026-09-20T06:00:00Z'),
      save: true,
      by: { actor: RILEY, clock: () => T0 },
    });
    const evidenceA = await a.evidence();
    // The same signing key and embedded TSA in every replica (a mounted secret in production).
    cpSync(join(dirA, SIGNING_KEY_FILE), join(dirB, SIGNING_KEY_FILE));
    cpSync(join(dirA, 'tsa'), join(dirB, 'tsa'), { recursive: true });
    const b = replica(dirB);
    const evidenceB = await b.evidence();
    assert.equal(evidenceB.signer.kid, evidenceA.signer.kid);

    const requested = await evidenceA.service.request({
      framework: findFramework('soc2'),
      period: parsePeriod('2026-Q3', T0),
      requester: RILEY,
      channel: { kind: 'slack', id: 'C1' },
      now: T0,
    });
    const pending = await built(evidenceA.service, requested.id);
    assert.equal(pending.status, 'pending', pending.error ?? '');

    const { request, link } = await evidenceB.service.sign(
      requested.id,
      MORGAN,
      { name: 'Morgan Diaz', role: 'Head of Security' },
      T0 + 60_000,
    );
    assert.equal(request.status, 'signed');
    assert.ok(link);

    const server = createServer({
      config: { ...readBotEnv({ PORT: '0' }, '/tmp') },
      core: createBotCore({ ports: a.ports, source: a.source, clock: () => T0 }),
      log: () => undefined,
      version: 'test',
      redeemDownload: guardDownloads(evidenceA.service, { log: () => undefined, clock: () => T0 + 120_000 }),
    });
    servers.push(server);
    const { port } = await server.listen();
    const token = link.url.split('/').pop()!;
    const download = await fetch(`http://127.0.0.1:${port}/downloads/${token}`);
    assert.equal(download.status, 200, await download.clone().text());
    assert.equal(download.headers.get('content-type'), 'application/zip');
    const zip = Buffer.from(await download.arrayBuffer());
    const v = await verifyBundle(zip, { jwks: evidenceA.signer.jwks() });
    assert.ok(v.ok, JSON.stringify(v.checks.filter((c) => c.level === 'fail')));
    assert.match(v.checks.find((c) => c.name === 'assertion')!.detail, /signed by Morgan Diaz/);
    const again = await fetch(`http://127.0.0.1:${port}/downloads/${token}`);
    assert.equal(again.status, 410, 'the link works once, whichever replica is asked');
    await again.arrayBuffer();
    // Nothing of the bundle was ever in a replica's data dir.
    for (const dir of [dirA, dirB]) assert.ok(!existsSync(join(dir, BUNDLES_DIR)), dir);
  });
});
