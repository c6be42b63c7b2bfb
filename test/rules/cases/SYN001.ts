import type { RuleCase } from '../case.js';
import type { SyncRecord } from '../../../scanner/inventory/types.js';
import { NOW, inventory, syncRecord } from '../../support/builders.js';

// SYN001: population = sync records (needs syncRecords; only SYN003 also reads syncWorker);
// ratio = active / all; pass when ≥ 0.80; failing = the inactive records.

const rec = (id: string, active = true): SyncRecord => syncRecord(id, { active });
const T = 0.8;

const cases: RuleCase[] = [
  {
    name: 'syncRecords not collected → not_applicable',
    inventory: inventory({ syncWorker: { running: true, lastHeartbeat: new Date(NOW).toISOString() } }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no sync records (collected, none) → not_applicable',
    inventory: inventory({ syncRecords: [], syncWorker: null }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'all records active → pass, ratio 1 (syncWorker not collected does not matter)',
    inventory: inventory({ syncRecords: [rec('s1'), rec('s2')] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: '4 of 5 active = 0.8 exactly at the threshold → pass, the inactive one listed',
    inventory: inventory({
      syncRecords: [rec('s1'), rec('s2'), rec('s3', false), rec('s4'), rec('s5')],
      syncWorker: null,
    }),
    expect: { status: 'pass', evaluated: 5, failing: ['s3'], metric: { value: 0.8, threshold: T } },
  },
  {
    name: '3 of 5 active = 0.6 → fail, inactive records in inventory order',
    inventory: inventory({
      syncRecords: [rec('s5', false), rec('s1'), rec('s2'), rec('s3', false), rec('s4')],
    }),
    expect: { status: 'fail', evaluated: 5, failing: ['s5', 's3'], metric: { value: 0.6, threshold: T } },
  },
  {
    name: 'single inactive record → fail, ratio 0',
    inventory: inventory({ syncRecords: [rec('s1', false)] }),
    expect: { status: 'fail', evaluated: 1, failing: ['s1'], metric: { value: 0, threshold: T } },
  },
  {
    name: 'runs do not matter: an active record whose runs failed is still active',
    inventory: inventory({
      syncRecords: [
        syncRecord('s1', {
          runs: [
            {
              at: new Date(NOW - 60_000).toISOString(),
              status: 'failed',
              sourceHash: null,
              targetHash: null,
            },
          ],
        }),
      ],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
];

export default cases;
