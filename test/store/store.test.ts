import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { CertifyError } from '../../base/errors.js';
import type { ErrorCode } from '../../base/errors.js';
import type { CustomRuleDef } from '../../scanner/rules/custom-types.js';
import { createCustomRuleStore } from '../../store/custom-rules.js';
import type { CustomRuleValidator } from '../../store/custom-rules.js';
import { createDocument, openDocument } from '../../store/json-file.js';
import type { DocumentOptions } from '../../store/json-file.js';
import { createScanStore, FAILING_ASSETS_CAP } from '../../store/scans.js';
import type { ScanSummary } from '../../scanner/summary.js';

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

function isCode(code: ErrorCode, text?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CertifyError, `expected a CertifyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (text) assert.match(error.message, text);
    return true;
  };
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

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(HERE, 'fixtures', 'crash-writer.ts'), path],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
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

interface FakeResult {
  scanId: string;
  now: string;
  source: string;
  score: number | null;
  rating: string | null;
  rules: { id: string; failing: string[] }[];
}

function fakeScan(
  i: number,
  failing: string[] = [`https://kv.vault.azure.net/secrets/s${i}`],
): {
  result: FakeResult;
  summary: ScanSummary;
} {
  const scanId = `scan-${String(i).padStart(3, '0')}`;
  const now = new Date(Date.UTC(2026, 10, 1 + i, 6)).toISOString();
  const result: FakeResult = {
    scanId,
    now,
    source: 'demo',
    score: 50 + i,
    rating: 'C',
    rules: [{ id: 'P001', failing }],
  };
  const summary: ScanSummary = {
    scanId,
    now,
    source: 'demo',
    score: 50 + i,
    rating: 'C',
    failingRules: ['P001'],
    frameworkScores: { cis: 60 + i, pci: null },
    assetCounts: { secrets: 10, keys: 2, resources: null },
    failingAssets: { P001: failing },
  };
  return { result, summary };
}

async function saveScans(store: ReturnType<typeof createScanStore<FakeResult>>, from: number, to: number) {
  for (let i = from; i <= to; i++) {
    const { result, summary } = fakeScan(i);
    await store.save(result, summary);
  }
}

describe('scan store', () => {
  it('is empty before the first save, and writes nothing', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir);
    assert.equal(await store.latest(), null);
    assert.equal(await store.previous(), null);
    assert.deepEqual(await store.history(), []);
    assert.deepEqual(await readdir(dir), []);
  });

  it('keeps the latest in full and a bounded history of summaries, newest first', async () => {
    const dir = await freshDir();
    const store = createScanStore<FakeResult>(dir, { limit: 5 });
    await saveScans(store, 1, 7);

    const history = await store.history();
    assert.deepEqual(
      history.map((s) => s.scanId),
      ['scan-007', 'scan-006', 'scan-005', 'scan-004', 'scan-003'],
    );
    assert.deepEqual(history[0], fakeScan(7).summary);
    assert.deepEqual(await store.latest(), fakeScan(7).result);
    assert.equal((await store.previous())?.scanId, 'scan-006');
    assert.deepEqual(
      (await store.history(2)).map((s) => s.scanId),
      ['scan-007', 'scan-006'],
    );

    const reopened = createScanStore<FakeResult>(dir, { limit: 5 });
    assert.deepEqual(await reopened.history(), history);
    assert.deepEqual(await reopened.latest(), fakeScan(7).result);
    assert.deepEqual((await readdir(dir)).sort(), ['latest-scan.json', 'scans.json']);
  });

  it('defaults to 1000 summaries', async () => {
    const store = createScanStore<FakeResult>(await freshDir());
    await saveScans(store, 1, 3);
    assert.equal((await store.history()).length, 3);
    assert.throws(() => createScanStore(dirs[0] as string, { limit: 0 }), RangeError);
  });

  it('shares the latest result read-only (no copy per call), and does not freeze the one saved', async () => {
    const store = createScanStore<FakeResult>(await freshDir());
    const { result, summary } = fakeScan(1);
    await store.save(result, summary);
    assert.ok(!Object.isFrozen(result));
    const latest = await store.latest();
    assert.ok(latest);
    assert.throws(() => latest.rules.push({ id: 'X', failing: [] }), TypeError);
    assert.equal(await store.latest(), latest, 'the same object, not a copy');
    assert.deepEqual(await store.latest(), fakeScan(1).result);
  });

  it('caps failing asset ids per rule and drops them from old summaries', async () => {
    const store = createScanStore<FakeResult>(await freshDir(), { limit: 10, detailedSummaries: 2 });
    const many = Array.from(
      { length: FAILING_ASSETS_CAP + 50 },
      (_, i) => `https://kv.vault.azure.net/keys/k${i}`,
    );
    const { result, summary } = fakeScan(1, many);
    await store.save(result, summary);
    assert.equal((await store.history())[0]?.failingAssets.P001?.length, FAILING_ASSETS_CAP);
    assert.equal((await store.latest())?.rules[0]?.failing.length, many.length, 'the full result is whole');

    await saveScans(store, 2, 4);
    const history = await store.history();
    assert.deepEqual(
      history.map((s) => Object.keys(s.failingAssets).length),
      [1, 1, 0, 0],
    );
    assert.deepEqual(history[3]?.failingRules, ['P001'], 'failing rules are kept');
  });

  it('replaces a summary saved again under the same scan id', async () => {
    const store = createScanStore<FakeResult>(await freshDir());
    await saveScans(store, 1, 2);
    const { result, summary } = fakeScan(1);
    await store.save(result, summary);
    assert.deepEqual(
      (await store.history()).map((s) => s.scanId),
      ['scan-001', 'scan-002'],
    );
    await store.save(result, summary);
    assert.deepEqual(
      (await store.history()).map((s) => s.scanId),
      ['scan-001', 'scan-002'],
      'saving the latest again keeps one entry',
    );
  });

  it('refuses a summary of another scan', async () => {
    const store = createScanStore<FakeResult>(await freshDir());
    await assert.rejects(store.save(fakeScan(1).result, fakeScan(2).summary), /does not describe/);
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

  it('sees a scan saved by another process', async () => {
    const dir = await freshDir();
    const bot = createScanStore<FakeResult>(dir);
    const cli = createScanStore<FakeResult>(dir);
    await saveScans(bot, 1, 1);
    await saveScans(cli, 2, 2);
    assert.equal((await bot.latest())?.scanId, 'scan-002');
    assert.equal((await bot.previous())?.scanId, 'scan-001');
    await saveScans(cli, 3, 3);
    assert.equal((await bot.previous())?.scanId, 'scan-002', 'without asking for the latest first');
    assert.deepEqual(
      (await bot.history()).map((s) => s.scanId),
      ['scan-003', 'scan-002', 'scan-001'],
    );
  });
});

