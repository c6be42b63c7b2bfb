/**
 * The evidence workflow end to end on real parts: the demo source, the stores, the signing key,
 * the embedded TSA, the audit log, bundle building and the offline verifier — checked again with
 * independent tools (openssl ts -verify, sha256sum -c, qpdf --check, pdftotext).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, it } from 'vitest';
import JSZip from 'jszip';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { openEvidence, type EvidenceWiring } from '../../app/evidence.js';
import { verifyAuditLog } from '../../store/audit-log.js';
import { parsePeriod } from '../../evidence/period.js';
import { gatherEvidence } from '../../services/evidence.js';
import type { Actor } from '../../evidence/types.js';
import { verifyBundle } from '../../evidence/verify.js';
import { createLocalTsa } from '../../adapters/tsa/index.js';
import { startFakeTsa } from '../support/fake-tsa.js';
import { isCertifyError } from '../../base/errors.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { demoSource } from '../../scanner/sources/demo/index.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-05T09:00:00Z');
const RILEY: Actor = { id: 'u-riley', name: 'Riley Chen', channel: 'slack' };
const MORGAN: Actor = { id: 'u-morgan', name: 'Morgan Diaz', channel: 'slack' };
const SAM: Actor = { id: 'u-sam', name: 'Sam Park', channel: 'teams' };
const CLI: Actor = { id: 'cli', name: 'cli user', channel: 'cli' };

const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup(approvers = [MORGAN.id, SAM.id, RILEY.id]) {
  const dataDir = temp('certify-ev-');
  const ports = openPorts(dataDir, 50);
  const source = demoSource({ profile: 'showcase', size: 300, seed: 7 });
  // A scan inside the audit period (Q3) and one after it: the bundle must use the first.
  await scan(ports, source, { now: Date.parse('2026-09-20T06:00:00Z'), save: true, audit: null });
  await scan(ports, source, { now: T0 - DAY, save: true, audit: null });
  const wiring = await openEvidence({
    dataDir,
    ports,
    source,
    approvers,
    publicUrl: 'https://certify.example.test',
    tsaUrl: null,
    linkTtlMs: 3_600_000,
    now: Date.parse('2026-09-01T00:00:00Z'),
  });
  return { dataDir, ports, source, wiring };
}

async function refused(p: Promise<unknown>, code: string, message: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isCertifyError(e), `expected a CertifyError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

/** Extracts the zip as an auditor would (JSZip here: `unzip` is not on every machine). */
async function unzipTo(zip: Buffer, dir: string): Promise<string> {
  const archive = await JSZip.loadAsync(zip);
  for (const [name, entry] of Object.entries(archive.files)) {
    if (entry.dir) continue;
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), await entry.async('nodebuffer'));
  }
  const root = readdirSync(dir).find((n) => n.startsWith('ev-'))!;
  return join(dir, root);
}

