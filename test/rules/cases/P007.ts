import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P007: population = enabled, non-managed secrets; a secret fails when it is expired:
// expires ≤ now (expires == now is expired). No expiry is not expired.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed secrets (expired) → not_applicable',
    inventory: inventory({ secrets: [secret('cert-backing', { managed: true, expires: daysFromNow(-5) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only disabled secrets (expired) → not_applicable',
    inventory: inventory({ secrets: [secret('old', { enabled: false, expires: daysFromNow(-5) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a year left, a day left and no expiry → pass',
    inventory: inventory({
      secrets: [secret('a'), secret('b', { expires: daysFromNow(1) }), secret('c', { expires: null })],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'expires == now is expired → fail',
    inventory: inventory({ secrets: [secret('now', { expires: at(0) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('now')], metric: null },
  },
  {
    name: '1 ms after now is not expired yet → pass',
    inventory: inventory({ secrets: [secret('soon', { expires: at(1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '1 ms before now is expired → fail',
    inventory: inventory({ secrets: [secret('just-gone', { expires: at(-1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('just-gone')] },
  },
  {
    name: 'mixed: only enabled non-managed expired secrets are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-old', { vault: 'kv-b', expires: daysFromNow(-400) }),
        secret('seven', { vault: 'kv-a', expires: daysFromNow(7) }),
        secret('managed', { vault: 'kv-a', managed: true, expires: daysFromNow(-2) }),
        secret('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(-2) }),
        secret('none', { vault: 'kv-a', expires: null }),
        secret('a-now', { vault: 'kv-a', expires: at(0) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-old', 'kv-b'), id('a-now', 'kv-a')] },
  },
  {
    name: 'uses the given now: 5 days left at NOW, expired at NOW + 5 d → fail',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(5) })] }),
    now: NOW + 5 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: expired at NOW, not yet at NOW − 10 d → pass',
    inventory: inventory({ secrets: [secret('s', { expires: daysFromNow(-5) })] }),
    now: NOW - 10 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
