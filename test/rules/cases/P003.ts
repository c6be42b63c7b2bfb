import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P003: population = enabled, non-managed secrets; a secret fails when it is expiring within
// 30 days: 0 < expires − now ≤ 30 days (so P003 includes what P002 flags). Expired secrets
// (expires ≤ now) are NOT expiring; no expiry is not expiring.

// The window is the organisation parameter `expiringSoonDays` (30 by default); the rows with
// `parameters` move it and keep the same boundaries.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const withWindow = (days: number) => ({ ...DEFAULT_PARAMETERS, expiringSoonDays: days });
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
    name: 'exactly 30 days left counts as expiring → fail',
    inventory: inventory({ secrets: [secret('thirty', { expires: daysFromNow(30) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('thirty')], metric: null },
  },
  {
    name: '30 days + 1 ms left is not within 30 days → pass',
    inventory: inventory({ secrets: [secret('later', { expires: at(30 * DAY + 1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'exactly 7 days left is also within 30 days → fail',
    inventory: inventory({ secrets: [secret('seven', { expires: daysFromNow(7) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven')] },
  },
  {
    name: '7 days + 1 ms left is within 30 days → fail',
    inventory: inventory({ secrets: [secret('seven-plus', { expires: at(7 * DAY + 1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('seven-plus')] },
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
    name: 'mixed: only the ones in (now, now + 30 d] are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-twenty', { vault: 'kv-b', expires: daysFromNow(20) }),
        secret('expired', { vault: 'kv-a', expires: at(0) }),
        secret('thirty-one', { vault: 'kv-a', expires: daysFromNow(31) }),
        secret('managed', { vault: 'kv-a', managed: true, expires: daysFromNow(2) }),
        secret('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(2) }),
        secret('none', { vault: 'kv-a', expires: null }),
        secret('a-two', { vault: 'kv-a', expires: daysFromNow(2) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [id('z-twenty', 'kv-b'), id('a-two', 'kv-a')] },
  },
  {
    name: 'uses the given now: 40 days left at NOW, 25 days left at NOW + 15 d → fail',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(40) })] }),
    now: NOW + 15 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: 20 days left at NOW, 40 days left at NOW − 20 d → pass',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(20) })] }),
    now: NOW - 20 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'expiringSoonDays 60: exactly 60 days left fails, 60 days + 1 ms passes, 45 days fails',
    inventory: inventory({
      secrets: [
        secret('sixty', { expires: daysFromNow(60) }),
        secret('sixty-plus', { expires: at(60 * DAY + 1) }),
        secret('forty-five', { expires: daysFromNow(45) }),
      ],
    }),
    parameters: withWindow(60),
    expect: { status: 'fail', evaluated: 3, failing: [id('sixty'), id('forty-five')] },
  },
  {
    name: 'expiringSoonDays 14: 20 days left (inside the default 30) passes; expired is still not expiring',
    inventory: inventory({
      secrets: [secret('twenty', { expires: daysFromNow(20) }), secret('gone', { expires: at(0) })],
    }),
    parameters: withWindow(14),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'expiringSoonDays 14: exactly 14 days left fails',
    inventory: inventory({ secrets: [secret('fourteen', { expires: daysFromNow(14) })] }),
    parameters: withWindow(14),
    expect: { status: 'fail', evaluated: 1, failing: [id('fourteen')] },
  },
  {
    name: 'the default parameters given explicitly: exactly 30 days left fails, 30 days + 1 ms passes',
    inventory: inventory({
      secrets: [
        secret('thirty', { expires: daysFromNow(30) }),
        secret('thirty-plus', { expires: at(30 * DAY + 1) }),
      ],
    }),
    parameters: DEFAULT_PARAMETERS,
    expect: { status: 'fail', evaluated: 2, failing: [id('thirty')] },
  },
];

export default cases;
