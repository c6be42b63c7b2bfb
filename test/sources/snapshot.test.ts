import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { CertifyError } from '../../base/errors.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { parseInventoryText } from '../../scanner/inventory/validate.js';
import { snapshotSource, writeSnapshot } from '../../scanner/sources/snapshot/index.js';
import type { CollectContext } from '../../scanner/sources/types.js';
import { NOW, inventory, key, secret, syncRecord, vault } from '../support/builders.js';

const fixtures = fileURLToPath(new URL('../fixtures/inventories/', import.meta.url));
const ctx: CollectContext = { now: NOW };

async function rejection(promise: Promise<unknown>): Promise<CertifyError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof CertifyError, `expected a CertifyError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the promise to be rejected');
}

describe('snapshotSource', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certify-snapshot-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a snapshot file', async () => {
    const path = join(fixtures, 'sample.json');
    const source = snapshotSource(path);
    assert.equal(source.id, `snapshot:${path}`);
    const inv = await source.collect(ctx);
    assert.deepEqual(inv, parseInventoryText(await readFile(path)));
    assert.equal(inv.vaults.length, 2);
    assert.equal(inv.syncWorker?.running, true);
  });

  it('resolves a relative path from cwd and keeps the path as given in its id', async () => {
    const source = snapshotSource('sample.json', { cwd: fixtures });
    assert.equal(source.id, 'snapshot:sample.json');
    assert.equal((await source.collect(ctx)).secrets.length, 5);
  });

  it('reports progress', async () => {
    const phases: string[] = [];
    await snapshotSource('sample.json', { cwd: fixtures }).collect({
      now: NOW,
      onProgress: (p) => phases.push(`${p.phase} ${p.done}/${p.total}`),
    });
    assert.deepEqual(phases, ['reading snapshot 0/1', 'reading snapshot 1/1']);
  });

  it('refuses a missing file with BAD_INPUT and a hint', async () => {
    const e = await rejection(snapshotSource('nope/missing.json', { cwd: dir }).collect(ctx));
    assert.equal(e.code, 'BAD_INPUT');
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, 'cannot read snapshot "nope/missing.json": the file does not exist');
    assert.match(e.hint ?? '', /^check the path/);
  });

  it('refuses a directory with BAD_INPUT', async () => {
    const e = await rejection(snapshotSource(dir).collect(ctx));
    assert.equal(e.code, 'BAD_INPUT');
    assert.equal(e.message, `cannot read snapshot "${dir}": it is a directory, not a file`);
  });

  it(
    'refuses a device or pipe, which has no size to check',
    { skip: process.platform === 'win32' },
    async () => {
      const e = await rejection(snapshotSource('/dev/null').collect(ctx));
      assert.equal(e.code, 'BAD_INPUT');
      assert.equal(e.message, 'cannot read snapshot "/dev/null": it is not a regular file');
    },
  );

  it('refuses an invalid snapshot with INVALID_INVENTORY and its problems', async () => {
    const e = await rejection(snapshotSource('malformed.json', { cwd: fixtures }).collect(ctx));
    assert.equal(e.code, 'INVALID_INVENTORY');
    assert.equal(e.message, 'the snapshot is not a valid certify.inventory/v1 file');
    assert.equal(e.problems.length, 13);
    assert.equal(e.problems[0], 'collectedAt: not an ISO 8601 time (got "2026-11-23 06:00")');
    assert.match(e.hint ?? '', /malformed\.json/);
  });

  it('refuses a file that is not UTF-8', async () => {
    const path = join(dir, 'latin1.json');
    await writeFile(path, Buffer.from([0x7b, 0x22, 0x6e, 0xe9, 0x22, 0x3a, 0x31, 0x7d])); // {"né":1} in Latin-1
    const e = await rejection(snapshotSource(path).collect(ctx));
    assert.deepEqual(e.problems, [
      'the file is not UTF-8 text (the first invalid byte is at offset 3); save it as UTF-8',
    ]);
  });

  it('stops when the collection is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      snapshotSource('sample.json', { cwd: fixtures }).collect({ now: NOW, signal: controller.signal }),
      {
        name: 'AbortError',
      },
    );
  });
});

describe('writeSnapshot', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'certify-write-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const sample = (): Inventory =>
    inventory({
      vaults: [vault('kv-a'), vault('kv-b', { tags: {} })],
      secrets: [
        secret('db', { vault: 'kv-a' }),
        secret('ünïcødé', { vault: 'kv-b', tags: { note: 'ü "quoted"' } }),
      ],
      keys: [key('cmk', { vault: 'kv-a' })],
      syncRecords: [syncRecord('sync-1')],
      resources: [],
      syncWorker: null,
    });

  it('writes JSON with 2-space indentation that reads back equal', async () => {
    const inv = sample();
    const path = join(dir, 'out.json');
    await writeSnapshot(path, inv);
    const text = await readFile(path, 'utf8');
    assert.equal(text, `${JSON.stringify(inv, null, 2)}\n`);
    assert.deepEqual(await snapshotSource(path).collect(ctx), inv);
  });

  it('writes large sections in pieces with exactly the same text', async () => {
    const inv = inventory({ secrets: Array.from({ length: 4_500 }, (_, i) => secret(`s${i}`)) });
    const path = join(dir, 'large.json');
    await writeSnapshot(path, inv);
    assert.equal(await readFile(path, 'utf8'), `${JSON.stringify(inv, null, 2)}\n`);
  });

  it('resolves a relative path from cwd, replaces an existing file and leaves no temporary file', async () => {
    const sub = join(dir, 'replace');
    await mkdir(sub);
    await writeFile(join(sub, 'inv.json'), 'old contents');
    await writeSnapshot('inv.json', sample(), { cwd: sub });
    assert.deepEqual(await readdir(sub), ['inv.json']);
    assert.deepEqual(parseInventoryText(await readFile(join(sub, 'inv.json'))), sample());
  });

  it('fails with a plain message when the directory does not exist, creating nothing', async () => {
    const path = join(dir, 'missing-dir', 'inv.json');
    const e = await rejection(writeSnapshot(path, sample()));
    assert.equal(e.code, 'STORE_IO');
    assert.equal(e.message, `cannot write snapshot "${path}": its directory does not exist`);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.includes('missing')),
      [],
    );
  });

  it('removes its temporary file when the target cannot be replaced', async () => {
    const sub = join(dir, 'blocked');
    await mkdir(join(sub, 'inv.json'), { recursive: true }); // a directory where the file should go
    const e = await rejection(writeSnapshot(join(sub, 'inv.json'), sample()));
    assert.equal(e.code, 'STORE_IO');
    assert.equal(
      e.message,
      `cannot write snapshot "${join(sub, 'inv.json')}": it is a directory, not a file`,
    );
    assert.deepEqual(await readdir(sub), ['inv.json']); // the temporary file was removed
  });
});
