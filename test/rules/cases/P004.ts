import type { RuleCase } from '../case.js';
import { assetUrl, inventory, secret, vault } from '../../support/builders.js';

// P004: population = ALL non-managed secrets (enabled or not); a secret fails when `enabled`
// is false. Managed secrets are outside even when disabled.

const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed secrets (disabled) → not_applicable',
    inventory: inventory({ secrets: [secret('cert-backing', { managed: true, enabled: false })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'all secrets enabled → pass',
    inventory: inventory({ secrets: [secret('a'), secret('b', { expires: null })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'a single disabled secret is in the population and fails',
    inventory: inventory({ secrets: [secret('off', { enabled: false })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('off')], metric: null },
  },
  {
    name: 'disabled secrets listed in inventory order; managed disabled one neither listed nor counted',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-off', { vault: 'kv-b', enabled: false }),
        secret('on', { vault: 'kv-a' }),
        secret('managed-off', { vault: 'kv-a', managed: true, enabled: false }),
        secret('a-off', { vault: 'kv-a', enabled: false }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-off', 'kv-b'), id('a-off', 'kv-a')] },
  },
  {
    name: 'enabled secret next to a disabled managed one → pass',
    inventory: inventory({
      secrets: [secret('managed-off', { managed: true, enabled: false }), secret('on')],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
