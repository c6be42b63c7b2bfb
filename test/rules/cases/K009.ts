import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, key, vault } from '../../support/builders.js';

// K009: population = enabled, non-managed keys (every type). A key fails when now − created >
// 365 days (`keyMaxAgeDays`; strictly: exactly 365 days passes, 365 days + 1 ms fails), `created`
// being that of the current version. `updated` and `expires` play no part.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);
const maxAge = (keyMaxAgeDays: number) => ({ ...DEFAULT_PARAMETERS, keyMaxAgeDays });

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled and managed old keys → not_applicable',
    inventory: inventory({
      keys: [
        key('off', { enabled: false, created: daysFromNow(-900) }),
        key('cert-backing', { managed: true, created: daysFromNow(-900) }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'keys created 30 and 300 days ago → pass',
    inventory: inventory({ keys: [key('a'), key('b', { created: daysFromNow(-300) })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 365 days old → pass (not > 365 days)',
    inventory: inventory({ keys: [key('year', { created: daysFromNow(-365) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '365 days + 1 ms old → fail',
    inventory: inventory({ keys: [key('year-plus', { created: at(-365 * DAY - 1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('year-plus')], metric: null },
  },
  {
    name: 'current version created 500 days ago, attributes edited yesterday (`updated`) → fail',
    inventory: inventory({ keys: [key('edited', { created: daysFromNow(-500), updated: daysFromNow(-1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('edited')] },
  },
  {
    name: 'age, not expiry: a young key that already expired passes, an old one expiring in years fails',
    inventory: inventory({
      keys: [
        key('young-expired', { created: daysFromNow(-20), expires: daysFromNow(-1) }),
        key('old-long-lived', { created: daysFromNow(-400), expires: daysFromNow(1000) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('old-long-lived')] },
  },
  {
    name: 'oct keys are in the population',
    inventory: inventory({
      keys: [key('sym', { keyType: 'oct-HSM', keySize: 256, curve: null, created: daysFromNow(-400) })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('sym')] },
  },
  {
    name: 'failing keys in inventory order; disabled and managed ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-old', { vault: 'kv-b', created: daysFromNow(-700) }),
        key('fresh', { vault: 'kv-a' }),
        key('off', { vault: 'kv-a', enabled: false, created: daysFromNow(-700) }),
        key('managed', { vault: 'kv-a', managed: true, created: daysFromNow(-700) }),
        key('a-old', { vault: 'kv-a', created: daysFromNow(-366) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-old', 'kv-b'), id('a-old', 'kv-a')] },
  },
  {
    name: 'uses the given now: created 30 days before NOW, evaluated at NOW + 336 d (366 days) → fail',
    inventory: inventory({ keys: [key('k')] }),
    now: NOW + 336 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('k')] },
  },
  {
    name: 'uses the given now: created 400 days before NOW, evaluated at NOW − 40 d (360 days) → pass',
    inventory: inventory({ keys: [key('k', { created: daysFromNow(-400) })] }),
    now: NOW - 40 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'keyMaxAgeDays 90: exactly 90 days passes, 90 days + 1 ms fails',
    inventory: inventory({
      keys: [
        key('ninety', { created: daysFromNow(-90) }),
        key('ninety-plus', { created: at(-90 * DAY - 1) }),
      ],
    }),
    parameters: maxAge(90),
    expect: { status: 'fail', evaluated: 2, failing: [id('ninety-plus')] },
  },
  {
    name: 'keyMaxAgeDays 730: a key created 400 days ago passes',
    inventory: inventory({ keys: [key('two-year', { created: daysFromNow(-400) })] }),
    parameters: maxAge(730),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
