import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import { createCustomRuleStore } from '../../store/custom-rules.js';
import { createDocument, openDocument } from '../../store/json-file.js';
import type { DocumentOptions } from '../../store/json-file.js';
import { createScanStore, latestHeadScanId } from '../../store/scans.js';
import {
  fakeScan,
  isCode,
  ruleInput,
  saveScans,
  STUB_BUILTIN_IDS,
  validateStubRule,
  type FakeResult,
} from '../support/store-fixtures.js';
import { captureChildOutput } from '../support/child-log.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certify-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Counter {
  count: number;
  notes: string[];
}

function counterOptions(
  path: string,
  extra: Partial<DocumentOptions<Counter>> = {},
): DocumentOptions<Counter> {
  return { path, kind: 'certify.test', version: 1, empty: () => ({ count: 0, notes: [] }), ...extra };
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

describe('json-file document', () => {
  it('reads a missing file as empty and writes nothing until the first update', async () => {
    const dir = join(await freshDir(), 'nested', 'data');
    const path = join(dir, 'doc.json');
    const doc = await openDocument(counterOptions(path));
    assert.deepEqual(doc.read(), { count: 0, notes: [] });
    assert.equal(doc.failure, null);
    assert.equal(await exists(path), false);

    await doc.update((d) => {
      d.count = 1;
    });
    assert.equal(await exists(path), true, 'the directory is created on the first write');
  });

  it('round-trips through the envelope layout', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path));
    await doc.update((d) => {
      d.count = 7;
      d.notes.push('seven');
    });
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), {
      kind: 'certify.test',
      version: 1,
      data: { count: 7, notes: ['seven'] },
    });
    const again = await openDocument(counterOptions(path));
    assert.deepEqual(again.read(), { count: 7, notes: ['seven'] });
    const lazy = createDocument(counterOptions(path));
    assert.deepEqual(lazy.read(), { count: 7, notes: ['seven'] }, 'the lazy document reads on first use');
  });

  it("uses the mutator's return value as the new data", async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path));
    await doc.update(() => ({ count: 3, notes: ['replaced'] }));
    assert.deepEqual(doc.read(), { count: 3, notes: ['replaced'] });
  });

  it('hands out frozen data, and does not freeze objects taken from the caller', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path));
    const mine = { count: 1, notes: ['a'] };
    await doc.update(() => mine);
    assert.ok(Object.isFrozen(doc.read()));
    assert.ok(Object.isFrozen(doc.read().notes));
    assert.ok(!Object.isFrozen(mine));
    mine.notes.push('b');
    assert.deepEqual(doc.read().notes, ['a']);
  });

  it('keepWritten: false reads what it wrote back from the file, and never freezes the caller', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path, { keepWritten: false }));
    const mine = { count: 2, notes: ['x'] };
    await doc.update(() => mine);
    assert.ok(!Object.isFrozen(mine));
    mine.notes.push('changed after the write');
    await doc.reload();
    assert.deepEqual(doc.read(), { count: 2, notes: ['x'] });
    assert.ok(Object.isFrozen(doc.read()));
    // Without a reload too (read() loads what is not loaded).
    await doc.update((d) => {
      d.count = 3;
    });
    assert.deepEqual(doc.read(), { count: 3, notes: ['x'] });
    assert.equal(
      await readFile(path, 'utf8'),
      `${JSON.stringify({ kind: 'certify.test', version: 1, data: { count: 3, notes: ['x'] } }, null, 2)}\n`,
    );
  });

  const corruptions: [string, string, RegExp][] = [
    ['invalid JSON', '{"kind": "certify.test", "version": 1, "data": {', /invalid JSON/],
    ['an empty file', '', /the file is empty/],
    ['a non-object', '[1, 2, 3]', /expected a JSON object, found an array/],
    [
      'another kind',
      '{"kind": "certify.other", "version": 1, "data": {}}',
      /expected "kind": "certify.test"/,
    ],
    ['a missing version', '{"kind": "certify.test", "data": {}}', /"version" must be a positive integer/],
    ['missing data', '{"kind": "certify.test", "version": 1}', /"data" is missing/],
  ];
  for (const [what, bytes, reason] of corruptions) {
    it(`refuses ${what} with STORE_CORRUPT and never overwrites it`, async () => {
      const path = join(await freshDir(), 'doc.json');
      await writeFile(path, bytes);
      const doc = await openDocument(counterOptions(path));
      assert.ok(doc.failure instanceof CertifyError);
      assert.throws(() => doc.read(), isCode('STORE_CORRUPT', reason));
      assert.throws(
        () => doc.read(),
        (e: CertifyError) => {
          assert.ok(e.message.startsWith(`${path} is not a readable certify.test file: `));
          assert.equal(
            e.hint,
            'the file was left untouched; restore it from a backup or move it aside to start afresh',
          );
          assert.equal(e.exitCode, 1);
          return true;
        },
      );
      await assert.rejects(
        doc.update((d) => {
          d.count += 1;
        }),
        isCode('STORE_CORRUPT'),
      );
      await assert.rejects(
        doc.update(() => ({ count: 1, notes: [] })),
        isCode('STORE_CORRUPT'),
      );
      assert.equal(await readFile(path, 'utf8'), bytes, 'the bytes on disk are unchanged');
    });
  }

  it('reports data that fails the check as STORE_CORRUPT with the problems', async () => {
    const path = join(await freshDir(), 'doc.json');
    const bytes = JSON.stringify({ kind: 'certify.test', version: 1, data: { count: 'x' } });
    await writeFile(path, bytes);
    const check = (data: unknown) =>
      typeof (data as Counter).count === 'number' ? [] : ['"data.count" must be a number'];
    const doc = await openDocument(counterOptions(path, { check }));
    assert.throws(
      () => doc.read(),
      (e: CertifyError) => {
        isCode('STORE_CORRUPT', /"data.count" must be a number/)(e);
        assert.deepEqual(e.problems, ['"data.count" must be a number']);
        return true;
      },
    );
    assert.equal(await readFile(path, 'utf8'), bytes);
  });

  it('refuses a newer format version with STORE_VERSION and never overwrites it', async () => {
    const path = join(await freshDir(), 'doc.json');
    const bytes = JSON.stringify({ kind: 'certify.test', version: 2, data: { count: 5, notes: [] } });
    await writeFile(path, bytes);
    const doc = await openDocument(counterOptions(path));
    assert.throws(
      () => doc.read(),
      isCode('STORE_VERSION', /format version 2, and this Certify reads version 1/),
    );
    assert.match(doc.failure?.hint ?? '', /left untouched.*newer Certify/);
    await assert.rejects(
      doc.update((d) => {
        d.count = 0;
      }),
      isCode('STORE_VERSION'),
    );
    assert.equal(await readFile(path, 'utf8'), bytes);
  });

  it('upgrades an older format version only through the upgrade hook', async () => {
    const path = join(await freshDir(), 'doc.json');
    await writeFile(path, JSON.stringify({ kind: 'certify.test', version: 1, data: { total: 4 } }));
    const v2 = { ...counterOptions(path), version: 2 };
    const refused = await openDocument(v2);
    assert.throws(() => refused.read(), isCode('STORE_VERSION'));

    const upgraded = await openDocument({
      ...v2,
      upgrade: (data, from) => ({ count: (data as { total: number }).total, notes: [`from v${from}`] }),
    });
    assert.deepEqual(upgraded.read(), { count: 4, notes: ['from v1'] });
    await upgraded.update((d) => {
      d.count += 1;
    });
    assert.equal(JSON.parse(await readFile(path, 'utf8')).version, 2);
  });

  it('serialises 50 concurrent updates', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path));
    await Promise.all(
      Array.from({ length: 50 }, () =>
        doc.update((d) => {
          d.count += 1;
        }),
      ),
    );
    assert.equal(doc.read().count, 50);
    assert.equal(JSON.parse(await readFile(path, 'utf8')).data.count, 50);
  });

  it('leaves disk and memory unchanged when a mutator throws, and keeps going', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = await openDocument(counterOptions(path));
    await doc.update((d) => {
      d.count = 1;
      d.notes.push('one');
    });
    const before = await readFile(path, 'utf8');

    const boom = new Error('boom');
    await assert.rejects(
      doc.update((d) => {
        d.count = 99;
        d.notes.push('half-applied');
        throw boom;
      }),
      (e) => e === boom,
    );
    assert.equal(await readFile(path, 'utf8'), before);
    assert.deepEqual(doc.read(), { count: 1, notes: ['one'] });

    await assert.rejects(
      // @ts-expect-error: an async mutator is a programming error the document refuses
      doc.update(async (d: Counter) => {
        d.count = 50;
      }),
      /must be synchronous/,
    );
    assert.equal(await readFile(path, 'utf8'), before);

    await doc.update((d) => {
      d.count += 1;
    });
    assert.equal(doc.read().count, 2, 'the queue survives a failed update');
  });

  it('refuses to write data its own check would refuse to read', async () => {
    const path = join(await freshDir(), 'doc.json');
    const check = (data: unknown) =>
      (data as Counter).count < 0 ? ['"data.count" must not be negative'] : [];
    const doc = await openDocument(counterOptions(path, { check }));
    await assert.rejects(
      doc.update(() => ({ count: -1, notes: [] })),
      /refusing to write/,
    );
    assert.equal(await exists(path), false);
  });

  it('keeps writes made by another process (document) and reloads them', async () => {
    const path = join(await freshDir(), 'doc.json');
    const a = await openDocument(counterOptions(path));
    const b = await openDocument(counterOptions(path));
    await a.update((d) => {
      d.notes.push('from a');
    });
    await b.update((d) => {
      d.notes.push('from b');
    });
    assert.deepEqual(b.read().notes, ['from a', 'from b'], 'update re-reads the file first');
    assert.deepEqual(a.read().notes, ['from a'], 'read() is the in-memory copy');
    await a.reload();
    assert.deepEqual(a.read().notes, ['from a', 'from b']);
  });

  it('starts afresh once an unreadable file is moved aside', async () => {
    const path = join(await freshDir(), 'doc.json');
    await writeFile(path, 'not json');
    const doc = await openDocument(counterOptions(path));
    assert.throws(() => doc.read(), isCode('STORE_CORRUPT'));
    await rename(path, `${path}.bad`);
    await doc.update((d) => {
      d.count = 1;
    });
    assert.deepEqual(doc.read(), { count: 1, notes: [] });
    assert.equal(await readFile(`${path}.bad`, 'utf8'), 'not json');
  });

  it('reports an unreadable path as STORE_IO', async () => {
    const dir = await freshDir();
    const doc = await openDocument(counterOptions(dir)); // a directory, not a file
    assert.throws(() => doc.read(), isCode('STORE_IO', /cannot read/));
  });

  it('removes temp files that a crashed writer left an hour ago, and only those', async () => {
    const dir = await freshDir();
    const path = join(dir, 'doc.json');
    const stale = join(dir, 'doc.json.4242.0a1b2c3d4e5f.tmp');
    const fresh = join(dir, 'doc.json.4243.0a1b2c3d4e5f.tmp');
    const unrelated = join(dir, 'other.json.4242.0a1b2c3d4e5f.tmp');
    for (const file of [stale, fresh, unrelated]) await writeFile(file, '{');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    await utimes(unrelated, twoHoursAgo, twoHoursAgo);

    const doc = await openDocument(counterOptions(path));
    await doc.update((d) => {
      d.count = 1;
    });
    assert.deepEqual((await readdir(dir)).sort(), [
      'doc.json',
      'doc.json.4243.0a1b2c3d4e5f.tmp',
      'other.json.4242.0a1b2c3d4e5f.tmp',
    ]);
  });

  it('survives a writer killed mid-write: the old or a new complete document, never a torn one', async () => {
    const ITEMS = 100_000; // as in fixtures/crash-writer.ts
    for (const delayMs of [60, 100, 140]) {
      const dir = await freshDir();
      const path = join(dir, 'big.json');
      const doc = await openDocument({
        path,
        kind: 'certify.crash-test',
        version: 1,
        empty: () => ({ n: 0, items: [] as string[] }),
      });
      await doc.update(() => ({ n: 0, items: ['original'] }));

      const child = captureChildOutput(
        spawn(process.execPath, ['--import', 'tsx', join(HERE, 'fixtures', 'crash-writer.ts'), path], {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
        'crash-writer',
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((done) =>
        child.on('exit', (_code, signal) => done(signal)),
      );
      await new Promise<void>((ready, failed) => {
        child.stdout.on('data', () => ready());
        child.on('exit', () => failed(new Error(`crash-writer exited early: ${stderr}`)));
      });
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL', stderr);

      const parsed = JSON.parse(await readFile(path, 'utf8')) as { data: { n: number; items: string[] } };
      const { n, items } = parsed.data;
      if (n === 0) {
        assert.deepEqual(items, ['original']);
      } else {
        assert.equal(items.length, ITEMS);
        assert.ok(
          items.every((item) => item === `item-${n}`),
          `version ${n} is complete`,
        );
      }
      const reopened = await openDocument({
        path,
        kind: 'certify.crash-test',
        version: 1,
        empty: () => ({ n: 0, items: [] as string[] }),
      });
      assert.equal(reopened.read().n, n);
      // The killed writer's lock stays too, until another writer takes it over as stale.
      const leftovers = (await readdir(dir)).filter(
        (name) => name !== 'big.json' && name !== 'big.json.lock',
      );
      assert.ok(
        leftovers.every((name) => /^big\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name)),
        `only temp files and the lock are left beside the document: ${leftovers.join(', ')}`,
      );
    }
  });
});

