import type { RuleCase } from '../case.js';
import type { Key } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, key, vault } from '../../support/builders.js';

// K006: population = enabled, non-managed keys of type RSA, RSA-HSM, EC, EC-HSM (oct and
// oct-HSM are outside). A key fails when it is RSA(-HSM) with `keySize` < 2048 or unknown
// (null), or EC(-HSM) whose `curve` is not P-256, P-384 or P-521 (P-256K or null fail).

const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);
const one = (name: string, over: Partial<Key>) => inventory({ keys: [key(name, over)] });
const rsa = (keySize: number | null, keyType: Key['keyType'] = 'RSA'): Partial<Key> => ({
  keyType,
  keySize,
  curve: null,
});
const ec = (curve: Key['curve'], keyType: Key['keyType'] = 'EC'): Partial<Key> => ({
  keyType,
  keySize: null,
  curve,
});

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only oct and oct-HSM keys → not_applicable: outside the population',
    inventory: inventory({
      keys: [
        key('sym', { keyType: 'oct', keySize: 128, curve: null }),
        key('sym-hsm', { keyType: 'oct-HSM', keySize: null, curve: null }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only a managed RSA 1024 key → not_applicable',
    inventory: one('managed-weak', { ...rsa(1024), managed: true }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'only a disabled RSA 1024 key → not_applicable',
    inventory: one('off-weak', { ...rsa(1024), enabled: false }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'RSA 2048 → pass',
    inventory: one('rsa2048', rsa(2048)),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'RSA-HSM 3072 (builder default) and RSA 4096 → pass',
    inventory: inventory({ keys: [key('default'), key('rsa4096', rsa(4096))] }),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'RSA 1024 → fail',
    inventory: one('rsa1024', rsa(1024)),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa1024')], metric: null },
  },
  {
    name: 'RSA 2047 → fail (just below 2048)',
    inventory: one('rsa2047', rsa(2047)),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa2047')] },
  },
  {
    name: 'RSA with keySize null (unknown size) → fail',
    inventory: one('rsa-null', rsa(null)),
    expect: { status: 'fail', evaluated: 1, failing: [id('rsa-null')] },
  },
  {
    name: 'RSA-HSM 1024 and RSA-HSM with null size → fail',
    inventory: inventory({
      keys: [key('hsm1024', rsa(1024, 'RSA-HSM')), key('hsm-null', rsa(null, 'RSA-HSM'))],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('hsm1024'), id('hsm-null')] },
  },
  {
    name: 'EC P-256, P-384 and P-521 → pass',
    inventory: inventory({
      keys: [key('p256', ec('P-256')), key('p384', ec('P-384')), key('p521', ec('P-521'))],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [] },
  },
  {
    name: 'EC P-256K → fail',
    inventory: one('p256k', ec('P-256K')),
    expect: { status: 'fail', evaluated: 1, failing: [id('p256k')] },
  },
  {
    name: 'EC with curve null → fail',
    inventory: one('ec-null', ec(null)),
    expect: { status: 'fail', evaluated: 1, failing: [id('ec-null')] },
  },
  {
    name: 'EC-HSM P-256K fails, EC-HSM P-521 passes',
    inventory: inventory({
      keys: [key('echsm-k', ec('P-256K', 'EC-HSM')), key('echsm-ok', ec('P-521', 'EC-HSM'))],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('echsm-k')] },
  },
  {
    name: 'mixed: weak ones listed in inventory order; oct, managed and disabled weak ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-ec-null', { vault: 'kv-b', ...ec(null) }),
        key('ok', { vault: 'kv-a' }),
        key('sym', { vault: 'kv-a', keyType: 'oct', keySize: 64, curve: null }),
        key('managed', { vault: 'kv-a', ...rsa(1024), managed: true }),
        key('off', { vault: 'kv-a', ...rsa(512), enabled: false }),
        key('p384', { vault: 'kv-a', ...ec('P-384') }),
        key('a-rsa1024', { vault: 'kv-a', ...rsa(1024) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [id('z-ec-null', 'kv-b'), id('a-rsa1024', 'kv-a')] },
  },
  {
    name: 'strong key next to oct keys → pass with evaluated 1',
    inventory: inventory({
      keys: [key('sym', { keyType: 'oct', keySize: 64, curve: null }), key('ok', rsa(2048))],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