const IDS = /^[A-Za-z][A-Za-z0-9_-]{1,39}$/;

/** Stands in for scanner/rules/custom.ts: just enough to exercise the store's own decisions. */
const validate: CustomRuleValidator = (input) => {
  if (typeof input !== 'object' || input === null)
    return { ok: false, problems: ['custom rule: must be an object'] };
  const rule = input as Partial<CustomRuleDef> & Record<string, unknown>;
  const problems: string[] = [];
  if (typeof rule.id !== 'string' || !IDS.test(rule.id))
    problems.push('id: must match ^[A-Z][A-Z0-9_-]{1,39}$');
  if (typeof rule.name !== 'string' || rule.name === '') problems.push('name: missing');
  if (rule.severity !== undefined && !['Critical', 'High', 'Medium', 'Low'].includes(rule.severity)) {
    problems.push('severity: not allowed');
  }
  if (typeof rule.condition !== 'object' || rule.condition === null) problems.push('condition: missing');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      id: rule.id as string,
      name: rule.name as string,
      description: rule.description ?? '',
      severity: rule.severity ?? 'Low',
      weight: rule.weight ?? 3,
      enabled: rule.enabled ?? true,
      condition: rule.condition as CustomRuleDef['condition'],
    },
  };
};

const BUILTINS: ReadonlySet<string> = new Set(['P001', 'K006']);

function ruleInput(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name: `rule ${id}`,
    severity: 'High',
    condition: {
      operator: 'less_than',
      asset_field: 'expires_within_days',
      asset_scope: 'secrets',
      value: 30,
    },
    ...extra,
  };
}

