import type { RuleCase } from '../case.js';
import { assetUrl, inventory, secret, vault } from '../../support/builders.js';

// P016: population = enabled, non-managed secrets. A secret fails when `contentType` is null
// (unset, or missing from an older snapshot) or the empty string. Any other value passes: the
// rule asks that a type be declared, not which one.

const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed and disabled secrets without a content type → not_applicable',
    inventory: inventory({
      secrets: [
        secret('cert-backing', { managed: true, contentType: null }),
        secret('old', { enabled: false, contentType: null }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'secrets with a content type → pass',
    inventory: inventory({
      secrets: [
        secret('a'),
        secret('b', { contentType: 'application/json' }),
        secret('c', { contentType: 'connection-string' }),
      ],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'contentType null → fail',
    inventory: inventory({ secrets: [secret('untyped', { contentType: null })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('untyped')], metric: null },
  },
  {
    name: 'contentType "" (empty) → fail',
    inventory: inventory({ secrets: [secret('empty', { contentType: '' })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('empty')] },
  },
  {
    name: 'a one-character content type is not empty → pass',
    inventory: inventory({ secrets: [secret('short', { contentType: 'x' })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'failing secrets in inventory order; managed and disabled ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-null', { vault: 'kv-b', contentType: null }),
        secret('typed', { vault: 'kv-a' }),
        secret('managed', { vault: 'kv-a', managed: true, contentType: null }),
        secret('disabled', { vault: 'kv-a', enabled: false, contentType: '' }),
        secret('a-empty', { vault: 'kv-a', contentType: '' }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-null', 'kv-b'), id('a-empty', 'kv-a')] },
  },
];

export default cases;
