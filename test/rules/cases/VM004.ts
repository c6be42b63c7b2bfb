import type { RuleCase } from '../case.js';
import type { RotationEvent } from '../../../scanner/inventory/types.js';
import { NOW, daysFromNow, inventory, rotationEvent } from '../../support/builders.js';

// VM004: population = rotation events with fullStack true and finishedAt in (now − 30 days, now]
// (needs rotationEvents); fails when any has status failed; metric.value = success ratio,
// threshold 1.0; failing = ids of the failed events in the window.
// resources is given as [] in applicable rows so the rows do not depend on whether the rule
// also needs `resources` (the "Dependencies" section heading).

const DAY = 86_400_000;
const at = (msFromNow: number) => new Date(NOW + msFromNow).toISOString();
const WINDOW_START = -30 * DAY;
const ev = (
  id: string,
  finishedAt: string | null,
  status: RotationEvent['status'] = 'succeeded',
  fullStack = true,
) => rotationEvent(id, { finishedAt, status, fullStack, startedAt: daysFromNow(-40) });
const inv = (rotationEvents: RotationEvent[]) => inventory({ resources: [], rotationEvents });
const T = 1;

const cases: RuleCase[] = [
  {
    name: 'rotationEvents not collected → not_applicable',
    inventory: inventory({ resources: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no events (collected, none) → not_applicable',
    inventory: inv([]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only failed events outside the population → not_applicable',
    inventory: inv([
      ev('e-partial', daysFromNow(-1), 'failed', false),
      ev('e-unfinished', null, 'failed'),
      ev('e-edge', at(WINDOW_START), 'failed'),
      ev('e-old', daysFromNow(-45), 'failed'),
      ev('e-future', at(1), 'failed'),
    ]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'all full-stack events in the window succeeded → pass, ratio 1',
    inventory: inv([ev('e1', daysFromNow(-20)), ev('e2', daysFromNow(-1))]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'one failure among four → fail, ratio 0.75',
    inventory: inv([
      ev('e1', daysFromNow(-29)),
      ev('e2', daysFromNow(-10), 'failed'),
      ev('e3', daysFromNow(-5)),
      ev('e4', daysFromNow(-1)),
    ]),
    expect: { status: 'fail', evaluated: 4, failing: ['e2'], metric: { value: 0.75, threshold: T } },
  },
  {
    name: 'failure finished exactly now − 30 days is outside → pass',
    inventory: inv([ev('e-edge', at(WINDOW_START), 'failed'), ev('e-ok', daysFromNow(-3))]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'failure finished now − 30 days + 1 ms is inside → fail',
    inventory: inv([ev('e-edge', at(WINDOW_START + 1), 'failed'), ev('e-ok', daysFromNow(-3))]),
    expect: { status: 'fail', evaluated: 2, failing: ['e-edge'], metric: { value: 0.5, threshold: T } },
  },
  {
    name: 'failure finished exactly now is inside → fail',
    inventory: inv([ev('e-now', at(0), 'failed')]),
    expect: { status: 'fail', evaluated: 1, failing: ['e-now'], metric: { value: 0, threshold: T } },
  },
  {
    name: 'failure finished in the future is outside → pass',
    inventory: inv([ev('e-ok', daysFromNow(-3)), ev('e-future', at(1), 'failed')]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'failure with fullStack false is outside → pass',
    inventory: inv([ev('e-partial', daysFromNow(-2), 'failed', false), ev('e-ok', daysFromNow(-3))]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'failure with finishedAt null is outside → pass',
    inventory: inv([ev('e-ok', daysFromNow(-3)), ev('e-running', null, 'failed')]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'window is on finishedAt: started before the window, finished inside → counted',
    inventory: inv([
      rotationEvent('e-long', {
        status: 'failed',
        startedAt: daysFromNow(-35),
        finishedAt: daysFromNow(-29),
      }),
    ]),
    expect: { status: 'fail', evaluated: 1, failing: ['e-long'], metric: { value: 0, threshold: T } },
  },
  {
    name: 'several failures listed in inventory order, out-of-window ones ignored',
    inventory: inv([
      ev('e-b', daysFromNow(-2), 'failed'),
      ev('e-ok', daysFromNow(-3)),
      ev('e-old', daysFromNow(-31), 'failed'),
      ev('e-a', daysFromNow(-4), 'failed'),
      ev('e-ok2', daysFromNow(-0.5)),
    ]),
    expect: { status: 'fail', evaluated: 4, failing: ['e-b', 'e-a'], metric: { value: 0.5, threshold: T } },
  },
];

export default cases;
