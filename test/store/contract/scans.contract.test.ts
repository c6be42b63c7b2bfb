/**
 * The ScanStore port (store/scans.ts), held to one behaviour over every kind of store: the
 * embedded store's tests (test/store/store.test.ts, history.test.ts) as far as they are
 * behaviour, and what replicas saving at once must see.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { ScanSummary } from '../../../scanner/summary.js';
import { createPgScanStore } from '../../../store/pg/scans.js';
import {
  createScanStore,
  DEFAULT_DETAILED_SUMMARIES,
  FAILING_ASSETS_CAP,
  type ScanStoreOptions,
} from '../../../store/scans.js';
import { fakeScan, saveScans, type FakeResult } from '../../support/store-fixtures.js';
import { byKind, STORE_KINDS } from './harness.js';

const openScans = byKind({
  embedded: (dir, options?: ScanStoreOptions) => createScanStore<FakeResult>(dir, options),
  postgres: (pool, options?: ScanStoreOptions) => createPgScanStore<FakeResult>(pool, options),
});

type Store = ReturnType<typeof openScans>;

const ids = (summaries: readonly ScanSummary[]) => summaries.map((s) => s.scanId);

describe.each(STORE_KINDS)('scan store ($name)', (kind) => {
  it('is empty before the first save', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    assert.equal(await store.latest(), null);
    assert.equal(await store.latestScanId(), null);
    assert.equal(await store.previous(), null);
    assert.deepEqual(await store.history(), []);
    assert.deepEqual(await store.history(3), []);
  });

  it('keeps the latest in full and a bounded history of summaries, newest first', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!, { limit: 5 });
    await saveScans(store, 1, 7);

    const history = await store.history();
    assert.deepEqual(ids(history), ['scan-007', 'scan-006', 'scan-005', 'scan-004', 'scan-003']);
    assert.deepEqual(history[0], fakeScan(7).summary);
    assert.deepEqual(await store.latest(), fakeScan(7).result);
    assert.equal(await store.latestScanId(), 'scan-007');
    assert.deepEqual(await store.previous(), fakeScan(6).summary);
    assert.deepEqual(ids(await store.history(2)), ['scan-007', 'scan-006']);
    assert.deepEqual(ids(await store.history(50)), ids(history), 'never more than were kept');
    assert.deepEqual(await store.history(0), []);

    const reopened = openScans(replica!, { limit: 5 });
    assert.deepEqual(await reopened.history(), history);
    assert.deepEqual(await reopened.latest(), fakeScan(7).result);
  });

  it('gives back each summary exactly as saved: values, nulls, and the order of every list and key', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    const summary: ScanSummary = {
      scanId: '20261123T060000Z-a1b2',
      now: '2026-11-23T06:00:00Z',
      source: 'azure',
      score: 73.3,
      rating: 'Significant gaps',
      // K002 fails with no asset listed (a metric under its threshold); S007 passes its metric
      // with some assets failing; V001 has an empty list. Order is the scan's rule order.
      failingRules: ['V001', 'K002', 'C010', 'A003'],
      frameworkScores: { pci: 61.7, cis: 80, asb: null, nist: 0, soc2: 99.9, iso27001: 33.3, hipaa: 50 },
      assetCounts: {
        vaults: 3,
        secrets: 1200,
        keys: 40,
        certificates: 12,
        resources: null,
        appRegistrations: 0,
      },
      failingAssets: {
        V001: [],
        S007: ['https://kv-a.vault.azure.net/secrets/x', 'https://kv-a.vault.azure.net/secrets/ÿ ✓'],
        C010: ['https://kv-b.vault.azure.net/certificates/tls'],
        A003: ['app:00000000-0000-0000-0000-000000000001'],
      },
    };
    const result = { scanId: summary.scanId, now: summary.now, source: 'azure', score: 73.3, rating: null };
    await store.save({ ...result, rules: [] }, summary);
    const [saved] = await store.history();
    assert.equal(JSON.stringify(saved), JSON.stringify(summary));
    assert.equal(
      JSON.stringify(await openScans(replica!).latest()),
      JSON.stringify({ ...result, rules: [] }),
    );
  });

  it('keeps 1,000 summaries by default', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!, { detailedSummaries: 0 });
    for (let i = 0; i < 1003; i++) {
      const { result, summary } = fakeScan(i);
      await store.save(result, summary);
    }
    const all = await store.history();
    assert.equal(all.length, 1000);
    assert.equal(all[0]?.scanId, 'scan-1002');
    assert.equal(all[999]?.scanId, 'scan-003');
    assert.equal((await store.history(1000)).length, 1000);
  });

  it('refuses bad bounds', async () => {
    const [replica] = await kind.open();
    for (const options of [{ limit: 0 }, { limit: 1.5 }, { detailedSummaries: -1 }]) {
      assert.throws(() => openScans(replica!, options), RangeError);
    }
    const store = openScans(replica!);
    await assert.rejects(store.history(-1), RangeError);
    await assert.rejects(store.history(2.5), RangeError);
  });

  it('shares the latest result read-only, and does not freeze the one saved', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    const { result, summary } = fakeScan(1);
    await store.save(result, summary);
    assert.ok(!Object.isFrozen(result));
    const latest = await store.latest();
    assert.ok(latest);
    assert.throws(() => latest.rules.push({ id: 'X', failing: [] }), TypeError);
    assert.equal(await store.latest(), latest, 'the same object until another scan is saved');
    assert.deepEqual(latest, fakeScan(1).result);
  });

  it('caps failing asset ids per rule and drops them from old summaries, keeping the rest', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!, { limit: 10, detailedSummaries: 2 });
    const many = Array.from(
      { length: FAILING_ASSETS_CAP + 50 },
      (_, i) => `https://kv.vault.azure.net/keys/k${i}`,
    );
    const { result, summary } = fakeScan(1, many);
    await store.save(result, summary);
    assert.equal((await store.history())[0]?.failingAssets.P001?.length, FAILING_ASSETS_CAP);
    assert.deepEqual((await store.history())[0]?.failingAssets.P001, many.slice(0, FAILING_ASSETS_CAP));
    assert.equal((await store.latest())?.rules[0]?.failing.length, many.length, 'the full result is whole');

    await saveScans(store, 2, 4);
    const history = await store.history();
    assert.deepEqual(
      history.map((s) => Object.keys(s.failingAssets).length),
      [1, 1, 0, 0],
    );
    assert.deepEqual(history[1], fakeScan(3).summary);
    assert.deepEqual(history[3], { ...fakeScan(1).summary, failingAssets: {} }, 'all but the ids are kept');
    assert.deepEqual(await store.previous(), fakeScan(3).summary);
  });

  it(`keeps failing ids in the newest ${DEFAULT_DETAILED_SUMMARIES} summaries by default`, async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    await saveScans(store, 1, DEFAULT_DETAILED_SUMMARIES + 3);
    const detailed = (await store.history()).map((s) => Object.keys(s.failingAssets).length > 0);
    assert.deepEqual(detailed, [
      ...Array<boolean>(DEFAULT_DETAILED_SUMMARIES).fill(true),
      ...Array<boolean>(3).fill(false),
    ]);
  });

  it('moves a scan saved again under its id to the front, replacing it', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    await saveScans(store, 1, 2);
    const { result, summary } = fakeScan(1);
    const changed = { ...summary, score: 99, failingRules: [], failingAssets: {} };
    await store.save({ ...result, score: 99 }, changed);
    assert.deepEqual(ids(await store.history()), ['scan-001', 'scan-002']);
    assert.deepEqual((await store.history())[0], changed);
    assert.deepEqual(await store.latest(), { ...result, score: 99 });
    await store.save(result, summary);
    assert.deepEqual(
      ids(await store.history()),
      ['scan-001', 'scan-002'],
      'saving the latest again keeps one entry',
    );
    assert.deepEqual((await store.history())[0], summary);
  });

  it('refuses a summary of another scan, and saves nothing', async () => {
    const [replica] = await kind.open();
    const store = openScans(replica!);
    await assert.rejects(store.save(fakeScan(1).result, fakeScan(2).summary), /does not describe/);
    assert.deepEqual(await store.history(), []);
    assert.equal(await store.latest(), null);
  });

  it('sees a scan saved by another replica', async () => {
    const [a, b] = await kind.open(2);
    const bot = openScans(a!);
    const cli = openScans(b!);
    await saveScans(bot, 1, 1);
    assert.deepEqual(await bot.latest(), fakeScan(1).result);
    await saveScans(cli, 2, 2);
    assert.deepEqual(await bot.latest(), fakeScan(2).result, 'not the result it read before');
    assert.equal((await bot.previous())?.scanId, 'scan-001');
    await saveScans(cli, 3, 3);
    assert.equal((await bot.previous())?.scanId, 'scan-002', 'without asking for the latest first');
    assert.deepEqual(ids(await bot.history()), ['scan-003', 'scan-002', 'scan-001']);
  });

  it('keeps every scan two replicas save at once, in one order both see', async () => {
    const [a, b] = await kind.open(2);
    const one = openScans(a!, { detailedSummaries: 50 });
    const two = openScans(b!, { detailedSummaries: 50 });
    const saves = (store: Store, from: number) =>
      (async () => {
        for (let i = from; i < from + 10; i++) await store.save(fakeScan(i).result, fakeScan(i).summary);
      })();
    await Promise.all([saves(one, 100), saves(two, 200)]);

    const seen = await one.history();
    assert.deepEqual(await two.history(), seen, 'both replicas see one order');
    assert.equal(seen.length, 20);
    for (const s of seen) assert.deepEqual(s, fakeScan(Number(s.scanId.slice(5))).summary);
    // Each replica's scans keep the order it saved them in.
    const byOne = ids(seen).filter((id) => id < 'scan-200');
    const byTwo = ids(seen).filter((id) => id >= 'scan-200');
    assert.deepEqual(byOne, [...byOne].sort().reverse());
    assert.deepEqual(byTwo, [...byTwo].sort().reverse());
    for (const store of [one, two]) {
      assert.equal(
        (await store.latest())?.scanId,
        seen[0]?.scanId,
        'the latest result is the newest summary',
      );
      assert.equal((await store.previous())?.scanId, seen[1]?.scanId);
    }
  });

  it('keeps one entry when two replicas save one scan at once', async () => {
    const [a, b] = await kind.open(2);
    await saveScans(openScans(a!), 1, 1);
    const { result, summary } = fakeScan(2);
    await Promise.all([openScans(a!).save(result, summary), openScans(b!).save(result, summary)]);
    assert.deepEqual(ids(await openScans(b!).history()), ['scan-002', 'scan-001']);
    assert.deepEqual(await openScans(b!).latest(), result);
  });

  it('never shows a reader a part of a scan being saved', async () => {
    const [a, b] = await kind.open(2);
    const writer = openScans(a!, { detailedSummaries: 50 });
    const reader = openScans(b!, { detailedSummaries: 50 });
    const scan = (i: number) =>
      fakeScan(
        i,
        Array.from({ length: 300 }, (_, k) => `https://kv.vault.azure.net/secrets/s${i}-${k}`),
      );
    const number = (scanId: string) => Number(scanId.slice(5));
    let done = false;
    const writing = (async () => {
      try {
        for (let i = 1; i <= 15; i++) await writer.save(scan(i).result, scan(i).summary);
      } finally {
        done = true;
      }
    })();
    let reads = 0;
    try {
      while (!done) {
        const [history, latest] = await Promise.all([reader.history(), reader.latest()]);
        for (const s of history) assert.deepEqual(s, scan(number(s.scanId)).summary);
        if (latest !== null) assert.deepEqual(latest, scan(number(latest.scanId)).result);
        reads++;
      }
    } finally {
      await writing;
    }
    assert.ok(reads > 0);
    assert.equal((await reader.history()).length, 15);
  });
});
