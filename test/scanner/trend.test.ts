/**
 * The trend over saved scans' summaries (scanner/trend.ts), as tables: valid histories and the
 * trend they give, then invalid options and the error each one is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { CertifyError } from '../../base/errors.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import type { ScanSummary } from '../../scanner/summary.js';
import { checkTrendOptions, trendOf, type TrendOptions, type TrendPoint } from '../../scanner/trend.js';

/** A summary, newest-first position `i` of a history; only what the trend reads matters. */
function summary(
  i: number,
  score: number | null,
  failingRules: string[],
  frameworkScores: Record<string, number | null> = {},
): ScanSummary {
  const day = String(30 - i).padStart(2, '0');
  return {
    scanId: `scan-${i}`,
    now: `2026-11-${day}T06:00:00.000Z`,
    source: 'demo',
    score,
    rating: null,
    failingRules,
    frameworkScores,
    assetCounts: {},
    failingAssets: {},
  };
}

const PCI = findFramework('pci');
const pciCited = new Set(PCI.controls.flatMap((c) => c.citations.map((x) => x.rule)));
const CITED = [...pciCited].sort()[0]!;
const CITED_2 = [...pciCited].sort()[1]!;
const NOT_CITED = 'CUSTOM-1';

type Expected = Pick<TrendPoint, 'scanId' | 'score' | 'rating' | 'change'> & {
  previousScanId: string | null;
} & Partial<Pick<TrendPoint, 'startedFailing' | 'stoppedFailing'>>;

const valid: { name: string; history: ScanSummary[]; options?: TrendOptions; expected: Expected[] }[] = [
  { name: 'no saved scan: no points', history: [], expected: [] },
  {
    name: 'one scan: no change, nothing started or stopped (there is nothing to compare with)',
    history: [summary(0, 72.5, ['P001'])],
    expected: [
      {
        scanId: 'scan-0',
        score: 72.5,
        rating: 'Significant gaps',
        change: null,
        previousScanId: null,
        startedFailing: [],
        stoppedFailing: [],
      },
    ],
  },
  {
    name: 'a rise and a fall, one decimal; rules that started and stopped failing at each step',
    history: [summary(0, 90, ['P002']), summary(1, 74.9, ['P001', 'P002']), summary(2, 80.1, ['P001'])],
    expected: [
      {
        scanId: 'scan-0',
        score: 90,
        rating: 'Strong',
        change: 15.1,
        previousScanId: 'scan-1',
        startedFailing: [],
        stoppedFailing: ['P001'],
      },
      {
        scanId: 'scan-1',
        score: 74.9,
        rating: 'Significant gaps',
        change: -5.2,
        previousScanId: 'scan-2',
        startedFailing: ['P002'],
        stoppedFailing: [],
      },
      {
        scanId: 'scan-2',
        score: 80.1,
        rating: 'Healthy',
        change: null,
        previousScanId: null,
        startedFailing: [],
        stoppedFailing: [],
      },
    ],
  },
  {
    name: 'the rating bands of the spec: 90 Strong, 75 Healthy, 50 Significant gaps, below Weak',
    history: [summary(0, 49.9, []), summary(1, 50, []), summary(2, 75, []), summary(3, 89.9, [])],
    expected: [
      { scanId: 'scan-0', score: 49.9, rating: 'Weak', change: -0.1, previousScanId: 'scan-1' },
      { scanId: 'scan-1', score: 50, rating: 'Significant gaps', change: -25, previousScanId: 'scan-2' },
      { scanId: 'scan-2', score: 75, rating: 'Healthy', change: -14.9, previousScanId: 'scan-3' },
      { scanId: 'scan-3', score: 89.9, rating: 'Healthy', change: null, previousScanId: null },
    ],
  },
  {
    name: 'a scan without a score (nothing applied) has no rating and no change on either side',
    history: [summary(0, 60, []), summary(1, null, []), summary(2, 70, [])],
    expected: [
      { scanId: 'scan-0', score: 60, rating: 'Significant gaps', change: null, previousScanId: 'scan-1' },
      { scanId: 'scan-1', score: null, rating: null, change: null, previousScanId: 'scan-2' },
      { scanId: 'scan-2', score: 70, rating: 'Significant gaps', change: null, previousScanId: null },
    ],
  },
  {
    name: 'limit: the newest N, the oldest shown still compared with the one after it',
    history: [summary(0, 80, ['P001']), summary(1, 78, []), summary(2, 10, ['P003'])],
    options: { limit: 2 },
    expected: [
      {
        scanId: 'scan-0',
        score: 80,
        rating: 'Healthy',
        change: 2,
        previousScanId: 'scan-1',
        startedFailing: ['P001'],
        stoppedFailing: [],
      },
      {
        scanId: 'scan-1',
        score: 78,
        rating: 'Healthy',
        change: 68,
        previousScanId: 'scan-2',
        startedFailing: [],
        stoppedFailing: ['P003'],
      },
    ],
  },
  {
    name: "a framework: its score and rating by the same bands, only the rules it cites (alias 'PCI-DSS')",
    history: [summary(0, 10, [CITED, NOT_CITED], { pci: 91.2 }), summary(1, 20, [CITED_2], { pci: 74.9 })],
    options: { framework: 'PCI-DSS' },
    expected: [
      {
        scanId: 'scan-0',
        score: 91.2,
        rating: 'Strong',
        change: 16.3,
        previousScanId: 'scan-1',
        startedFailing: [CITED],
        stoppedFailing: [CITED_2],
      },
      {
        scanId: 'scan-1',
        score: 74.9,
        rating: 'Significant gaps',
        change: null,
        previousScanId: null,
        startedFailing: [],
        stoppedFailing: [],
      },
    ],
  },
  {
    name: 'a framework a summary has no score for (saved before it existed): no score there',
    history: [summary(0, 10, [], { pci: 40 }), summary(1, 20, [], {})],
    options: { framework: 'pci' },
    expected: [
      { scanId: 'scan-0', score: 40, rating: 'Weak', change: null, previousScanId: 'scan-1' },
      { scanId: 'scan-1', score: null, rating: null, change: null, previousScanId: null },
    ],
  },
];

