import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, cert, vault } from '../../support/builders.js';

// C003 (= P003 for certificates): population = enabled certificates (no `managed` on
// certificates); a certificate fails when it is expiring within
// 30 days: 0 < expires − now ≤ 30 days (so P003 includes what P002 flags). Expired certificates
// (expires ≤ now) are NOT expiring; no expiry is not expiring.

// The window is the organisation parameter `expiringSoonDays` (30 by default); the rows with
// `parameters` move it and keep the same boundaries.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const withWindow = (days: number) => ({ ...DEFAULT_PARAMETERS, expiringSoonDays: days });
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
    name: 'exactly 30 days left counts as expiring → fail',
    inventory: inventory({ certificates: [cert('thirty', { expires: daysFromNow(30) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('thirty')], metric: null },
  },
  {
    name: '30 days + 1 ms left is not within 30 days → pass',
    inventory: inventory({ certificates: [cert('later', { expires: at(30 * DAY + 1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'exactly 7 days left is also within 30 days → fail',
    inventory: inventory({ certificates: [cert('seven', { expires: daysFromNow(7) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven')] },
  },
  {
    name: '7 days + 1 ms left is within 30 days → fail',
    inventory: inventory({ certificates: [cert('seven-plus', { expires: at(7 * DAY + 1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven-plus')] },
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
    name: 'mixed: only the ones in (now, now + 30 d] are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-twenty', { vault: 'kv-b', expires: daysFromNow(20) }),
        cert('expired', { vault: 'kv-a', expires: at(0) }),
        cert('thirty-one', { vault: 'kv-a', expires: daysFromNow(31) }),
        cert('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(2) }),
        cert('none', { vault: 'kv-a', expires: null }),
        cert('a-two', { vault: 'kv-a', expires: daysFromNow(2) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [id('z-twenty', 'kv-b'), id('a-two', 'kv-a')] },
  },
  {
    name: 'uses the given now: 40 days left at NOW, 25 days left at NOW + 15 d → fail',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(40) })] }),
    now: NOW + 15 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: 20 days left at NOW, 40 days left at NOW − 20 d → pass',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(20) })] }),
    now: NOW - 20 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'expiringSoonDays 60: exactly 60 days left fails, 60 days + 1 ms passes, 45 days fails',
    inventory: inventory({
      certificates: [
        cert('sixty', { expires: daysFromNow(60) }),
        cert('sixty-plus', { expires: at(60 * DAY + 1) }),
        cert('forty-five', { expires: daysFromNow(45) }),
      ],
    }),
    parameters: withWindow(60),
    expect: { status: 'fail', evaluated: 3, failing: [id('sixty'), id('forty-five')] },
  },
  {
    name: 'expiringSoonDays 14: 20 days left (inside the default 30) passes; expired is still not expiring',
    inventory: inventory({
      certificates: [cert('twenty', { expires: daysFromNow(20) }), cert('gone', { expires: at(0) })],
    }),
    parameters: withWindow(14),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'expiringSoonDays 14: exactly 14 days left fails',
    inventory: inventory({ certificates: [cert('fourteen', { expires: daysFromNow(14) })] }),
    parameters: withWindow(14),
    expect: { status: 'fail', evaluated: 1, failing: [id('fourteen')] },
  },
  {
    name: 'the default parameters given explicitly: exactly 30 days left fails, 30 days + 1 ms passes',
    inventory: inventory({
      certificates: [
        cert('thirty', { expires: daysFromNow(30) }),
        cert('thirty-plus', { expires: at(30 * DAY + 1) }),
      ],
    }),
    parameters: DEFAULT_PARAMETERS,
    expect: { status: 'fail', evaluated: 2, failing: [id('thirty')] },
  },
];

export default cases;
