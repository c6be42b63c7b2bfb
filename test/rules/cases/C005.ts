import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, cert, vault } from '../../support/builders.js';

// C005 (= P007 for certificates): population = enabled certificates (no `managed` on
// certificates); a certificate fails when it is expired:
// expires ≤ now (expires == now is expired). No expiry is not expired.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled certificates (expired) → not_applicable',
    inventory: inventory({ certificates: [cert('old', { enabled: false, expires: daysFromNow(-5) })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a year left, a day left and no expiry → pass',
    inventory: inventory({
      certificates: [cert('a'), cert('b', { expires: daysFromNow(1) }), cert('c', { expires: null })],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'expires == now is expired → fail',
    inventory: inventory({ certificates: [cert('now', { expires: at(0) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('now')], metric: null },
  },
  {
    name: '1 ms after now is not expired yet → pass',
    inventory: inventory({ certificates: [cert('soon', { expires: at(1) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '1 ms before now is expired → fail',
    inventory: inventory({ certificates: [cert('just-gone', { expires: at(-1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('just-gone')] },
  },
  {
    name: 'mixed: only enabled expired certificates are listed, in inventory order',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-old', { vault: 'kv-b', expires: daysFromNow(-400) }),
        cert('seven', { vault: 'kv-a', expires: daysFromNow(7) }),
        cert('disabled', { vault: 'kv-a', enabled: false, expires: daysFromNow(-2) }),
        cert('none', { vault: 'kv-a', expires: null }),
        cert('a-now', { vault: 'kv-a', expires: at(0) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-old', 'kv-b'), id('a-now', 'kv-a')] },
  },
  {
    name: 'uses the given now: 5 days left at NOW, expired at NOW + 5 d → fail',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(5) })] }),
    now: NOW + 5 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: expired at NOW, not yet at NOW − 10 d → pass',
    inventory: inventory({ certificates: [cert('s', { expires: daysFromNow(-5) })] }),
    now: NOW - 10 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a certificate with unknown keyType is still in the population',
    inventory: inventory({
      certificates: [cert('odd', { keyType: null, keySize: null, expires: daysFromNow(-1) })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('odd')] },
  },
];

export default cases;
