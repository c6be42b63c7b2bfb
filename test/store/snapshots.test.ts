import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, it } from 'vitest';
import { isCertifyError } from '../../base/errors.js';
import { jsonRecords, RECORDS_FORMAT } from '../../store/json-records.js';
import { createSnapshotStore } from '../../store/snapshots.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-snap-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const snap = (i: number) => ({
  scanId: `scan-2026110${i}T060000Z-0000000${i}`,
  now: `2026-11-0${i}T06:00:00.000Z`,
  source: 'demo',
  inventory: { vaults: [{ name: `kv-${i}`, note: 'Zoë ✓' }] },
  result: { score: i },
});

describe('snapshot store', () => {
  it('keeps what it saved, exactly, and prunes the oldest beyond its limit', async () => {
    const store = createSnapshotStore<unknown, unknown>(temp(), { limit: 3 });
    for (let i = 1; i <= 5; i++) await store.save(snap(i));
    assert.deepEqual(await store.list(), [snap(3).scanId, snap(4).scanId, snap(5).scanId]);
    assert.deepEqual(await store.load(snap(4).scanId), { schema: 'certify.snapshot/v1', ...snap(4) });
    assert.equal(await store.load(snap(1).scanId), null);
  });

  it('writes gzip’d JSON records, none longer than its limit, the marker first', async () => {
    const dir = temp();
    const store = createSnapshotStore<unknown, unknown>(dir, {
      records: { chunkChars: 100, maxRecordChars: 200 },
    });
    const large = {
      ...snap(1),
      inventory: { secrets: Array.from({ length: 300 }, (_, i) => ({ id: `s-${i}`, tags: { n: `${i}` } })) },
      result: { rules: [{ id: 'R1', failing: Array.from({ length: 300 }, (_, i) => `s-${i}`) }] },
    };
    await store.save(large);
    const [file] = readdirSync(join(dir, 'snapshots'));
    const lines = gunzipSync(readFileSync(join(dir, 'snapshots', file!)))
      .toString('utf8')
      .split('\n');
    assert.equal(lines.pop(), '', 'each record ends in a newline');
    assert.equal(lines[0], `{"format":"${RECORDS_FORMAT}"}`);
    assert.ok(lines.length > 100, `${lines.length} records`);
    assert.ok(
      lines.every((l) => l.length < 200),
      `a record of ${Math.max(...lines.map((l) => l.length))} characters`,
    );
    assert.deepEqual(await store.load(large.scanId), { schema: 'certify.snapshot/v1', ...large });
  });

  it('reads a snapshot saved before records, as one JSON text', async () => {
    const dir = temp();
    const store = createSnapshotStore<unknown, unknown>(dir);
    await store.save(snap(1)); // makes the directory
    // Exactly as the store wrote every snapshot before records.
    const old = gzipSync(Buffer.from(JSON.stringify({ schema: 'certify.snapshot/v1', ...snap(2) })), {
      level: constants.Z_BEST_SPEED,
    });
    writeFileSync(join(dir, 'snapshots', `${snap(2).scanId}.json.gz`), old);
    assert.deepEqual(await store.load(snap(2).scanId), { schema: 'certify.snapshot/v1', ...snap(2) });
    assert.deepEqual(await store.list(), [snap(1).scanId, snap(2).scanId]);
  });

  it('reports a snapshot whose records are cut short', async () => {
    const dir = temp();
    const store = createSnapshotStore<unknown, unknown>(dir);
    await store.save(snap(1));
    const records = [...jsonRecords({ schema: 'certify.snapshot/v1', ...snap(1) }, { chunkChars: 20 })];
    writeFileSync(
      join(dir, 'snapshots', `${snap(1).scanId}.json.gz`),
      gzipSync(records.slice(0, -1).join('')),
    );
    await assert.rejects(
      store.load(snap(1).scanId),
      (e: unknown) =>
        isCertifyError(e) &&
        e.code === 'STORE_CORRUPT' &&
        /unreadable: the records stop after/.test(e.message),
    );
  });

  it('reports a damaged snapshot instead of reading half of it, and refuses ids that are paths', async () => {
    const dir = temp();
    const store = createSnapshotStore<unknown, unknown>(dir);
    await store.save(snap(1));
    writeFileSync(join(dir, 'snapshots', `${snap(1).scanId}.json.gz`), 'not gzip');
    await assert.rejects(
      store.load(snap(1).scanId),
      (e: unknown) => isCertifyError(e) && e.code === 'STORE_CORRUPT' && /unreadable/.test(e.message),
    );
    await assert.rejects(
      store.load('../../etc/passwd'),
      (e: unknown) => isCertifyError(e) && /not a scan id/.test(e.message),
    );
  });
});
