/**
 * Evidence history is never pruned away: snapshots a pending or signed bundle was built from,
 * and pending or signed requests, survive however much newer history piles up; what nothing
 * references goes, and a killed scan's orphan snapshot is cleaned up once it is surely orphaned.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import {
  createEvidenceRequestStore,
  EVIDENCE_FILE,
  retainedRequests,
  scanIdsInUse,
  type EvidenceRequest,
} from '../../store/evidence-requests.js';
import { createSnapshotStore, SNAPSHOTS_DIR } from '../../store/snapshots.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-keep-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const scanId = (i: number) => `scan-20260101T000000Z-${String(i).padStart(8, '0')}`;
const snap = (i: number) => ({
  scanId: scanId(i),
  now: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  source: 'demo',
  inventory: { i },
  result: { i },
});

function request(i: number, status: EvidenceRequest['status'], scan: string | null = null): EvidenceRequest {
  const person = { id: 'u', name: 'U', channel: 'playground' };
  return {
    id: `ev-${String(i).padStart(16, '0')}`,
    framework: 'soc2',
    period: { from: '2026-07-01', to: '2026-09-30', label: '2026-Q3' },
    requestedBy: person,
    channel: { kind: 'playground', id: 'c' },
    createdAt: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
    status,
    scan: scan === null ? null : { id: scan, at: '2026-09-28T06:00:00.000Z', afterPeriod: false },
    dataManifestSha256: null,
    timestamp: null,
    rows: 0,
    statement: null,
    signature:
      status === 'signed'
        ? { by: person, role: 'CISO', at: '2026-10-02T00:00:00Z', manifestSha256: 'x' }
        : null,
    rejection: status === 'rejected' ? { by: person, reason: 'no', at: '2026-10-02T00:00:00Z' } : null,
    links: [],
    error: null,
  };
}

const HOUR = 3_600_000;

describe('snapshot retention', () => {
  it('keeps a snapshot evidence was built from through 105 newer scans, and prunes the unreferenced ones', async () => {
    const store = createSnapshotStore<unknown, unknown>(temp(), {
      referenced: async () => new Set([scanId(0)]),
    });
    for (let i = 0; i <= 105; i++) await store.save(snap(i));
    const kept = await store.list();
    assert.ok(kept.includes(scanId(0)), 'the referenced snapshot is kept');
    assert.deepEqual(await store.load(scanId(0)), { schema: 'certify.snapshot/v1', ...snap(0) });
    assert.equal(kept.length, 101, 'the newest 100 and the referenced one');
    assert.equal(await store.load(scanId(1)), null, 'an unreferenced old one is pruned');
  });

  it('removes an orphan snapshot (no saved scan names it) on start when it is old, never a fresh one', async () => {
    const dir = temp();
    const snapshots = join(dir, SNAPSHOTS_DIR);
    mkdirSync(snapshots);
    const file = (i: number) => join(snapshots, `${scanId(i)}.json.gz`);
    for (const i of [1, 2, 3, 4]) writeFileSync(file(i), 'x');
    const old = new Date(Date.now() - 2 * HOUR);
    for (const i of [1, 3, 4]) utimesSync(file(i), old, old);
    // 1: old orphan. 2: fresh orphan (a scan being saved by another process right now).
    // 3: old, named by a saved scan. 4: old, named by no scan but by evidence.
    const store = createSnapshotStore<unknown, unknown>(dir, {
      saved: async () => new Set([scanId(3)]),
      referenced: async () => new Set([scanId(4)]),
    });
    await store.save(snap(5)); // the store's first write in this process is its start
    assert.equal(existsSync(file(1)), false, 'the old orphan is removed');
    assert.deepEqual(await store.list(), [scanId(2), scanId(3), scanId(4), scanId(5)]);
  });

  it('openPorts wires evidence references in: a pending bundle keeps its scan through newer scans', async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50, 2);
    const source = demoSource({ profile: 'showcase', size: 20, seed: 1 });
    const t0 = Date.parse('2026-09-28T06:00:00Z');
    const first = await scan(ports, source, { now: t0, save: true, audit: null });
    const requests = createEvidenceRequestStore(dataDir);
    await requests.add(request(1, 'pending', first.result.scanId));
    for (let i = 1; i <= 4; i++) await scan(ports, source, { now: t0 + i * HOUR, save: true, audit: null });
    const kept = await ports.snapshots.list();
    assert.ok(kept.includes(first.result.scanId), `${first.result.scanId} kept: ${kept.join(', ')}`);
    assert.equal(kept.length, 3);
  });
});

describe('snapshot orphans through the wiring', () => {
  it("a data dir's old orphan goes at the first scan; the scans' own snapshots and a fresh orphan stay", async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50);
    const source = demoSource({ profile: 'showcase', size: 20, seed: 1 });
    const t0 = Date.parse('2026-09-28T06:00:00Z');
    const first = await scan(ports, source, { now: t0, save: true, audit: null });
    const snapshots = join(dataDir, SNAPSHOTS_DIR);
    const file = (id: string) => join(snapshots, `${id}.json.gz`);
    // A scan killed after its snapshot, long ago; and one being saved right now by another process.
    writeFileSync(file(scanId(1)), 'x');
    writeFileSync(file(scanId(2)), 'x');
    const old = new Date(Date.now() - 2 * HOUR);
    utimesSync(file(scanId(1)), old, old);
    utimesSync(file(first.result.scanId), old, old);

    // A new process: its first scan is its start.
    const restarted = openPorts(dataDir, 50);
    const second = await scan(restarted, source, { now: t0 + HOUR, save: true, audit: null });
    assert.deepEqual(await restarted.snapshots.list(), [
      scanId(2),
      first.result.scanId,
      second.result.scanId,
    ]);
  });
});

describe('evidence request retention', () => {
  it('drops a build abandoned a day ago, never a recent one', () => {
    const now = Date.parse('2026-10-10T00:00:00Z');
    const abandoned = { ...request(0, 'building'), createdAt: '2026-10-01T00:00:00Z' };
    const recent = { ...request(1, 'building'), createdAt: '2026-10-09T23:00:00Z' };
    const kept = retainedRequests([abandoned, recent, request(2, 'pending')], 2, now);
    assert.deepEqual(
      kept.map((r) => r.id),
      [recent.id, request(2, 'pending').id],
    );
    assert.equal(retainedRequests([recent, request(2, 'signed')], 1, now).length, 2);
  });

  it('keeps pending and signed requests through more newer requests than the limit', async () => {
    const dir = temp();
    const store = createEvidenceRequestStore(dir, { limit: 5 });
    await store.add(request(0, 'pending'));
    await store.add(request(1, 'signed'));
    for (let i = 2; i < 12; i++) await store.add(request(i, i % 2 === 0 ? 'rejected' : 'failed'));
    const ids = (await store.list()).map((r) => r.id);
    assert.ok(ids.includes(request(0, 'pending').id), 'the pending request is kept');
    assert.ok(ids.includes(request(1, 'signed').id), 'the signed request is kept');
    assert.equal(ids.length, 5);
    // The settled ones that went are the oldest.
    assert.deepEqual(ids.slice(2), [
      request(9, 'failed').id,
      request(10, 'rejected').id,
      request(11, 'failed').id,
    ]);
  });

  it('grows past the limit rather than drop a pending or signed request', async () => {
    const dir = temp();
    const store = createEvidenceRequestStore(dir, { limit: 3 });
    for (let i = 0; i < 6; i++) await store.add(request(i, i % 2 === 0 ? 'pending' : 'signed'));
    assert.equal((await store.list()).length, 6);
    assert.ok(existsSync(join(dir, EVIDENCE_FILE)));
  });
});

describe('evidence request retention at the default limit', () => {
  it('a pending and a signed request at the front of a full store (5000) survive newer requests', async () => {
    const dir = temp();
    const requests = [
      request(0, 'pending'),
      request(1, 'signed'),
      ...Array.from({ length: 4998 }, (_, i) => request(i + 2, 'rejected')),
    ];
    writeFileSync(
      join(dir, EVIDENCE_FILE),
      JSON.stringify({ kind: 'certify.evidence-requests', version: 1, data: { requests } }),
    );
    const store = createEvidenceRequestStore(dir);
    await store.add(request(5000, 'failed'));
    await store.add(request(5001, 'failed'));
    const ids = new Set((await store.list()).map((r) => r.id));
    assert.ok(ids.has(request(0, 'pending').id), 'the pending request is kept');
    assert.ok(ids.has(request(1, 'signed').id), 'the signed request is kept');
    assert.ok(ids.has(request(5001, 'failed').id));
    assert.equal(ids.size, 5000);
    assert.equal(ids.has(request(2, 'rejected').id), false, 'the oldest rejected one made room');
  });
});

describe('scans in use by evidence', () => {
  it('counts bundles being built, pending and signed; never rejected or failed ones', () => {
    const ids = scanIdsInUse([
      request(1, 'building', scanId(1)),
      request(2, 'pending', scanId(2)),
      request(3, 'signed', scanId(3)),
      request(4, 'rejected', scanId(4)),
      request(5, 'failed', scanId(5)),
      request(6, 'building', null),
    ]);
    assert.deepEqual([...ids].sort(), [scanId(1), scanId(2), scanId(3)]);
  });
});