/** The behaviour shared with PostgreSQL is in test/store/contract/scans.contract.test.ts. */
describe('scan store', () => {
  it('is empty before the first save, and writes nothing', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir);
    assert.equal(await store.latest(), null);
    assert.equal(await store.previous(), null);
    assert.deepEqual(await store.history(), []);
    assert.deepEqual(await readdir(dir), []);
  });

  it('keeps the latest result and the history in latest-scan.json and scans.json', async () => {
    const dir = await freshDir();
    await saveScans(createScanStore<FakeResult>(dir, { limit: 5 }), 1, 7);
    assert.deepEqual((await readdir(dir)).sort(), ['latest-scan.json', 'scans.json']);
  });

  it('restores the summary a crash between the two writes left out', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir);
    await saveScans(store, 1, 3);
    // As if the process died after writing latest-scan.json for scan 3 but before scans.json.
    const scansPath = join(dir, 'scans.json');
    const file = JSON.parse(await readFile(scansPath, 'utf8'));
    file.data.summaries = file.data.summaries.slice(1);
    await writeFile(scansPath, JSON.stringify(file));

    const reopened = createScanStore<FakeResult>(dir);
    assert.equal((await reopened.latest())?.scanId, 'scan-003');
    assert.deepEqual(
      (await reopened.history()).map((s) => s.scanId),
      ['scan-003', 'scan-002', 'scan-001'],
    );
    assert.equal((await reopened.previous())?.scanId, 'scan-002');

    await writeFile(scansPath, JSON.stringify(file));
    const saver = createScanStore<FakeResult>(dir);
    await saveScans(saver, 4, 4);
    assert.deepEqual(
      (await saver.history()).map((s) => s.scanId),
      ['scan-004', 'scan-003', 'scan-002', 'scan-001'],
    );
  });

  it('replaces a latest result the history already holds without parsing it', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir);
    await saveScans(store, 1, 2);
    const latestPath = join(dir, 'latest-scan.json');
    const text = await readFile(latestPath, 'utf8');
    assert.equal(latestHeadScanId(text), 'scan-002');
    // Its tail cut off: were it parsed, the save would be refused as STORE_CORRUPT.
    await writeFile(latestPath, text.slice(0, text.indexOf('"result"')));
    const saver = createScanStore<FakeResult>(dir);
    await saveScans(saver, 3, 3);
    assert.equal((await saver.latest())?.scanId, 'scan-003');
    assert.deepEqual(
      (await saver.history()).map((s) => s.scanId),
      ['scan-003', 'scan-002', 'scan-001'],
    );
  });

  it('names the latest scan from the head of latest-scan.json, without parsing the result', async () => {
    const dir = await freshDir();
    await saveScans(createScanStore<FakeResult>(dir), 1, 2);
    const latestPath = join(dir, 'latest-scan.json');
    const text = await readFile(latestPath, 'utf8');
    // Its tail cut off: were it parsed (as it was to list the saved scans before each snapshot
    // sweep, ~1 s at a million assets), this would be STORE_CORRUPT.
    await writeFile(latestPath, text.slice(0, text.indexOf('"result"')));
    const store = createScanStore<FakeResult>(dir);
    assert.equal(await store.latestScanId(), 'scan-002');
    await assert.rejects(store.latest(), isCode('STORE_CORRUPT'));
    // Laid out otherwise (indented): read whole, so a bad file is still reported.
    await writeFile(latestPath, JSON.stringify(JSON.parse(text), null, 2));
    assert.equal(await createScanStore<FakeResult>(dir).latestScanId(), 'scan-002');
    await writeFile(latestPath, JSON.stringify(JSON.parse(text), null, 2).slice(0, -10));
    await assert.rejects(createScanStore<FakeResult>(dir).latestScanId(), isCode('STORE_CORRUPT'));
  });

  it('parses the latest result when the history lacks it or its head is laid out otherwise', async () => {
    const dir = await freshDir();
    await saveScans(createScanStore<FakeResult>(dir), 1, 2);
    const latestPath = join(dir, 'latest-scan.json');
    const indented = JSON.stringify(JSON.parse(await readFile(latestPath, 'utf8')), null, 2);
    assert.equal(latestHeadScanId(indented), null);
    // Indented (as a hand edit or an earlier Certify left it) and cut short: it is read, and refused.
    await writeFile(latestPath, indented.slice(0, -10));
    const { result, summary } = fakeScan(3);
    await assert.rejects(createScanStore<FakeResult>(dir).save(result, summary), isCode('STORE_CORRUPT'));
    // Indented and whole, for a scan the history lacks: read, and its summary restored.
    const scansPath = join(dir, 'scans.json');
    const scansFile = JSON.parse(await readFile(scansPath, 'utf8'));
    scansFile.data.summaries = scansFile.data.summaries.slice(1);
    await writeFile(scansPath, JSON.stringify(scansFile));
    await writeFile(latestPath, indented);
    const saver = createScanStore<FakeResult>(dir);
    await saver.save(result, summary);
    assert.deepEqual(
      (await saver.history()).map((s) => s.scanId),
      ['scan-003', 'scan-002', 'scan-001'],
    );
  });

  it('refuses to save over an unreadable scans.json, writing neither file', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir);
    await saveScans(store, 1, 1);
    const scansPath = join(dir, 'scans.json');
    const latestPath = join(dir, 'latest-scan.json');
    await writeFile(scansPath, '{"kind": "certify.scans", "version": 9, "data": {}}');
    const latestBefore = await readFile(latestPath, 'utf8');

    const reopened = createScanStore<FakeResult>(dir);
    await assert.rejects(reopened.history(), isCode('STORE_VERSION'));
    await assert.rejects(reopened.previous(), isCode('STORE_VERSION'));
    assert.equal((await reopened.latest())?.scanId, 'scan-001', 'the latest result is still readable');
    const { result, summary } = fakeScan(2);
    await assert.rejects(reopened.save(result, summary), isCode('STORE_VERSION'));
    assert.equal(await readFile(latestPath, 'utf8'), latestBefore);
    assert.equal(await readFile(scansPath, 'utf8'), '{"kind": "certify.scans", "version": 9, "data": {}}');
  });

  it('refuses a hand-edited scans.json of the wrong shape', async () => {
    const dir = await freshDir();
    await writeFile(
      join(dir, 'scans.json'),
      '{"kind": "certify.scans", "version": 1, "data": {"summaries": 3}}',
    );
    const store = createScanStore<FakeResult>(dir);
    await assert.rejects(store.history(), isCode('STORE_CORRUPT', /"data.summaries" must be an array/));
  });
});

