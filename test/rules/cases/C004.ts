import type { RuleCase } from '../case.js';
import { assetUrl, inventory, cert, vault } from '../../support/builders.js';

// C004 (= P004 for certificates): population = ALL certificates, enabled or not (no `managed`
// on certificates); a certificate fails when `enabled`
// is false.

const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'all certificates enabled → pass',
    inventory: inventory({ certificates: [cert('a'), cert('b', { expires: null })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'a single disabled certificate is in the population and fails',
    inventory: inventory({ certificates: [cert('off', { enabled: false })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('off')], metric: null },
  },
  {
    name: 'disabled certificates listed in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-off', { vault: 'kv-b', enabled: false }),
        cert('on', { vault: 'kv-a' }),
        cert('a-off', { vault: 'kv-a', enabled: false }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-off', 'kv-b'), id('a-off', 'kv-a')] },
  },
  {
    name: 'only disabled certificates → fail (they are the population), even with unknown keyType',
    inventory: inventory({
      certificates: [cert('off-1', { enabled: false }), cert('off-2', { enabled: false, keyType: null })],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('off-1'), id('off-2')] },
  },
];

export default cases;
