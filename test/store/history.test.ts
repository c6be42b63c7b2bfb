/**
 * A thousand saved scans: the embedded store keeps them all by default, scans.json stays small
 * (only the newest `detailedSummaries` keep failing asset ids), and the history service reads
 * the trend from it through the port.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { readEnv } from '../../app/config.js';
import type { ScanSummary } from '../../scanner/summary.js';
import { createHistoryService, DEFAULT_TREND_LIMIT } from '../../services/history.js';
import {
  createScanStore,
  DEFAULT_DETAILED_SUMMARIES,
  DEFAULT_HISTORY_LIMIT,
  SCANS_FILE,
  type ScanResultHead,
} from '../../store/scans.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-history-'));
  dirs.push(d);
  return d;
};

const SCANS = 1005;
/** 12 failing rules of 10 ids each: the ids are most of a detailed summary. */
const FAILING_RULES = Array.from({ length: 12 }, (_, r) => `R${String(r).padStart(3, '0')}`);

function saved(i: number): { result: ScanResultHead; summary: ScanSummary } {
  const scanId = `scan-${String(i).padStart(5, '0')}`;
  const now = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString();
  // Every 10th scan, R000 stops failing, and R999 fails for that scan only.
  const failingRules = i % 10 === 0 ? [...FAILING_RULES.slice(1), 'R999'] : FAILING_RULES;
  const score = 40 + (i % 10);
  const summary: ScanSummary = {
    scanId,
    now,
    source: 'demo',
    score,
    rating: 'Weak',
    failingRules,
    frameworkScores: { pci: score - 5 },
    assetCounts: { secrets: 1000, keys: 100, certificates: 50, vaults: 10 },
    failingAssets: Object.fromEntries(
      failingRules.map((r) => [
        r,
        Array.from({ length: 10 }, (_, k) => `https://kv-${k % 7}.vault.azure.net/secrets/${r}-${k}`),
      ]),
    ),
  };
  return { result: { scanId, now, source: 'demo', score, rating: 'Weak' }, summary };
}

describe('history of 1,000 scans in the embedded store', () => {
  const dir = temp();
  const store = createScanStore<ScanResultHead>(dir);

  it('keeps 1,000 summaries by default, and CERTIFY_HISTORY_LIMIT defaults to the same', async () => {
    assert.equal(DEFAULT_HISTORY_LIMIT, 1000);
    assert.equal(DEFAULT_TREND_LIMIT, 1000);
    assert.equal(readEnv({}, '/tmp').historyLimit, DEFAULT_HISTORY_LIMIT);
    for (let i = 0; i < SCANS; i++) {
      const { result, summary } = saved(i);
      await store.save(result, summary);
    }
    const all = await store.history();
    assert.equal(all.length, 1000);
    assert.equal(all[0]?.scanId, saved(SCANS - 1).summary.scanId, 'newest first');
    assert.equal(all[999]?.scanId, saved(SCANS - 1000).summary.scanId, 'the oldest five went');
  });

  it('keeps failing asset ids only in the newest summaries, so scans.json stays small', async () => {
    const all = await store.history();
    const detailed = all.filter((s) => Object.keys(s.failingAssets).length > 0).length;
    assert.equal(detailed, DEFAULT_DETAILED_SUMMARIES);
    assert.ok(
      all.every((s) => s.failingRules.length >= 12),
      'failing rules are kept in every summary',
    );
    const bytes = statSync(join(dir, SCANS_FILE)).size;
    // Every summary with its ids would take ten times as much.
    assert.ok(bytes < 1024 * 1024, `scans.json: ${bytes} bytes for 1,000 summaries`);
    assert.ok(bytes * 5 < 1000 * JSON.stringify(all[0]).length);
  });

  it('the service gives 1,000 points, newest first, each with its change and rule changes', async () => {
    const trend = await createHistoryService({ scans: store }).history();
    assert.equal(trend.points.length, 1000);
    const [latest, previous] = trend.points;
    // The newest is scan 1004 (score 44), the one before it scan 1003 (43).
    assert.equal(latest?.change, 1);
    assert.deepEqual(latest?.previous, {
      scanId: previous!.scanId,
      at: previous!.at,
      score: previous!.score,
    });
    const stepOnto10 = trend.points.find((p) => p.scanId === 'scan-01000')!;
    assert.deepEqual(stepOnto10.startedFailing, ['R999']);
    assert.deepEqual(stepOnto10.stoppedFailing, ['R000']);
    assert.equal(stepOnto10.change, -9);
    const stepOff10 = trend.points.find((p) => p.scanId === 'scan-01001')!;
    assert.deepEqual(stepOff10.startedFailing, ['R000']);
    assert.deepEqual(stepOff10.stoppedFailing, ['R999']);
    // The oldest kept has no scan before it in the store.
    assert.equal(trend.points[999]?.previous, null);
    assert.equal(trend.points[999]?.change, null);
  });

  it('a limit reads one summary more, so the oldest point shown still has its change', async () => {
    const asked: (number | undefined)[] = [];
    const service = createHistoryService({
      scans: {
        history: async (limit) => {
          asked.push(limit);
          return store.history(limit);
        },
      },
    });
    const trend = await service.history({ framework: 'pci', limit: 3 });
    assert.deepEqual(asked, [4]);
    assert.equal(trend.points.length, 3);
    assert.equal(trend.points[2]?.change, 1);
    assert.equal(trend.points[0]?.score, 39);
    assert.equal(trend.points[0]?.rating, 'Weak');
  });

  it('refuses an unknown framework or a bad limit before reading the store', async () => {
    let reads = 0;
    const service = createHistoryService({
      scans: {
        history: () => {
          reads++;
          return [];
        },
      },
    });
    await assert.rejects(service.history({ framework: 'gdpr' }), /unknown framework "gdpr"/);
    await assert.rejects(service.history({ limit: 0 }), /whole number ≥ 1/);
    assert.equal(reads, 0);
    assert.deepEqual((await service.history()).points, []);
  });
});