/** The behaviour shared with PostgreSQL is in test/store/contract/custom-rules.contract.test.ts. */
describe('custom rule store', () => {
  it('refuses a hand-edited file with invalid or clashing rules (STORE_CORRUPT)', async () => {
    const dir = await freshDir();
    const path = join(dir, 'custom-rules.json');
    const bytes = JSON.stringify({
      kind: 'certify.custom-rules',
      version: 1,
      data: { rules: [ruleInput('OK'), ruleInput('OK'), ruleInput('K006'), { id: 'NAMELESS' }] },
    });
    await writeFile(path, bytes);
    const store = createCustomRuleStore(dir, { builtinIds: STUB_BUILTIN_IDS, validate: validateStubRule });
    await assert.rejects(store.list(), (e: CertifyError) => {
      isCode('STORE_CORRUPT', /is not a readable certify.custom-rules file: 4 problems/)(e);
      assert.deepEqual(e.problems, [
        'data.rules[1]: repeats the id OK',
        'data.rules[2]: K006 is the id of the built-in rule K006',
        'data.rules[3] (NAMELESS): name: missing',
        'data.rules[3] (NAMELESS): condition: missing',
      ]);
      return true;
    });
    await assert.rejects(store.create(ruleInput('NEW')), isCode('STORE_CORRUPT'));
    assert.equal(await readFile(path, 'utf8'), bytes);
  });
});
