/**
 * Every saved scan is in the operator audit log (`scan.saved`: scan id, source, asset counts and
 * the SHA-256 of the saved inventory), whichever path saved it — the CLI, the scheduler, a chat
 * command, an evidence build that had to scan — and a bundle's scope cites that scan id and
 * digest, so an auditor can go from the bundle to the audit log to the scan.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { createBotCore } from '../../bot/core.js';
import { openPorts } from '../../app/ports.js';
import { scan, type CertifyPorts } from '../../services/scan.js';
import { openEvidence } from '../../app/evidence.js';
import { loadOrCreateSigningKey } from '../../store/signing-key.js';
import { canonicalJson, openAuditLog, verifyAuditLog, type AuditLog } from '../../store/audit-log.js';
import { SCOPE, stageBundle } from '../../evidence/bundle.js';
import { parsePeriod } from '../../evidence/period.js';
import { gatherEvidence } from '../../services/evidence.js';
import type { Actor, AuditEntry } from '../../evidence/types.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { runCli } from '../cli/harness.js';

const T = Date.parse('2026-09-28T06:00:00Z');
const REAL = Date.parse('2026-11-26T10:00:00Z');
const RILEY: Actor = { id: 'u-riley', name: 'Riley Chen', channel: 'slack' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-scan-audit-'));
  dirs.push(d);
  return d;
};

/** The documented digest: SHA-256 of the canonical JSON of the inventory as the snapshot stores it. */
const digestOf = (inventory: unknown) => createHash('sha256').update(canonicalJson(inventory)).digest('hex');

async function open(): Promise<{ dataDir: string; ports: CertifyPorts; audit: AuditLog }> {
  const dataDir = temp();
  const signer = await loadOrCreateSigningKey(dataDir);
  return { dataDir, ports: openPorts(dataDir, 50), audit: openAuditLog(dataDir, signer) };
}

const saved = async (audit: AuditLog): Promise<AuditEntry[]> =>
  (await audit.entries()).filter((e) => e.action === 'scan.saved');

/** The entry names the scan, its source, its asset counts and the digest of its stored inventory. */
async function assertRecords(entry: AuditEntry, ports: CertifyPorts, scanId: string) {
  const snapshot = await ports.snapshots.load(scanId);
  assert.ok(snapshot, `no snapshot for ${scanId}`);
  assert.ok(
    (await ports.scans.history()).some((s) => s.scanId === scanId),
    `${scanId} is not in the history`,
  );
  const a = snapshot.result.assets;
  assert.equal(entry.subject, scanId);
  assert.equal(entry.details.source, snapshot.source);
  assert.equal(entry.details.scannedAt, snapshot.now);
  assert.equal(entry.details.assets, a.secrets + a.keys + a.certificates);
  assert.equal(entry.details.vaults, a.vaults);
  assert.equal(entry.details.secrets, a.secrets);
  assert.equal(entry.details.keys, a.keys);
  assert.equal(entry.details.certificates, a.certificates);
  assert.match(String(entry.details.inventorySha256), /^[0-9a-f]{64}$/);
  assert.equal(entry.details.inventorySha256, digestOf(snapshot.inventory));
}

describe('a saved scan appends one scan.saved audit entry', () => {
  it('core scan(): one entry when saved, none when not', async () => {
    const { ports, audit } = await open();
    const source = demoSource({ profile: 'showcase', size: 60, seed: 2 });
    const actor: Actor = { id: 'u-1', name: 'One', channel: 'teams' };
    const run = await scan(ports, source, {
      now: T,
      save: true,
      audit: { log: audit, actor, clock: () => REAL },
    });
    await scan(ports, source, { now: T + 1000, save: false });
    const entries = await saved(audit);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.actor, actor);
    assert.equal(entries[0]!.at, new Date(REAL).toISOString(), 'the entry is stamped with real time');
    await assertRecords(entries[0]!, ports, run.result.scanId);
  });

  it('a chat-triggered /certify scan: one entry, for the user who asked', async () => {
    const { ports, audit } = await open();
    const core = createBotCore({
      ports,
      source: demoSource({ profile: 'showcase', size: 60, seed: 2 }),
      clock: () => T,
      audit,
    });
    const view = await core.answer('scan', { id: 'u-ana', name: 'Ana' }, { kind: 'slack', id: 'C9' });
    assert.equal(view.kind, 'score', JSON.stringify(view).slice(0, 300));
    const entries = await saved(audit);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.actor, { id: 'u-ana', name: 'Ana', channel: 'slack' });
    const latest = await ports.scans.latest();
    assert.ok(latest);
    await assertRecords(entries[0]!, ports, latest.scanId);
  });

  it('a scheduled scan: one entry, for the scheduler', async () => {
    const { ports, audit } = await open();
    const { scheduledScan, SCHEDULER_ACTOR } = await import('../../bot/scheduled-scan.js');
    const run = await scheduledScan({
      ports,
      source: demoSource({ profile: 'showcase', size: 60, seed: 2 }),
      audit,
      clock: () => T,
    });
    const entries = await saved(audit);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.actor, SCHEDULER_ACTOR);
    assert.equal(entries[0]!.actor.channel, 'scheduler');
    await assertRecords(entries[0]!, ports, run.result.scanId);
  });

  it('the CLI: certify scan appends one entry, certify score none, and audit verify passes', async () => {
    const dataDir = temp();
    const env = { USER: 'casey' };
    const score = await runCli(['score', '--now', '2026-09-28T06:00:00Z'], { dataDir, env });
    assert.equal(score.code, 0, score.stderr);
    const scanned = await runCli(['scan', '--now', '2026-09-28T06:00:00Z', '--json'], {
      dataDir,
      env,
      clock: () => REAL,
    });
    assert.equal(scanned.code, 0, scanned.stderr);
    const scanId = (JSON.parse(scanned.stdout) as { scanId: string }).scanId;
    const audit = openAuditLog(dataDir, await loadOrCreateSigningKey(dataDir));
    const entries = await saved(audit);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.actor.channel, 'cli');
    assert.equal(entries[0]!.actor.name, 'casey');
    await assertRecords(entries[0]!, openPorts(dataDir, 50), scanId);
    assert.equal((await runCli(['score', '--now', '2026-09-29T06:00:00Z'], { dataDir, env })).code, 0);
    assert.equal((await saved(audit)).length, 1, 'certify score appended a scan.saved entry');
    const verified = await runCli(['audit', 'verify'], { dataDir, env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  });
});

