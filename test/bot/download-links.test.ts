/**
 * Single-use download links over the real HTTP server and evidence service: a HEAD (what link
 * scanners send) never spends a link, a new link retires the earlier unused ones, junk tokens
 * cannot grow the audit log, and failed attempts are limited per client address.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { guardDownloads } from '../../bot/download-guard.js';
import { createServer, type BotServer } from '../../bot/server.js';
import type { Log } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { openEvidence, type EvidenceWiring } from '../../app/evidence.js';
import { verifyAuditLog } from '../../store/audit-log.js';
import { parsePeriod } from '../../evidence/period.js';
import type { Actor } from '../../evidence/types.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { suiteLog } from '../support/child-log.js';

const NOW = Date.parse('2026-11-26T10:00:00Z');
const RILEY: Actor = { id: 'u-riley', name: 'Riley Chen', channel: 'slack' };
const MORGAN: Actor = { id: 'u-morgan', name: 'Morgan Diaz', channel: 'slack' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let dataDir: string;
let wiring: EvidenceWiring;
let ports: ReturnType<typeof openPorts>;
let source: ReturnType<typeof demoSource>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'certify-links-'));
  dirs.push(dataDir);
  ports = openPorts(dataDir, 50);
  source = demoSource({ profile: 'showcase', size: 80, seed: 4 });
  wiring = await openEvidence({
    dataDir,
    ports,
    source,
    approvers: [MORGAN.id],
    publicUrl: 'https://certify.example.test',
    tsaUrl: null,
    now: Date.parse('2026-09-01T00:00:00Z'),
  });
  await scan(ports, source, {
    now: Date.parse('2026-09-28T06:00:00Z'),
    save: true,
    audit: { log: wiring.audit, actor: MORGAN, clock: () => NOW },
  });
});

/** A signed bundle and the token of the link its signature issued. */
async function signedBundle(): Promise<{ id: string; token: string }> {
  const requested = await wiring.service.request({
    framework: findFramework('soc2'),
    period: parsePeriod('2026-Q3', NOW),
    requester: RILEY,
    channel: { kind: 'slack', id: 'C1' },
    now: NOW,
  });
  const r = (await wiring.service.awaitBuilt(requested.id, 60_000))!;
  assert.equal(r.status, 'pending', r.error ?? '');
  const { link } = await wiring.service.sign(r.id, MORGAN, { name: 'Morgan Diaz', role: 'CISO' }, NOW);
  assert.ok(link);
  return { id: r.id, token: link.url.split('/').pop()! };
}

interface Started {
  base: string;
  lines: { event: string; fields: Record<string, unknown> }[];
  server: BotServer;
}

async function startServer(): Promise<Started> {
  const lines: Started['lines'] = [];
  const log: Log = suiteLog('download-links', (event, fields = {}) => void lines.push({ event, fields }));
  const server = createServer({
    config: { ...readBotEnv({ PORT: '0' }, '/tmp') },
    core: createBotCore({ ports, source, clock: () => NOW }),
    log,
    version: 'test',
    // The wiring bot/service.ts uses, on a fixed clock: a test's minute never runs out.
    redeemDownload: guardDownloads(wiring.service, { log, clock: () => NOW + 60_000 }),
  });
  const { port } = await server.listen();
  return { base: `http://127.0.0.1:${port}`, lines, server };
}

const auditBytes = () => statSync(join(dataDir, 'audit-log.jsonl')).size;
const actions = async (action: string, subject?: string) =>
  (await wiring.audit.entries()).filter(
    (e) => e.action === action && (subject === undefined || e.subject === subject),
  );

describe('HEAD on a download link', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.server.close());

  it('answers 200 with the headers only, and does not spend the link', async () => {
    const { id, token } = await signedBundle();
    const url = `${s.base}/downloads/${token}`;
    for (let i = 0; i < 2; i++) {
      const head = await fetch(url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-type'), 'application/zip');
      assert.ok(Number(head.headers.get('content-length')) > 1000);
      assert.equal(head.headers.get('content-disposition'), `attachment; filename="${id}.zip"`);
      assert.equal((await head.arrayBuffer()).byteLength, 0);
    }
    assert.equal((await actions('evidence.downloaded', id)).length, 0, 'a HEAD redeemed the link');

    const get = await fetch(url);
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'application/zip');
    const zip = Buffer.from(await get.arrayBuffer());
    assert.equal(zip.length, Number(get.headers.get('content-length')));
    assert.equal((await actions('evidence.downloaded', id)).length, 1);
  });

  it('answers the same 410 / 404 as GET for a spent or unknown link, and writes nothing', async () => {
    const { token } = await signedBundle();
    const url = `${s.base}/downloads/${token}`;
    assert.equal((await fetch(url)).status, 200);
    const before = auditBytes();
    const spent = await fetch(url, { method: 'HEAD' });
    assert.equal(spent.status, 410);
    assert.equal((await spent.arrayBuffer()).byteLength, 0);
    const unknown = await fetch(`${s.base}/downloads/${'A'.repeat(43)}`, { method: 'HEAD' });
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
    assert.equal(auditBytes(), before, 'a HEAD appended to the audit log');
    const get = await fetch(url);
    assert.equal(get.status, 410);
    assert.match(((await get.json()) as { error: string }).error, /already been used/);
  });
});

