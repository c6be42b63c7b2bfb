import type { RuleCase } from '../case.js';
import type { SyncRecord, SyncWorker } from '../../../scanner/inventory/types.js';
import { NOW, inventory, syncRecord } from '../../support/builders.js';

// SYN003: applicable when at least one sync record is active (needs syncRecords and
// syncWorker; syncWorker undefined = not collected → not_applicable). Fails when syncWorker is
// null, running is false, or lastHeartbeat is older than 15 minutes (exactly 15 minutes is not
// older; a null lastHeartbeat fails). Failing id: `sync-worker`.
// `evaluated` is pinned only on not_applicable rows: rules.md does not define the population size.

const MIN = 60_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const worker = (running: boolean, lastHeartbeat: string | null): SyncWorker => ({ running, lastHeartbeat });
const rec = (id: string, active = true): SyncRecord => syncRecord(id, { active });
const HEALTHY = worker(true, ago(MIN));
const FAIL = ['sync-worker'];

const cases: RuleCase[] = [
  {
    name: 'syncRecords not collected → not_applicable',
    inventory: inventory({ syncWorker: null }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no sync records (collected, none), no worker → not_applicable',
    inventory: inventory({ syncRecords: [], syncWorker: null }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'all records inactive, worker stopped → not_applicable',
    inventory: inventory({
      syncRecords: [rec('s1', false), rec('s2', false)],
      syncWorker: worker(false, null),
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'syncWorker not collected with active records → not_applicable',
    inventory: inventory({ syncRecords: [rec('s1')] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'running worker with a heartbeat a minute ago → pass',
    inventory: inventory({ syncRecords: [rec('s1'), rec('s2', false)], syncWorker: HEALTHY }),
    expect: { status: 'pass', failing: [], metric: null },
  },
  {
    name: 'heartbeat exactly 15 minutes ago is not older than 15 minutes → pass',
    inventory: inventory({ syncRecords: [rec('s1')], syncWorker: worker(true, ago(15 * MIN)) }),
    expect: { status: 'pass', failing: [], metric: null },
  },
  {
    name: 'heartbeat 15 minutes + 1 ms ago → fail',
    inventory: inventory({ syncRecords: [rec('s1')], syncWorker: worker(true, ago(15 * MIN + 1)) }),
    expect: { status: 'fail', failing: FAIL, metric: null },
  },
  {
    name: 'heartbeat exactly now → pass',
    inventory: inventory({ syncRecords: [rec('s1')], syncWorker: worker(true, ago(0)) }),
    expect: { status: 'pass', failing: [], metric: null },
  },
  {
    name: 'syncWorker null (no worker known) with an active record → fail',
    inventory: inventory({ syncRecords: [rec('s1', false), rec('s2')], syncWorker: null }),
    expect: { status: 'fail', failing: FAIL, metric: null },
  },
  {
    name: 'worker not running, fresh heartbeat → fail',
    inventory: inventory({ syncRecords: [rec('s1')], syncWorker: worker(false, ago(MIN)) }),
    expect: { status: 'fail', failing: FAIL, metric: null },
  },
  {
    name: 'running worker with lastHeartbeat null → fail',
    inventory: inventory({ syncRecords: [rec('s1')], syncWorker: worker(true, null) }),
    expect: { status: 'fail', failing: FAIL, metric: null },
  },
  {
    name: 'several faults at once still fail once',
    inventory: inventory({ syncRecords: [rec('s1'), rec('s2')], syncWorker: worker(false, ago(60 * MIN)) }),
    expect: { status: 'fail', failing: FAIL, metric: null },
  },
];

export default cases;