describe('evidence bundle: request → approval → download → verify', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  let wiring: EvidenceWiring;
  let bundleId: string;
  let zip: Buffer;
  let zipToken: string;

  beforeAll(async () => {
    ctx = await setup();
    wiring = ctx.wiring;
  });

  it('builds a pending bundle from the scan saved in the period', async () => {
    const requested = await wiring.service.request({
      framework: findFramework('soc2'),
      period: parsePeriod('last-quarter', T0),
      requester: RILEY,
      channel: { kind: 'slack', id: 'C1' },
      now: T0,
    });
    assert.equal(requested.status, 'building', 'the build is a job');
    const r = (await wiring.service.awaitBuilt(requested.id, 60_000))!;
    assert.equal(r.status, 'pending', r.error ?? '');
    assert.equal(r.scan?.afterPeriod, false);
    assert.equal(r.scan?.at, '2026-09-20T06:00:00.000Z');
    assert.match(r.dataManifestSha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(r.timestamp?.trustedThirdParty, false);
    assert.match(r.statement ?? '', /does not state that the requirements of any framework are met/);
    bundleId = r.id;
  });

  it('refuses the requester, a non-approver, an empty name and an unknown bundle — and logs each', async () => {
    await refused(
      wiring.service.checkCanDecide(bundleId, RILEY, T0, 'sign'),
      'FORBIDDEN',
      /cannot approve their own request/,
    );
    await refused(
      wiring.service.sign(bundleId, RILEY, { name: 'Riley Chen', role: 'CISO' }, T0),
      'FORBIDDEN',
      /cannot approve their own request/,
    );
    const outsider: Actor = { id: 'u-eve', name: 'Eve', channel: 'slack' };
    await refused(
      wiring.service.checkCanDecide(bundleId, outsider, T0, 'reject'),
      'FORBIDDEN',
      /not an approver/,
    );
    await refused(
      wiring.service.sign(bundleId, MORGAN, { name: ' ', role: 'CISO' }, T0),
      'BAD_INPUT',
      /name and role/,
    );
    await refused(
      wiring.service.sign('ev-0000000000000000', MORGAN, { name: 'M', role: 'R' }, T0),
      'NOT_FOUND',
      /no evidence bundle/,
    );
    const refusals = (await wiring.audit.entries()).filter((e) => e.action.endsWith('.refused'));
    assert.deepEqual(
      refusals.map((e) => [e.action, e.actor.id]),
      [
        ['evidence.sign.refused', RILEY.id],
        ['evidence.sign.refused', RILEY.id],
        ['evidence.reject.refused', 'u-eve'],
        ['evidence.sign.refused', MORGAN.id],
        ['evidence.sign.refused', MORGAN.id],
      ],
    );
  });

  it('an approver signs: one link, a double click changes nothing, a second approver is refused', async () => {
    const first = await wiring.service.sign(
      bundleId,
      MORGAN,
      { name: 'Morgan Diaz', role: 'Head of Security' },
      T0 + 60_000,
    );
    assert.equal(first.request.status, 'signed');
    assert.ok(first.link);
    assert.match(first.link.url, /^https:\/\/certify\.example\.test\/downloads\/[A-Za-z0-9_-]{43}$/);
    assert.equal(first.link.expiresAt, new Date(T0 + 60_000 + 3_600_000).toISOString());
    zipToken = first.link.url.split('/').pop()!;
    const again = await wiring.service.sign(
      bundleId,
      MORGAN,
      { name: 'Morgan Diaz', role: 'Head of Security' },
      T0 + 61_000,
    );
    assert.equal(again.link, null);
    assert.equal(again.request.signature?.at, first.request.signature?.at);
    await refused(
      wiring.service.sign(bundleId, SAM, { name: 'Sam Park', role: 'CTO' }, T0 + 62_000),
      'CONFLICT',
      /already signed by Morgan Diaz/,
    );
    await refused(
      wiring.service.reject(bundleId, SAM, 'too late', T0 + 62_000),
      'CONFLICT',
      /already signed/,
    );
    // The stored request keeps only the link's hash.
    assert.doesNotMatch(readFileSync(join(ctx.dataDir, 'evidence.json'), 'utf8'), new RegExp(zipToken));
  });

  it('the link works once, then is refused; unknown and expired links are refused; all logged', async () => {
    const got = await wiring.service.redeem(zipToken, T0 + 120_000, { address: '127.0.0.1' });
    zip = await buffer(await got.open());
    assert.equal(got.bytes, zip.length);
    assert.equal(got.filename, `${bundleId}.zip`);
    await refused(
      wiring.service.redeem(zipToken, T0 + 121_000, { address: '127.0.0.1' }),
      'CONFLICT',
      /already been used/,
    );
    await refused(wiring.service.redeem('x'.repeat(43), T0, { address: null }), 'NOT_FOUND', /not valid/);
    const fresh = await wiring.service.newLink(bundleId, RILEY, T0 + 200_000);
    const token = fresh.url.split('/').pop()!;
    await refused(
      wiring.service.redeem(token, T0 + 200_000 + 3_600_000, { address: null }),
      'EXPIRED',
      /expired/,
    );
    await refused(
      wiring.service.newLink(bundleId, { id: 'u-eve', name: 'Eve', channel: 'slack' }, T0),
      'FORBIDDEN',
      /only approvers and the requester/,
    );
    const actions = (await wiring.audit.entries()).map((e) => e.action);
    for (const a of [
      'evidence.requested',
      'evidence.built',
      'evidence.signed',
      'evidence.link-issued',
      'evidence.downloaded',
      'evidence.download.refused',
      'evidence.link.refused',
    ]) {
      assert.ok(actions.includes(a), `${a} missing from the audit log: ${actions.join(', ')}`);
    }
    const audit = await verifyAuditLog(ctx.dataDir, wiring.signer.jwks());
    assert.ok(audit.ok, JSON.stringify(audit.problems));
  });

  it('certify verify accepts the bundle: hashes, signatures, both timestamps, the signed assertion', async () => {
    const v = await verifyBundle(zip, { jwks: wiring.signer.jwks() });
    const fails = v.checks.filter((c) => c.level === 'fail');
    assert.deepEqual(fails, []);
    assert.ok(v.ok);
    assert.equal(v.bundleId, bundleId);
    const names = v.checks.map((c) => c.name);
    for (const n of [
      'signature manifest.json',
      'timestamp manifest.json',
      'timestamp data-manifest.json',
      'signature assertion.json',
      'assertion',
      'sha256 reports/asset-inventory.csv',
      'sha256 reports/control-matrix-soc2.pdf',
    ]) {
      assert.ok(names.includes(n), `no check ${n}`);
    }
    assert.match(
      v.checks.find((c) => c.name === 'assertion')!.detail,
      /signed by Morgan Diaz \(Head of Security\)/,
    );
  });

  it('standard tools agree: sha256sum -c, openssl ts -verify, qpdf --check, pdftotext', async () => {
    const root = await unzipTo(zip, temp('certify-unz-'));
    execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: root });
    for (const [data, tsr] of [
      ['manifest.json', 'manifest.tsr'],
      ['data-manifest.json', 'data-manifest.tsr'],
    ] as const) {
      const out = spawnSync(
        'openssl',
        [
          'ts',
          '-verify',
          '-data',
          data,
          '-in',
          tsr,
          '-CAfile',
          'tsa-certs.pem',
          '-untrusted',
          'tsa-certs.pem',
        ],
        { cwd: root, encoding: 'utf8' },
      );
      assert.equal(out.status, 0, `openssl ts -verify ${tsr}: ${out.stdout}${out.stderr}`);
      assert.match(out.stdout, /Verification: OK/);
    }
    const pdfs = readdirSync(join(root, 'reports')).filter((n) => n.endsWith('.pdf'));
    assert.equal(pdfs.length, 12);
    for (const pdf of pdfs) {
      const check = spawnSync('qpdf', ['--check', join(root, 'reports', pdf)], { encoding: 'utf8' });
      assert.equal(check.status, 0, `qpdf --check ${pdf}: ${check.stdout}${check.stderr}`);
    }
    const text = execFileSync('pdftotext', ['-layout', join(root, 'reports', 'asset-inventory.pdf'), '-'], {
      encoding: 'utf8',
    });
    assert.match(text, /SIGNED/);
    assert.match(text, /Morgan Diaz/);
    assert.match(text, /Head of Security/);
    assert.match(text, /not from a trusted third party/);
    const csvs = readdirSync(join(root, 'reports')).filter((n) => n.endsWith('.csv'));
    assert.equal(csvs.length, 12);
  });

  it('changing any byte of any file makes verify fail and name that file', async () => {
    const original = await JSZip.loadAsync(zip);
    const names = Object.keys(original.files).filter((n) => !original.files[n]!.dir);
    assert.ok(names.length >= 28, `only ${names.length} files`);
    for (const name of names) {
      const copy = await JSZip.loadAsync(zip);
      const data = Buffer.from(await copy.files[name]!.async('nodebuffer'));
      const at = Math.floor(data.length / 2);
      data[at] = data[at]! ^ 0x01;
      copy.file(name, data);
      const tampered = await copy.generateAsync({ type: 'nodebuffer' });
      const v = await verifyBundle(tampered, { jwks: wiring.signer.jwks() });
      const file = name.slice(name.indexOf('/') + 1);
      assert.equal(v.ok, false, `a changed ${file} went unnoticed`);
      const named = v.checks
        .filter((c) => c.level === 'fail')
        .some((c) => c.name.includes(file) || c.detail.includes(file));
      assert.ok(
        named,
        `the failure does not name ${file}: ${JSON.stringify(v.checks.filter((c) => c.level === 'fail'))}`,
      );
    }
  });

  it('an extra file, a missing file and a re-signed manifest are caught', async () => {
    const extra = await JSZip.loadAsync(zip);
    extra.file(`${bundleId}/reports/extra.csv`, 'a,b\r\n');
    let v = await verifyBundle(await extra.generateAsync({ type: 'nodebuffer' }));
    assert.ok(v.checks.some((c) => c.level === 'fail' && c.name === 'extra reports/extra.csv'));
    const missing = await JSZip.loadAsync(zip);
    missing.remove(`${bundleId}/reports/cryptoperiod.csv`);
    v = await verifyBundle(await missing.generateAsync({ type: 'nodebuffer' }));
    assert.ok(
      v.checks.some(
        (c) => c.level === 'fail' && /cryptoperiod\.csv is listed in the manifest but missing/.test(c.detail),
      ),
    );
    // Someone else's key in jwks.json: consistent inside the bundle, refused against the pinned key.
    const other = await openEvidence({
      dataDir: temp('certify-other-'),
      ports: ctx.ports,
      source: ctx.source,
      approvers: [],
      publicUrl: 'http://x',
      tsaUrl: null,
      now: T0,
    });
    const swapped = await JSZip.loadAsync(zip);
    swapped.file(`${bundleId}/jwks.json`, JSON.stringify(other.signer.jwks()));
    v = await verifyBundle(await swapped.generateAsync({ type: 'nodebuffer' }), {
      jwks: wiring.signer.jwks(),
    });
    assert.equal(v.ok, false);
  });

  it('a rejection records its reason; a rejected bundle cannot be signed or downloaded', async () => {
    const requested = await wiring.service.request({
      framework: findFramework('pci'),
      period: parsePeriod('2026-Q3', T0),
      requester: RILEY,
      channel: { kind: 'teams', id: 'T1' },
      now: T0,
    });
    const r = (await wiring.service.awaitBuilt(requested.id, 60_000))!;
    assert.equal(r.status, 'pending', r.error ?? '');
    await refused(wiring.service.reject(r.id, MORGAN, '   ', T0), 'BAD_INPUT', /needs a reason/);
    const rejected = await wiring.service.reject(
      r.id,
      MORGAN,
      'The payments subscription is missing from the scope',
      T0,
    );
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.rejection?.reason, 'The payments subscription is missing from the scope');
    await refused(
      wiring.service.sign(r.id, SAM, { name: 'Sam', role: 'CTO' }, T0),
      'CONFLICT',
      /was rejected by Morgan Diaz/,
    );
    await refused(wiring.service.newLink(r.id, MORGAN, T0), 'CONFLICT', /only a signed bundle/);
    const entry = (await wiring.audit.entries()).find(
      (e) => e.action === 'evidence.rejected' && e.subject === r.id,
    );
    assert.equal(entry?.details.reason, 'The payments subscription is missing from the scope');
  });
});