describe('New download link', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.server.close());

  it('revokes the earlier unused links of the request: they answer 410 and say why', async () => {
    const { id, token: first } = await signedBundle();
    const second = (await wiring.service.newLink(id, RILEY, NOW + 1000)).url.split('/').pop()!;
    const third = (await wiring.service.newLink(id, MORGAN, NOW + 2000)).url.split('/').pop()!;

    for (const old of [first, second]) {
      const head = await fetch(`${s.base}/downloads/${old}`, { method: 'HEAD' });
      assert.equal(head.status, 410);
      await head.arrayBuffer();
      const get = await fetch(`${s.base}/downloads/${old}`);
      assert.equal(get.status, 410);
      assert.match(((await get.json()) as { error: string }).error, /replaced by a newer link/);
    }
    const got = await fetch(`${s.base}/downloads/${third}`);
    assert.equal(got.status, 200);
    await got.arrayBuffer();

    const issued = await actions('evidence.link-issued', id);
    assert.deepEqual(
      issued.map((e) => e.details.revoked),
      [0, 1, 1],
    );
    const refused = await actions('evidence.download.refused', id);
    assert.ok(refused.every((e) => /replaced by a newer link/.test(String(e.details.reason))));
    assert.equal(refused.length, 2, 'each GET of a revoked link is logged once; HEADs are not');
  });

  it('leaves a link that was already used answering "already used"', async () => {
    const { id, token } = await signedBundle();
    assert.equal((await fetch(`${s.base}/downloads/${token}`)).status, 200);
    await wiring.service.newLink(id, RILEY, NOW + 1000);
    const again = await fetch(`${s.base}/downloads/${token}`);
    assert.equal(again.status, 410);
    assert.match(((await again.json()) as { error: string }).error, /already been used/);
  });
});

describe('junk download tokens', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.server.close());

  it('a malformed token is answered 404 and counted in a log line, never written to the audit log', async () => {
    const before = auditBytes();
    for (const junk of ['x', 'junk-token', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}B`]) {
      const res = await fetch(`${s.base}/downloads/${junk}`);
      assert.equal(res.status, 404, junk);
      assert.match(((await res.json()) as { error: string }).error, /not valid/);
    }
    assert.equal(auditBytes(), before, 'a malformed token was written to the audit log');
    const counted = s.lines.filter((l) => l.event === 'download_tokens_malformed');
    assert.equal(counted.length, 1, 'reported at most once a minute');
    assert.equal(counted[0]!.fields.count, 1);
    assert.doesNotMatch(JSON.stringify(s.lines), /junk-token/);
  });

  it('a well-formed unknown token is refused 404 and logged', async () => {
    const before = (await actions('evidence.download.refused')).length;
    const res = await fetch(`${s.base}/downloads/${'B'.repeat(42)}A`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
    assert.equal((await actions('evidence.download.refused')).length, before + 1);
  });
});

describe('failed download attempts per client address', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.server.close());

  it('are limited: 10 a minute, then 429 with Retry-After and nothing appended', async () => {
    const { token } = await signedBundle();
    const before = (await wiring.audit.entries()).length;
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${s.base}/downloads/${String.fromCharCode(65 + i).repeat(42)}A`);
      assert.equal(res.status, 404, `attempt ${i + 1}`);
      await res.arrayBuffer();
    }
    assert.equal((await wiring.audit.entries()).length, before + 10);
    const afterBytes = auditBytes();
    for (const path of [`${'Z'.repeat(42)}A`, 'junk', token]) {
      const limited = await fetch(`${s.base}/downloads/${path}`);
      assert.equal(limited.status, 429, path);
      const retry = Number(limited.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      assert.match(((await limited.json()) as { error: string }).error, /too many/i);
    }
    assert.equal(auditBytes(), afterBytes, 'a limited attempt was written to the audit log');
    assert.ok((await verifyAuditLog(dataDir, wiring.signer.jwks())).ok);
  });
});