describe('trendOf: valid histories', () => {
  for (const row of valid) {
    it(row.name, () => {
      const trend = trendOf(row.history, row.options);
      assert.equal(trend.points.length, row.expected.length);
      row.expected.forEach((want, i) => {
        const got = trend.points[i]!;
        const flat = { ...got, previousScanId: got.previous?.scanId ?? null };
        const picked = Object.fromEntries(Object.keys(want).map((k) => [k, flat[k as keyof typeof flat]]));
        assert.deepEqual(picked, want, `point ${i}`);
        assert.equal(got.at, row.history[i]!.now);
        assert.equal(got.source, 'demo');
      });
    });
  }

  it('names the framework, or none for the overall score', () => {
    assert.deepEqual(trendOf([], { framework: 'pci' }).framework, {
      id: 'pci',
      name: PCI.name,
      shortName: PCI.shortName,
    });
    assert.equal(trendOf([]).framework, null);
  });

  it('names the scan each point is compared with, its time and its score (of the framework)', () => {
    const history = [summary(0, 80, [], { pci: 70 }), summary(1, 78, [], { pci: null })];
    const [latest, first] = trendOf(history, { framework: 'pci', limit: 1 }).points.concat(
      trendOf(history).points.slice(1),
    );
    assert.deepEqual(latest?.previous, { scanId: 'scan-1', at: history[1]!.now, score: null });
    assert.equal(first?.previous, null);
  });

  it('keeps every framework score of a scan, as saved', () => {
    const [point] = trendOf([summary(0, 50, [], { pci: 40, soc2: null })]).points;
    assert.deepEqual(point?.frameworkScores, { pci: 40, soc2: null });
  });
});

const invalid: { name: string; options: TrendOptions; code: string; message: RegExp; hint?: RegExp }[] = [
  {
    name: 'an unknown framework names the known ones',
    options: { framework: 'gdpr' },
    code: 'UNKNOWN_FRAMEWORK',
    message: /unknown framework "gdpr"/,
    hint: /known frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb/,
  },
  {
    name: 'a near miss also suggests the closest',
    options: { framework: 'pcii' },
    code: 'UNKNOWN_FRAMEWORK',
    message: /unknown framework "pcii"/,
    hint: /did you mean "pci"\?/,
  },
  { name: 'limit 0', options: { limit: 0 }, code: 'BAD_USAGE', message: /whole number ≥ 1, not 0/ },
  { name: 'a fractional limit', options: { limit: 2.5 }, code: 'BAD_USAGE', message: /not 2\.5/ },
  { name: 'a negative limit', options: { limit: -1 }, code: 'BAD_USAGE', message: /not -1/ },
  { name: 'NaN', options: { limit: Number.NaN }, code: 'BAD_USAGE', message: /not NaN/ },
];

describe('trendOf: invalid options', () => {
  for (const row of invalid) {
    it(`${row.name} → ${row.code}`, () => {
      for (const call of [
        () => trendOf([summary(0, 1, [])], row.options),
        () => checkTrendOptions(row.options),
      ]) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof CertifyError);
          assert.equal(e.code, row.code);
          assert.match(e.message, row.message);
          if (row.hint) assert.match(e.hint ?? '', row.hint);
          assert.equal(e.exitCode, 2);
          return true;
        });
      }
    });
  }
});

describe('trendOf at scale', () => {
  it('1,000 summaries with rules changing at every step: each change found once', () => {
    const history = Array.from({ length: 1000 }, (_, i) =>
      summary(i, 50 + (i % 10), [`R${i % 7}`, `R${(i + 1) % 7}`, 'R-ALWAYS']),
    );
    const { points } = trendOf(history);
    assert.equal(points.length, 1000);
    for (const p of points.slice(0, 999)) {
      assert.equal(p.startedFailing.length, 1);
      assert.equal(p.stoppedFailing.length, 1);
      assert.ok(!p.startedFailing.includes('R-ALWAYS'));
    }
  });
});
