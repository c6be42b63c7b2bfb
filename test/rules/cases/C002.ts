import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, cert, vault } from '../../support/builders.js';

// C002 (= P002 for certificates): population = enabled certificates (no `managed` on
// certificates); a certificate fails when it is expiring within
// 7 days: 0 < expires − now ≤ 7 days. Expired certificates (expires ≤ now) are NOT expiring; no
// expiry is not expiring.

// The window is the organisation parameter `expiringCriticalDays` (7 by default); the rows with
// `parameters` move it and keep the same boundaries.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const withWindow = (days: number) => ({ ...DEFAULT_PARAMETERS, expiringCriticalDays: days });
const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled certificates (expiring tomorrow) → not_applicable',
    inventory: inventory({ certificates: [cert('old', { enabled: false, expires: daysFromNow(1) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a year left and no expiry → pass',
    inventory: inventory({ certificates: [cert('a'), cert('b', { expires: null })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 7 days left counts as expiring → fail',
    inventory: inventory({ certificates: [cert('seven', { expires: daysFromNow(7) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven')], metric: null },
  },
  {
    name: '7 days + 1 ms left is not within 7 days → pass',
    inventory: inventory({ certificates: [cert('later', { expires: at(7 * DAY + 1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '1 ms after now is expiring → fail',
    inventory: inventory({ certificates: [cert('soon', { expires: at(1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('soon')] },
  },
  {
    name: 'expires == now is expired, not expiring → pass',
    inventory: inventory({ certificates: [cert('now', { expires: at(0) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'already expired is not expiring → pass',
    inventory: inventory({ certificates: [cert('gone', { expires: daysFromNow(-3) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'mixed: only the ones in (now, now + 7 d] are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-six', { vault: 'kv-b', expires: daysFromNow(6.5) }),
        cert('expired', { vault: 'kv-a', expires: at(0) }),
        cert('eight', { vault: 'kv-a', expires: daysFromNow(8) }),
        cert('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(2) }),
        cert('none', { vault: 'kv-a', expires: null }),
        cert('a-one', { vault: 'kv-a', expires: daysFromNow(1) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [id('z-six', 'kv-b'), id('a-one', 'kv-a')] },
  },
  {
    name: 'uses the given now: 15 days left at NOW, 5 days left at NOW + 10 d → fail',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(15) })] }),
    now: NOW + 10 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: 3 days left at NOW but expired at NOW + 3 d → pass',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(3) })] }),
    now: NOW + 3 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'expiringCriticalDays 14: exactly 14 days left fails, 14 days + 1 ms passes, 10 days fails',
    inventory: inventory({
      certificates: [
        cert('fourteen', { expires: daysFromNow(14) }),
        cert('fourteen-plus', { expires: at(14 * DAY + 1) }),
        cert('ten', { expires: daysFromNow(10) }),
      ],
    }),
    parameters: withWindow(14),
    expect: { status: 'fail', evaluated: 3, failing: [id('fourteen'), id('ten')] },
  },
  {
    name: 'expiringCriticalDays 3: 5 days left (inside the default 7) passes; expired is still not expiring',
    inventory: inventory({
      certificates: [cert('five', { expires: daysFromNow(5) }), cert('gone', { expires: at(0) })],
    }),
    parameters: withWindow(3),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'expiringCriticalDays 3: exactly 3 days left fails',
    inventory: inventory({ certificates: [cert('three', { expires: daysFromNow(3) })] }),
    parameters: withWindow(3),
    expect: { status: 'fail', evaluated: 1, failing: [id('three')] },
  },
  {
    name: 'the default parameters given explicitly: exactly 7 days left fails, 7 days + 1 ms passes',
    inventory: inventory({
      certificates: [
        cert('seven', { expires: daysFromNow(7) }),
        cert('seven-plus', { expires: at(7 * DAY + 1) }),
      ],
    }),
    parameters: DEFAULT_PARAMETERS,
    expect: { status: 'fail', evaluated: 2, failing: [id('seven')] },
  },
];

export default cases;
