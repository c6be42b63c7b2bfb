import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P002: population = enabled, non-managed secrets; a secret fails when it is expiring within
// 7 days: 0 < expires − now ≤ 7 days. Expired secrets (expires ≤ now) are NOT expiring; no
// expiry is not expiring.

// The window is the organisation parameter `expiringCriticalDays` (7 by default); the rows with
// `parameters` move it and keep the same boundaries.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const withWindow = (days: number) => ({ ...DEFAULT_PARAMETERS, expiringCriticalDays: days });
const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed secrets (expiring tomorrow) → not_applicable',
    inventory: inventory({ secrets: [secret('cert-backing', { managed: true, expires: daysFromNow(1) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only disabled secrets (expiring tomorrow) → not_applicable',
    inventory: inventory({ secrets: [secret('old', { enabled: false, expires: daysFromNow(1) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a year left and no expiry → pass',
    inventory: inventory({ secrets: [secret('a'), secret('b', { expires: null })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 7 days left counts as expiring → fail',
    inventory: inventory({ secrets: [secret('seven', { expires: daysFromNow(7) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven')], metric: null },
  },
  {
    name: '7 days + 1 ms left is not within 7 days → pass',
    inventory: inventory({ secrets: [secret('later', { expires: at(7 * DAY + 1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '1 ms after now is expiring → fail',
    inventory: inventory({ secrets: [secret('soon', { expires: at(1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('soon')] },
  },
  {
    name: 'expires == now is expired, not expiring → pass',
    inventory: inventory({ secrets: [secret('now', { expires: at(0) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'already expired is not expiring → pass',
    inventory: inventory({ secrets: [secret('gone', { expires: daysFromNow(-3) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'mixed: only the ones in (now, now + 7 d] are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-six', { vault: 'kv-b', expires: daysFromNow(6.5) }),
        secret('expired', { vault: 'kv-a', expires: at(0) }),
        secret('eight', { vault: 'kv-a', expires: daysFromNow(8) }),
        secret('managed', { vault: 'kv-a', managed: true, expires: daysFromNow(2) }),
        secret('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(2) }),
        secret('none', { vault: 'kv-a', expires: null }),
        secret('a-one', { vault: 'kv-a', expires: daysFromNow(1) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [id('z-six', 'kv-b'), id('a-one', 'kv-a')] },
  },
  {
    name: 'uses the given now: 15 days left at NOW, 5 days left at NOW + 10 d → fail',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(15) })] }),
    now: NOW + 10 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: 3 days left at NOW but expired at NOW + 3 d → pass',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(3) })] }),
    now: NOW + 3 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'expiringCriticalDays 14: exactly 14 days left fails, 14 days + 1 ms passes, 10 days fails',
    inventory: inventory({
      secrets: [
        secret('fourteen', { expires: daysFromNow(14) }),
        secret('fourteen-plus', { expires: at(14 * DAY + 1) }),
        secret('ten', { expires: daysFromNow(10) }),
      ],
    }),
    parameters: withWindow(14),
    expect: { status: 'fail', evaluated: 3, failing: [id('fourteen'), id('ten')] },
  },
  {
    name: 'expiringCriticalDays 3: 5 days left (inside the default 7) passes; expired is still not expiring',
    inventory: inventory({
      secrets: [secret('five', { expires: daysFromNow(5) }), secret('gone', { expires: at(0) })],
    }),
    parameters: withWindow(3),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'expiringCriticalDays 3: exactly 3 days left fails',
    inventory: inventory({ secrets: [secret('three', { expires: daysFromNow(3) })] }),
    parameters: withWindow(3),
    expect: { status: 'fail', evaluated: 1, failing: [id('three')] },
  },
  {
    name: 'the default parameters given explicitly: exactly 7 days left fails, 7 days + 1 ms passes',
    inventory: inventory({
      secrets: [
        secret('seven', { expires: daysFromNow(7) }),
        secret('seven-plus', { expires: at(7 * DAY + 1) }),
      ],
    }),
    parameters: DEFAULT_PARAMETERS,
    expect: { status: 'fail', evaluated: 2, failing: [id('seven')] },
  },
];

export default cases;
