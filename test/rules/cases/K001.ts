import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, key, vault } from '../../support/builders.js';

// K001 (= P001 for keys):
// population = enabled, non-managed keys; a key fails when `expires` is null.

const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed keys (even without expiry) → not_applicable',
    inventory: inventory({ keys: [key('managed-cmk', { managed: true, expires: null })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only disabled keys (even without expiry) → not_applicable',
    inventory: inventory({ keys: [key('old', { enabled: false, expires: null })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'every enabled key has an expiry → pass',
    inventory: inventory({ keys: [key('a'), key('b', { expires: daysFromNow(3) })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'an expired key still has an expiry date → pass',
    inventory: inventory({ keys: [key('gone', { expires: daysFromNow(-10) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a key without expiry fails',
    inventory: inventory({ keys: [key('forever', { expires: null })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('forever')], metric: null },
  },
  {
    name: 'managed and disabled keys without expiry are not listed nor counted',
    inventory: inventory({
      keys: [
        key('managed', { managed: true, expires: null }),
        key('disabled', { enabled: false, expires: null }),
        key('ok'),
        key('no-expiry', { expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('no-expiry')] },
  },
  {
    name: 'failing ids follow inventory order across vaults (not sorted)',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('zeta', { vault: 'kv-b', expires: null }),
        key('mid', { vault: 'kv-a' }),
        key('alpha', { vault: 'kv-a', expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('zeta', 'kv-b'), id('alpha', 'kv-a')] },
  },
  {
    name: 'the evaluation time does not matter for K001 (now = 2 years later)',
    inventory: inventory({ keys: [key('a'), key('b', { expires: null })] }),
    now: NOW + 730 * 86_400_000,
    expect: { status: 'fail', evaluated: 2, failing: [id('b')] },
  },
  {
    name: 'every key type is in the population: oct and EC keys without expiry fail',
    inventory: inventory({
      keys: [
        key('sym', { keyType: 'oct', keySize: 256, rotationPolicy: null, expires: null }),
        key('ec', { keyType: 'EC', keySize: null, curve: 'P-256', expires: null }),
        key('sym-hsm', { keyType: 'oct-HSM', keySize: 256 }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('sym'), id('ec')] },
  },
];

export default cases;
