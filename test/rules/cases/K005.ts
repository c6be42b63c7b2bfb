import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, key, vault } from '../../support/builders.js';

// K005 (= P007 for keys):
// population = enabled, non-managed keys; a key fails when it is expired:
// expires ≤ now (expires == now is expired). No expiry is not expired.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed keys (expired) → not_applicable',
    inventory: inventory({ keys: [key('managed-cmk', { managed: true, expires: daysFromNow(-5) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only disabled keys (expired) → not_applicable',
    inventory: inventory({ keys: [key('old', { enabled: false, expires: daysFromNow(-5) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a year left, a day left and no expiry → pass',
    inventory: inventory({
      keys: [key('a'), key('b', { expires: daysFromNow(1) }), key('c', { expires: null })],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'expires == now is expired → fail',
    inventory: inventory({ keys: [key('now', { expires: at(0) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('now')], metric: null },
  },
  {
    name: '1 ms after now is not expired yet → pass',
    inventory: inventory({ keys: [key('soon', { expires: at(1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '1 ms before now is expired → fail',
    inventory: inventory({ keys: [key('just-gone', { expires: at(-1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('just-gone')] },
  },
  {
    name: 'mixed: only enabled non-managed expired keys are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-old', { vault: 'kv-b', expires: daysFromNow(-400) }),
        key('seven', { vault: 'kv-a', expires: daysFromNow(7) }),
        key('managed', { vault: 'kv-a', managed: true, expires: daysFromNow(-2) }),
        key('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(-2) }),
        key('none', { vault: 'kv-a', expires: null }),
        key('a-now', { vault: 'kv-a', expires: at(0) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-old', 'kv-b'), id('a-now', 'kv-a')] },
  },
  {
    name: 'uses the given now: 5 days left at NOW, expired at NOW + 5 d → fail',
    inventory: inventory({ keys: [key('s', { expires: daysFromNow(5) })] }),
    now: NOW + 5 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: expired at NOW, not yet at NOW − 10 d → pass',
    inventory: inventory({ keys: [key('s', { expires: daysFromNow(-5) })] }),
    now: NOW - 10 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'every key type is in the population: an expired EC-HSM key fails',
    inventory: inventory({
      keys: [key('ec', { keyType: 'EC-HSM', keySize: null, curve: 'P-384', expires: daysFromNow(-1) })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('ec')] },
  },
];

export default cases;
