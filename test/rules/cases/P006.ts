import type { RuleCase } from '../case.js';
import { assetUrl, inventory, secret, vault } from '../../support/builders.js';

// P006: population = enabled, non-managed secrets; a secret fails when `tags` is empty ({}).

const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed and disabled untagged secrets → not_applicable',
    inventory: inventory({
      secrets: [secret('m', { managed: true, tags: {} }), secret('d', { enabled: false, tags: {} })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'every enabled secret has at least one tag → pass',
    inventory: inventory({
      secrets: [secret('a'), secret('b', { tags: { owner: 'payments', env: 'prod' } })],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'a tag with an empty value is still a tag → pass',
    inventory: inventory({ secrets: [secret('a', { tags: { env: '' } })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a secret with empty tags fails',
    inventory: inventory({ secrets: [secret('bare', { tags: {} })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('bare')], metric: null },
  },
  {
    name: 'untagged enabled secrets listed in inventory order; managed/disabled untagged ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-bare', { vault: 'kv-b', tags: {} }),
        secret('tagged', { vault: 'kv-a' }),
        secret('managed-bare', { vault: 'kv-a', managed: true, tags: {} }),
        secret('disabled-bare', { vault: 'kv-a', enabled: false, tags: {} }),
        secret('a-bare', { vault: 'kv-a', tags: {} }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-bare', 'kv-b'), id('a-bare', 'kv-a')] },
  },
];

export default cases;
