import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, cert, vault } from '../../support/builders.js';

// C001 (= P001 for certificates): population = enabled certificates (certificates have no
// `managed`, and C001 does not care about `keyType`); a certificate fails when `expires` is null.

const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled certificates (even without expiry) → not_applicable',
    inventory: inventory({ certificates: [cert('old', { enabled: false, expires: null })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'every enabled certificate has an expiry → pass',
    inventory: inventory({ certificates: [cert('a'), cert('b', { expires: daysFromNow(3) })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'an expired certificate still has an expiry date → pass',
    inventory: inventory({ certificates: [cert('gone', { expires: daysFromNow(-10) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a certificate without expiry fails',
    inventory: inventory({ certificates: [cert('forever', { expires: null })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('forever')], metric: null },
  },
  {
    name: 'disabled certificates without expiry are not listed nor counted',
    inventory: inventory({
      certificates: [
        cert('disabled', { enabled: false, expires: null }),
        cert('ok'),
        cert('no-expiry', { expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('no-expiry')] },
  },
  {
    name: 'failing ids follow inventory order across vaults (not sorted)',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('zeta', { vault: 'kv-b', expires: null }),
        cert('mid', { vault: 'kv-a' }),
        cert('alpha', { vault: 'kv-a', expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('zeta', 'kv-b'), id('alpha', 'kv-a')] },
  },
  {
    name: 'the evaluation time does not matter for C001 (now = 2 years later)',
    inventory: inventory({ certificates: [cert('a'), cert('b', { expires: null })] }),
    now: NOW + 730 * 86_400_000,
    expect: { status: 'fail', evaluated: 2, failing: [id('b')] },
  },
  {
    name: 'a certificate with unknown keyType is still in the population (not only C006 rows)',
    inventory: inventory({ certificates: [cert('odd', { keyType: null, keySize: null, expires: null })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('odd')] },
  },
];

export default cases;
