import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P001: population = enabled, non-managed secrets; a secret fails when `expires` is null.

const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed secrets (even without expiry) → not_applicable',
    inventory: inventory({ secrets: [secret('cert-backing', { managed: true, expires: null })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only disabled secrets (even without expiry) → not_applicable',
    inventory: inventory({ secrets: [secret('old', { enabled: false, expires: null })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'every enabled secret has an expiry → pass',
    inventory: inventory({ secrets: [secret('a'), secret('b', { expires: daysFromNow(3) })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'an expired secret still has an expiry date → pass',
    inventory: inventory({ secrets: [secret('gone', { expires: daysFromNow(-10) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a secret without expiry fails',
    inventory: inventory({ secrets: [secret('forever', { expires: null })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('forever')], metric: null },
  },
  {
    name: 'managed and disabled secrets without expiry are not listed nor counted',
    inventory: inventory({
      secrets: [
        secret('managed', { managed: true, expires: null }),
        secret('disabled', { enabled: false, expires: null }),
        secret('ok'),
        secret('no-expiry', { expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('no-expiry')] },
  },
  {
    name: 'failing ids follow inventory order across vaults (not sorted)',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('zeta', { vault: 'kv-b', expires: null }),
        secret('mid', { vault: 'kv-a' }),
        secret('alpha', { vault: 'kv-a', expires: null }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('zeta', 'kv-b'), id('alpha', 'kv-a')] },
  },
  {
    name: 'the evaluation time does not matter for P001 (now = 2 years later)',
    inventory: inventory({ secrets: [secret('a'), secret('b', { expires: null })] }),
    now: NOW + 730 * 86_400_000,
    expect: { status: 'fail', evaluated: 2, failing: [id('b')] },
  },
];

export default cases;
