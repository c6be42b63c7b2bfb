import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { isCertifyError } from '../../base/errors.js';
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