describe('custom rule store', () => {
  async function fresh() {
    const dir = await freshDir();
    return { dir, store: createCustomRuleStore(dir, { builtinIds: BUILTINS, validate }) };
  }

  it('creates, reads, updates, toggles and removes rules, and persists them', async () => {
    const { dir, store } = await fresh();
    assert.deepEqual(await store.list(), []);

    const created = await store.create(ruleInput('EXPIRY_30'));
    assert.equal(created.weight, 3, 'defaults come from the validator');
    await store.create(ruleInput('NO_OWNER', { severity: 'Low' }));
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      ['EXPIRY_30', 'NO_OWNER'],
    );
    assert.deepEqual(await store.get('EXPIRY_30'), created);
    assert.equal(await store.get('expiry_30'), null, 'ids are case-sensitive');

    const updated = await store.update('EXPIRY_30', {
      name: 'Expires within 14 days',
      condition: { value: 14 },
    });
    assert.equal(updated.name, 'Expires within 14 days');
    assert.deepEqual(updated.condition, {
      operator: 'less_than',
      asset_field: 'expires_within_days',
      asset_scope: 'secrets',
      value: 14,
    });
    assert.equal(updated.severity, 'High', 'fields not in the patch are kept');

    assert.equal((await store.setEnabled('NO_OWNER', false)).enabled, false);
    assert.equal((await store.get('NO_OWNER'))?.enabled, false);

    const removed = await store.remove('NO_OWNER');
    assert.equal(removed.id, 'NO_OWNER');
    assert.deepEqual(
      (await store.list()).map((r) => r.id),
      ['EXPIRY_30'],
    );

    const reopened = createCustomRuleStore(dir, { builtinIds: BUILTINS, validate });
    assert.deepEqual(await reopened.list(), [updated]);
  });

  it('hands out copies', async () => {
    const { store } = await fresh();
    await store.create(ruleInput('COPY'));
    const listed = await store.list();
    (listed[0] as CustomRuleDef).name = 'changed';
    assert.equal((await store.get('COPY'))?.name, 'rule COPY');
  });

  it('refuses to create, change, toggle or remove a built-in rule (READ_ONLY_RULE)', async () => {
    const { store } = await fresh();
    const message = 'P001 is a built-in rule and cannot be changed; create a custom rule with its own id';
    await assert.rejects(store.create(ruleInput('P001')), isCode('READ_ONLY_RULE'));
    await assert.rejects(store.create({ id: 'P001' }), (e: CertifyError) => e.message === message);
    await assert.rejects(store.create(ruleInput('p001')), (e: CertifyError) => e.message === message);
    await assert.rejects(store.update('P001', { name: 'x' }), (e: CertifyError) => e.message === message);
    await assert.rejects(
      store.setEnabled('K006', false),
      isCode('READ_ONLY_RULE', /^K006 is a built-in rule/),
    );
    await assert.rejects(store.remove('P001'), isCode('READ_ONLY_RULE'));
    assert.deepEqual(await store.list(), []);
  });

  it('refuses an id that exists, or differs from one only by case (DUPLICATE_RULE)', async () => {
    const { store } = await fresh();
    await store.create(ruleInput('DUP'));
    await assert.rejects(store.create(ruleInput('DUP')), isCode('DUPLICATE_RULE', /already exists/));
    await assert.rejects(store.create(ruleInput('Dup')), isCode('DUPLICATE_RULE', /only by case/));
    assert.equal((await store.list()).length, 1);
  });

  it('refuses an unknown id, naming the known ones (UNKNOWN_RULE)', async () => {
    const { store } = await fresh();
    await assert.rejects(store.remove('NOPE'), (e: CertifyError) => {
      isCode('UNKNOWN_RULE', /there is no custom rule NOPE/)(e);
      assert.equal(e.hint, 'there are no custom rules yet');
      return true;
    });
    await store.create(ruleInput('ALPHA'));
    await store.create(ruleInput('BETA'));
    await assert.rejects(store.update('GAMMA', { name: 'x' }), (e: CertifyError) => {
      isCode('UNKNOWN_RULE')(e);
      assert.equal(e.hint, 'custom rule ids: ALPHA, BETA');
      return true;
    });
    await assert.rejects(store.setEnabled('alpha', false), (e: CertifyError) => {
      isCode('UNKNOWN_RULE')(e);
      assert.match(e.hint ?? '', /did you mean ALPHA\?/);
      return true;
    });
  });

  it('refuses invalid rules and changes with the problems (INVALID_CUSTOM_RULE)', async () => {
    const { store } = await fresh();
    await assert.rejects(store.create({ id: 'BAD', severity: 'Huge' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE')(e);
      assert.deepEqual(e.problems, ['name: missing', 'severity: not allowed', 'condition: missing']);
      assert.equal(e.exitCode, 2);
      return true;
    });
    await assert.rejects(store.create('nope'), isCode('INVALID_CUSTOM_RULE'));

    await store.create(ruleInput('GOOD'));
    const before = await store.get('GOOD');
    await assert.rejects(store.update('GOOD', { severity: 'Huge' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE', /custom rule GOOD is invalid/)(e);
      assert.deepEqual(e.problems, ['severity: not allowed']);
      return true;
    });
    await assert.rejects(store.update('GOOD', { id: 'OTHER' }), (e: CertifyError) => {
      isCode('INVALID_CUSTOM_RULE')(e);
      assert.match(e.problems[0] ?? '', /^id: cannot be changed/);
      return true;
    });
    await assert.rejects(store.update('GOOD', ['name']), isCode('INVALID_CUSTOM_RULE'));
    assert.deepEqual(await store.get('GOOD'), before, 'nothing changed');
  });

  it('refuses a hand-edited file with invalid or clashing rules (STORE_CORRUPT)', async () => {
    const dir = await freshDir();
    const path = join(dir, 'custom-rules.json');
    const bytes = JSON.stringify({
      kind: 'certify.custom-rules',
      version: 1,
      data: { rules: [ruleInput('OK'), ruleInput('OK'), ruleInput('K006'), { id: 'NAMELESS' }] },
    });
    await writeFile(path, bytes);
    const store = createCustomRuleStore(dir, { builtinIds: BUILTINS, validate });
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
