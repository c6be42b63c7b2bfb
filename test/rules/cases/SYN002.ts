import type { RuleCase } from '../case.js';
import type { SyncRecord, SyncRun } from '../../../scanner/inventory/types.js';
import { NOW, inventory, syncRecord } from '../../support/builders.js';

// SYN002: population = runs (of every sync record) with `at` in (now − 24 h, now];
// ratio = succeeded / all; pass when ≥ 0.90; failing = ids of the records having a
// non-succeeded run in the window, each once, in inventory order. Needs syncRecords only.

const HOUR = 3_600_000;
const at = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
const run = (msFromNow: number, status: SyncRun['status'] = 'succeeded'): SyncRun => ({
  at: at(msFromNow),
  status,
  sourceHash: 'sha256:aa',
  targetHash: status === 'succeeded' ? 'sha256:aa' : null,
});
const rec = (id: string, runs: SyncRun[], active = true): SyncRecord => syncRecord(id, { runs, active });
const ok = (n: number, hoursAgo = 1): SyncRun[] =>
  Array.from({ length: n }, (_, i) => run(-(hoursAgo + i) * HOUR));
const T = 0.9;

const cases: RuleCase[] = [
  {
    name: 'syncRecords not collected → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no sync records (collected, none) → not_applicable',
    inventory: inventory({ syncRecords: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'records without runs → not_applicable (no run in the window)',
    inventory: inventory({ syncRecords: [rec('s1', []), rec('s2', [])] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only failed runs outside the window (exactly 24 h ago, older, future) → not_applicable',
    inventory: inventory({
      syncRecords: [rec('s1', [run(-24 * HOUR, 'failed'), run(-48 * HOUR, 'failed'), run(1, 'failed')])],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'all runs in the window succeeded → pass, ratio 1',
    inventory: inventory({ syncRecords: [rec('s1', ok(3)), rec('s2', ok(2))] }),
    expect: { status: 'pass', evaluated: 5, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: '9 of 10 succeeded = 0.9 exactly at the threshold → pass, the record with the failure listed',
    inventory: inventory({
      syncRecords: [rec('s1', ok(5)), rec('s2', [...ok(4), run(-2 * HOUR, 'failed')])],
    }),
    expect: { status: 'pass', evaluated: 10, failing: ['s2'], metric: { value: 0.9, threshold: T } },
  },
  {
    name: '8 of 10 succeeded = 0.8 → fail; a record with two failed runs listed once',
    inventory: inventory({
      syncRecords: [
        rec('s1', [run(-3 * HOUR, 'failed'), ...ok(3), run(-20 * HOUR, 'failed')]),
        rec('s2', ok(5)),
      ],
    }),
    expect: { status: 'fail', evaluated: 10, failing: ['s1'], metric: { value: 0.8, threshold: T } },
  },
  {
    name: '8 of 10 with failures on two records → fail, both in inventory order',
    inventory: inventory({
      syncRecords: [
        rec('s-z', [...ok(4), run(-5 * HOUR, 'failed')]),
        rec('s-ok', ok(1)),
        rec('s-a', [run(-23 * HOUR, 'failed'), ...ok(3)]),
      ],
    }),
    expect: { status: 'fail', evaluated: 10, failing: ['s-z', 's-a'], metric: { value: 0.8, threshold: T } },
  },
  {
    name: 'failed run exactly 24 h ago is outside, 24 h − 1 ms is inside',
    inventory: inventory({
      syncRecords: [rec('s-edge', [run(-24 * HOUR, 'failed')]), rec('s-in', [run(-24 * HOUR + 1, 'failed')])],
    }),
    expect: { status: 'fail', evaluated: 1, failing: ['s-in'], metric: { value: 0, threshold: T } },
  },
  {
    name: 'failed run exactly now is inside; a future failed run is outside',
    inventory: inventory({
      syncRecords: [rec('s-future', [run(1, 'failed'), run(-HOUR)]), rec('s-now', [run(0, 'failed')])],
    }),
    expect: { status: 'fail', evaluated: 2, failing: ['s-now'], metric: { value: 0.5, threshold: T } },
  },
  {
    name: 'runs of inactive records are runs too (the population is runs, not active records)',
    inventory: inventory({
      syncRecords: [rec('s-off', [run(-HOUR, 'failed')], false), rec('s-on', ok(1))],
    }),
    expect: { status: 'fail', evaluated: 2, failing: ['s-off'], metric: { value: 0.5, threshold: T } },
  },
];

export default cases;
