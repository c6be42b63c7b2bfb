/** Trend views for the renderer tests: a long busy history, a first scan, a framework without scores. */
import { DISCLAIMER } from '../../base/present.js';
import type { TrendView } from '../../cards/views.js';

const id = (n: number) => `KV-${String(n).padStart(3, '0')}`;
const rule = (n: number) => ({
  id: id(n),
  name: `Rule number ${n}: keys in production vaults rotate within policy`,
});
const at = (daysAgo: number) => new Date(Date.UTC(2026, 10, 29, 9, 14) - daysAgo * 86_400_000).toISOString();

/** 1,000 saved scans, 40 rows given (a terminal's view, cut by the cards), busy rule changes. */
export const busyTrend: TrendView = {
  kind: 'trend',
  title: 'Score trend',
  score: 61.25,
  rating: 'Significant gaps',
  tone: 'warning',
  trend: { previous: 58.75, delta: 2.5, previousAt: at(1) },
  latest: { scanId: 'scan-20261129T091400Z-0a1b2c3d', at: at(0), source: 'azure (3 subscriptions)' },
  scans: 1000,
  sparkline: { bars: '▁▂▃▄▅▆▇█▇▆▅▄▃▂▁▂▃▄▅▆', count: 20, from: at(19), to: at(0), low: 40.5, high: 61.25 },
  startedFailing: Array.from({ length: 30 }, (_, i) => rule(i + 1)),
  stoppedFailing: Array.from({ length: 12 }, (_, i) => rule(i + 101)),
  rows: Array.from({ length: 40 }, (_, i) => ({
    scanId: `scan-${i}`,
    at: at(i),
    score: 61.25 - i / 2,
    rating: i < 20 ? 'Significant gaps' : 'Weak',
    change: i === 39 ? null : i % 3 === 0 ? 0.5 : -1.25,
    startedFailing: Array.from({ length: i % 4 === 0 ? 15 : 1 }, (_, k) => id(200 + i + k)),
    stoppedFailing: i % 5 === 0 ? [id(300 + i)] : [],
  })),
  moreRows: 960,
  disclaimer: DISCLAIMER,
  actions: [
    { verb: 'trend.refresh', title: 'Refresh', data: {} },
    { verb: 'score.show', title: 'Score', data: {} },
  ],
};

/** The first saved scan: nothing to compare with. */
export const firstTrend: TrendView = {
  ...busyTrend,
  score: 92,
  rating: 'Strong',
  tone: 'good',
  trend: null,
  scans: 1,
  sparkline: { bars: '▄', count: 1, from: at(0), to: at(0), low: 92, high: 92 },
  startedFailing: [],
  stoppedFailing: [],
  rows: [
    {
      scanId: 'scan-0',
      at: at(0),
      score: 92,
      rating: 'Strong',
      change: null,
      startedFailing: [],
      stoppedFailing: [],
    },
  ],
  moreRows: 0,
};

/** A framework nothing applied to at the latest scan, and no rule changed. */
export const unscoredFrameworkTrend: TrendView = {
  ...firstTrend,
  title: 'PCI DSS v4.0.1 trend',
  score: null,
  rating: null,
  tone: 'neutral',
  trend: { previous: 40, delta: null, previousAt: at(1) },
  scans: 2,
  sparkline: { bars: '▄·', count: 2, from: at(1), to: at(0), low: 40, high: 40 },
  rows: [
    { ...firstTrend.rows[0]!, score: null, rating: null },
    { ...firstTrend.rows[0]!, scanId: 'scan-1', at: at(1), score: 40, rating: 'Weak' },
  ],
  actions: [
    { verb: 'trend.refresh', title: 'Refresh', data: { framework: 'pci' } },
    { verb: 'score.show', title: 'PCI DSS score', data: { framework: 'pci' } },
  ],
};

export const trendViews: [string, TrendView][] = [
  ['trend (1,000 scans, busy)', busyTrend],
  ['trend (first scan)', firstTrend],
  ['trend (framework without a score)', unscoredFrameworkTrend],
];
