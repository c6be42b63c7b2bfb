/**
 * The embedded store keeps the latest result once: in the snapshot its scan's save has just
 * written, which latest-scan.json names (issue 20: no whole-result rewrite of ~130 MB per save).
 * Driven through the real ports and scan service over a data dir.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, it } from 'vitest';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { gunzipJsonWithout, gzipJsonRecordsBuffer, jsonRecords } from '../../store/json-records.js';
import { createScanStore, LATEST_SCAN_FILE } from '../../store/scans.js';
import { createSnapshotStore, readSnapshotResult, SNAPSHOTS_DIR } from '../../store/snapshots.js';
import { summarize } from '../../scanner/summary.js';
import { isCode } from '../support/store-fixtures.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-latest-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const at = (day: number) => Date.parse(`2026-11-${String(day).padStart(2, '0')}T06:00:00Z`);

async function saveScan(dir: string, day: number, snapshotLimit?: number) {
  const ports = openPorts(dir, 50, snapshotLimit);
  const run = await scan(ports, demoSource({ size: 60 }), { now: at(day), save: true, audit: null });
  return { ports, result: run.result, inventory: run.inventory };
}

describe('the latest result kept in its snapshot', () => {
  it('is named by latest-scan.json, not repeated there, and read back whole', async () => {
    const dir = temp();
    const { result } = await saveScan(dir, 20);
    const latest = JSON.parse(readFileSync(join(dir, LATEST_SCAN_FILE), 'utf8')) as {
      data: { summary: { scanId: string }; result: unknown; inSnapshot: string };
    };
    assert.equal(latest.data.result, null);
    assert.equal(latest.data.inSnapshot, result.scanId);
    assert.equal(latest.data.summary.scanId, result.scanId);
    // A fresh handle (another process) reads it from the snapshot.
    const again = openPorts(dir, 50);
    assert.deepStrictEqual(await again.scans.latest(), JSON.parse(JSON.stringify(result)));
    assert.equal(await again.scans.latestScanId(), result.scanId);
    assert.ok(Object.isFrozen(await again.scans.latest()), 'shared, so frozen');
  });

  it('says which snapshot is missing, rather than answering with no scan', async () => {
    const dir = temp();
    const { result } = await saveScan(dir, 20);
    unlinkSync(join(dir, SNAPSHOTS_DIR, `${result.scanId}.json.gz`));
    await assert.rejects(
      openPorts(dir, 50).scans.latest(),
      isCode('STORE_CORRUPT', new RegExp(`snapshot of ${result.scanId}, which is missing; run a scan`)),
    );
    // The next scan saves a new latest result.
    const next = await saveScan(dir, 21);
    assert.equal((await openPorts(dir, 50).scans.latest())?.scanId, next.result.scanId);
  });

  it('keeps the whole result where no snapshot was saved, or none can be read', async () => {
    const dir = temp();
    const { result } = await saveScan(dir, 20);
    const plain = createScanStore<typeof result>(join(dir, 'plain'));
    await plain.save(result, summarize(result), { snapshotted: true });
    const file = JSON.parse(readFileSync(join(dir, 'plain', LATEST_SCAN_FILE), 'utf8')) as {
      data: { result: { scanId: string } };
    };
    assert.equal(file.data.result.scanId, result.scanId);
    // The embedded backend's store, told of a snapshot that is not there: the result is kept.
    const ports = openPorts(dir, 50);
    const other = { ...result, scanId: 'scan-20261121T060000Z-deadbeef' };
    await ports.scans.save(other, summarize(other), { snapshotted: true });
    assert.equal((await openPorts(dir, 50).scans.latest())?.scanId, other.scanId);
    assert.ok(statSync(join(dir, LATEST_SCAN_FILE)).size > 10_000, 'the result itself');
  });

  it('outlives pruning: the latest scan’s snapshot and the one just saved are kept', async () => {
    const dir = temp();
    await saveScan(dir, 20, 1);
    // An earlier `now` sorts its snapshot first: beyond the limit of 1, yet it is the scan saved.
    const older = await saveScan(dir, 10, 1);
    assert.equal((await openPorts(dir, 50, 1).scans.latest())?.scanId, older.result.scanId);
    // Another scan's snapshot, at an even earlier `now`, saved before that scan joins the history
    // (or if its save then fails): the latest scan's snapshot (day 10) is kept meanwhile.
    const ports = openPorts(dir, 50, 1);
    const { result, inventory } = await saveScan(temp(), 5);
    await ports.snapshots.save({
      scanId: result.scanId,
      now: result.now,
      source: 'demo',
      inventory,
      result,
    });
    assert.equal((await openPorts(dir, 50, 1).scans.latest())?.scanId, older.result.scanId);
    assert.deepEqual((await createSnapshotStore(dir).list()).slice(0, 2), [
      result.scanId,
      older.result.scanId,
    ]);
  });

  it('reads a snapshot’s result without its inventory, whichever member comes first', async () => {
    const doc = { schema: 'certify.snapshot/v1', scanId: 's-1', now: 'n', source: 'demo' };
    const inventory = { secrets: Array.from({ length: 500 }, (_, i) => ({ id: `secret-${i}` })) };
    const result = { scanId: 's-1', rules: Array.from({ length: 200 }, (_, i) => ({ id: `R${i}` })) };
    const limits = { chunkChars: 200 };
    const done = (partial: unknown) => (partial as { result?: unknown }).result !== undefined;
    const resultFirst = await gzipJsonRecordsBuffer({ ...doc, result, inventory }, limits);
    const inventoryFirst = await gzipJsonRecordsBuffer({ ...doc, inventory, result }, limits);
    for (const body of [
      resultFirst,
      inventoryFirst,
      gzipSync(JSON.stringify({ ...doc, inventory, result })),
    ]) {
      assert.deepStrictEqual(await gunzipJsonWithout(Readable.from([body]), 'inventory', done), {
        ...doc,
        result,
      });
    }
    // Result first, the reading stops at the inventory: a broken rest is never read.
    const lines = [...jsonRecords({ ...doc, result, inventory }, limits)];
    const firstInventory = lines.findIndex((l) => l.startsWith('{"set":["inventory"]'));
    assert.ok(firstInventory > 0);
    const broken = gzipSync([...lines.slice(0, firstInventory + 1), 'not a record\n'].join(''));
    assert.deepStrictEqual(await gunzipJsonWithout(Readable.from([broken]), 'inventory', done), {
      ...doc,
      result,
    });
    // Inventory first, the whole file is read, and a cut one is refused.
    const cut = [...jsonRecords({ ...doc, inventory, result }, limits)].slice(0, -1).join('');
    await assert.rejects(
      gunzipJsonWithout(Readable.from([gzipSync(cut)]), 'inventory', done),
      /before their end/,
    );
  });

  it('refuses a snapshot that is not the named scan’s', async () => {
    const dir = temp();
    const store = createSnapshotStore(dir);
    await store.save({
      scanId: 'scan-1',
      now: 'n',
      source: 'demo',
      inventory: {},
      result: { scanId: 'scan-1' },
    });
    assert.deepEqual(await readSnapshotResult(dir, 'scan-1'), { scanId: 'scan-1' });
    assert.equal(await readSnapshotResult(dir, 'scan-2'), null);
    writeFileSync(join(dir, SNAPSHOTS_DIR, 'scan-2.json.gz'), gzipSync('{"schema":"other"}'));
    await assert.rejects(readSnapshotResult(dir, 'scan-2'), /is not a certify\.snapshot\/v1 file for scan-2/);
  });
});
