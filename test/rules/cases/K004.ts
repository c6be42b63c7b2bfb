import type { RuleCase } from '../case.js';
import { assetUrl, inventory, key, vault } from '../../support/builders.js';

// K004 (= P004 for keys):
// population = ALL non-managed keys (enabled or not); a key fails when `enabled`
// is false. Managed keys are outside even when disabled.

const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed keys (disabled) → not_applicable',
    inventory: inventory({ keys: [key('managed-cmk', { managed: true, enabled: false })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'all keys enabled → pass',
    inventory: inventory({ keys: [key('a'), key('b', { expires: null })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'a single disabled key is in the population and fails',
    inventory: inventory({ keys: [key('off', { enabled: false })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('off')], metric: null },
  },
  {
    name: 'disabled keys listed in inventory order; managed disabled one neither listed nor counted',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-off', { vault: 'kv-b', enabled: false }),
        key('on', { vault: 'kv-a' }),
        key('managed-off', { vault: 'kv-a', managed: true, enabled: false }),
        key('a-off', { vault: 'kv-a', enabled: false }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-off', 'kv-b'), id('a-off', 'kv-a')] },
  },
  {
    name: 'enabled key next to a disabled managed one → pass',
    inventory: inventory({ keys: [key('managed-off', { managed: true, enabled: false }), key('on')] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only disabled keys of any type → fail (they are the population)',
    inventory: inventory({
      keys: [
        key('off-1', { enabled: false }),
        key('off-sym', { enabled: false, keyType: 'oct', keySize: 256, rotationPolicy: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('off-1'), id('off-sym')] },
  },
];

export default cases;
