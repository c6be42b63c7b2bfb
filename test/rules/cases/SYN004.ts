import type { RuleCase } from '../case.js';
import type { SyncRecord, SyncRun } from '../../../scanner/inventory/types.js';
import { NOW, inventory, syncRecord } from '../../support/builders.js';

// SYN004: population = runs (of every sync record) with `at` in (now − 24 h, now]; fails when
// any has status failed; failing = the ids of the records with such a run, each once, in
// inventory order. List rule: metric null. Needs syncRecords only.

const HOUR = 3_600_000;
const at = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
const run = (msFromNow: number, status: SyncRun['status'] = 'succeeded'): SyncRun => ({
  at: at(msFromNow),
  status,
  sourceHash: 'sha256:aa',
  targetHash: status === 'succeeded' ? 'sha256:aa' : null,
});
const rec = (id: string, runs: SyncRun[], active = true): SyncRecord => syncRecord(id, { runs, active });

const cases: RuleCase[] = [
  {
    name: 'syncRecords not collected → not_applicable',
    inventory: inventory({ syncWorker: null }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no sync records (collected, none) → not_applicable',
    inventory: inventory({ syncRecords: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'records without runs → not_applicable',
    inventory: inventory({ syncRecords: [rec('s1', [])] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only failed runs outside the window (exactly 24 h ago, 3 days ago, in the future) → not_applicable',
    inventory: inventory({
      syncRecords: [
        rec('s1', [run(-24 * HOUR, 'failed'), run(-72 * HOUR, 'failed')]),
        rec('s2', [run(1, 'failed')]),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'every run in the window succeeded → pass',
    inventory: inventory({
      syncRecords: [rec('s1', [run(-HOUR), run(-2 * HOUR)]), rec('s2', [run(-3 * HOUR)])],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'failure exactly 24 h ago is outside; the success inside passes',
    inventory: inventory({ syncRecords: [rec('s1', [run(-24 * HOUR, 'failed'), run(-HOUR)])] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'failure 24 h − 1 ms ago is inside → fail',
    inventory: inventory({ syncRecords: [rec('s1', [run(-24 * HOUR + 1, 'failed'), run(-HOUR)])] }),
    expect: { status: 'fail', evaluated: 2, failing: ['s1'], metric: null },
  },
  {
    name: 'failure exactly now is inside; a future failure is outside',
    inventory: inventory({
      syncRecords: [rec('s-future', [run(1, 'failed'), run(-HOUR)]), rec('s-now', [run(0, 'failed')])],
    }),
    expect: { status: 'fail', evaluated: 2, failing: ['s-now'], metric: null },
  },
  {
    name: 'a record with several failed runs is listed once; records in inventory order',
    inventory: inventory({
      syncRecords: [
        rec('s-z', [run(-HOUR, 'failed'), run(-2 * HOUR), run(-3 * HOUR, 'failed')]),
        rec('s-ok', [run(-HOUR)]),
        rec('s-old', [run(-30 * HOUR, 'failed'), run(-HOUR)]),
        rec('s-a', [run(-5 * HOUR, 'failed')]),
      ],
    }),
    expect: { status: 'fail', evaluated: 6, failing: ['s-z', 's-a'], metric: null },
  },
  {
    name: 'runs of inactive records count too',
    inventory: inventory({ syncRecords: [rec('s-off', [run(-HOUR, 'failed')], false)] }),
    expect: { status: 'fail', evaluated: 1, failing: ['s-off'], metric: null },
  },
];

export default cases;