describe("a bundle's scope cites the scan and its inventory digest", () => {
  it('scope.json and the cover name the scan id and the digest the audit log recorded', async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50);
    const source = demoSource({ profile: 'showcase', size: 60, seed: 2 });
    const wiring = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: [],
      publicUrl: 'http://x',
      tsaUrl: null,
      now: Date.parse('2026-09-01T00:00:00Z'),
    });
    const run = await scan(ports, source, {
      now: T,
      save: true,
      audit: { log: wiring.audit, actor: RILEY, clock: () => REAL },
    });
    const input = await gatherEvidence(
      { ports, source, audit: wiring.audit, actor: RILEY, clock: () => REAL },
      findFramework('soc2'),
      parsePeriod('2026-Q3', REAL),
      REAL,
    );
    const staged = await stageBundle({
      bundleId: 'ev-0000000000000001',
      input,
      productVersion: 'test',
      tsa: wiring.tsa,
      requestedBy: null,
      local: true,
    });
    const scope = JSON.parse(staged.files[SCOPE]!.toString('utf8')) as {
      scan: { id: string; inventorySha256: string; auditAction: string };
    };
    const snapshot = await ports.snapshots.load(run.result.scanId);
    const recomputed = digestOf(snapshot!.inventory);
    assert.equal(scope.scan.id, run.result.scanId);
    assert.equal(scope.scan.inventorySha256, recomputed);
    assert.equal(scope.scan.auditAction, 'scan.saved');
    const [entry] = (await wiring.audit.entries()).filter(
      (e) => e.action === 'scan.saved' && e.subject === scope.scan.id,
    );
    assert.ok(entry, 'the audit log has no scan.saved entry for the scan the scope cites');
    assert.equal(entry.details.inventorySha256, scope.scan.inventorySha256);
    const cover = staged.cover.scope.join('\n');
    assert.ok(cover.includes(run.result.scanId), cover);
    assert.ok(cover.includes(recomputed), cover);
    assert.ok((await verifyAuditLog(dataDir, wiring.signer.jwks())).ok);
  });

  it('an evidence build that has to scan records that scan too, and its scope cites it', async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50);
    const source = demoSource({ profile: 'showcase', size: 40, seed: 5 });
    const wiring = await openEvidence({
      dataDir,
      ports,
      source,
      approvers: [],
      publicUrl: 'http://x',
      tsaUrl: null,
      now: Date.parse('2026-09-01T00:00:00Z'),
    });
    const input = await gatherEvidence(
      { ports, source, audit: wiring.audit, actor: RILEY, clock: () => REAL },
      findFramework('pci'),
      parsePeriod('2026-Q3', REAL),
      REAL,
    );
    const entries = await saved(wiring.audit);
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.actor, RILEY);
    await assertRecords(entries[0]!, ports, input.snapshot.scanId);
    const staged = await stageBundle({
      bundleId: 'ev-0000000000000002',
      input,
      productVersion: 'test',
      tsa: wiring.tsa,
      requestedBy: null,
      local: true,
    });
    const scope = JSON.parse(staged.files[SCOPE]!.toString('utf8')) as { scan: { inventorySha256: string } };
    assert.equal(scope.scan.inventorySha256, entries[0]!.details.inventorySha256);
  });
});