describe('local (CLI) bundle', () => {
  it('is unsigned and says so; verify passes its integrity checks and warns', async () => {
    const { ports, source, wiring } = await setup();
    const input = await gatherEvidence(
      { ports, source, audit: wiring.audit, actor: CLI, clock: () => T0 },
      findFramework('pci'),
      parsePeriod('2026-07-01..2026-09-30', T0),
      T0,
    );
    const local = await wiring.service.buildLocal(input, { id: 'cli', name: 'cli user', channel: 'cli' });
    const v = await verifyBundle(local.zip);
    assert.ok(v.ok, JSON.stringify(v.checks.filter((c) => c.level === 'fail')));
    assert.match(v.checks.find((c) => c.name === 'assertion')!.detail, /NOT SIGNED/);
    const root = await unzipTo(local.zip, temp('certify-local-'));
    const text = execFileSync('pdftotext', ['-layout', join(root, 'reports', 'rule-violations.pdf'), '-'], {
      encoding: 'utf8',
    });
    assert.match(text, /NOT SIGNED/);
    assert.match(text, /Produced by the Certify CLI for local use/);
  });

  it('uses the oldest later scan, and says so, when nothing was saved before the period ended', async () => {
    const { ports, source, wiring } = await setup();
    const input = await gatherEvidence(
      { ports, source, audit: wiring.audit, actor: CLI, clock: () => T0 },
      findFramework('cis'),
      parsePeriod('2026-01-01..2026-03-31', T0),
      T0,
    );
    assert.equal(input.snapshot.afterPeriod, true);
    assert.equal(input.snapshot.at, '2026-09-20T06:00:00.000Z');
  });
});

describe('with a third-party TSA at CERTIFY_TSA_URL', () => {
  it('stamps through the RFC 3161 client and chains to the TSA root given to verify', async () => {
    const tsaDir = temp('certify-tsa-');
    const thirdParty = await createLocalTsa(tsaDir, Date.parse('2026-01-01T00:00:00Z'));
    const fakeTsa = await startFakeTsa(thirdParty);
    try {
      const dataDir = temp('certify-ev-remote-');
      const ports = openPorts(dataDir, 50);
      const source = demoSource({ profile: 'showcase', size: 200, seed: 9 });
      await scan(ports, source, { now: Date.parse('2026-09-20T06:00:00Z'), save: true, audit: null });
      const wiring = await openEvidence({
        dataDir,
        ports,
        source,
        approvers: [],
        publicUrl: 'http://x',
        tsaUrl: fakeTsa.url,
        now: T0,
      });
      assert.equal(wiring.tsa.kind, 'remote');
      const input = await gatherEvidence(
        { ports, source, audit: wiring.audit, actor: CLI, clock: () => T0 },
        findFramework('nist'),
        parsePeriod('2026-Q3', T0),
        T0,
      );
      const local = await wiring.service.buildLocal(input, { id: 'cli', name: 'cli', channel: 'cli' });
      assert.equal(fakeTsa.requests, 2, 'the data manifest and the manifest are both stamped by the TSA');
      const v = await verifyBundle(local.zip, { tsaRootsPem: thirdParty.caCertPem });
      assert.ok(v.ok, JSON.stringify(v.checks.filter((c) => c.level === 'fail')));
      // The chain was checked against the given root (no "not checked" warning).
      assert.ok(!v.checks.some((c) => /not checked against a trusted root/.test(c.detail)));
      // Against some other root, the chain check fails and says so.
      const other = await createLocalTsa(temp('certify-tsa-other-'), Date.parse('2026-01-01T00:00:00Z'));
      const wrongRoot = await verifyBundle(local.zip, { tsaRootsPem: other.caCertPem });
      assert.ok(wrongRoot.checks.some((c) => c.level === 'fail' && /does not chain/.test(c.detail)));
    } finally {
      await fakeTsa.close();
    }
  });
});
