import type { RuleCase } from '../case.js';
import type { Key } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, key, vault } from '../../support/builders.js';

// K008: population = enabled, non-managed keys of every type (oct keys included). A key fails
// when its `keyType` does not end in `-HSM`: RSA, EC and oct fail; RSA-HSM, EC-HSM and oct-HSM
// pass. The vault's SKU plays no part (that is KMS-HSM).

const id = (name: string, v = 'kv-test') => assetUrl('keys', v, name);
const rsa: Partial<Key> = { keyType: 'RSA', keySize: 2048, curve: null };
const ec: Partial<Key> = { keyType: 'EC', keySize: null, curve: 'P-256' };
const oct: Partial<Key> = { keyType: 'oct', keySize: 256, curve: null };

const cases: RuleCase[] = [
  {
    name: 'no keys → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled and managed software keys → not_applicable',
    inventory: inventory({
      keys: [key('off', { enabled: false, ...rsa }), key('cert-backing', { managed: true, ...rsa })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'RSA-HSM, EC-HSM and oct-HSM keys → pass',
    inventory: inventory({
      keys: [
        key('rsa-hsm'),
        key('ec-hsm', { keyType: 'EC-HSM', keySize: null, curve: 'P-384' }),
        key('oct-hsm', { keyType: 'oct-HSM', keySize: 256, curve: null }),
      ],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'an RSA key → fail',
    inventory: inventory({ keys: [key('soft', rsa)] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('soft')], metric: null },
  },
  {
    name: 'RSA, EC and oct keys all fail (oct keys are in the population)',
    inventory: inventory({ keys: [key('rsa', rsa), key('ec', ec), key('sym', oct)] }),
    expect: { status: 'fail', evaluated: 3, failing: [id('rsa'), id('ec'), id('sym')] },
  },
  {
    name: 'a software key in a Premium vault still fails; an HSM key in a Standard vault passes',
    inventory: inventory({
      vaults: [vault('kv-premium', { sku: 'premium' }), vault('kv-standard', { sku: 'standard' })],
      keys: [key('soft', { vault: 'kv-premium', ...rsa }), key('hsm', { vault: 'kv-standard' })],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('soft', 'kv-premium')] },
  },
  {
    name: 'K008 judges the type only: a weak RSA-HSM 1024 key without a policy passes',
    inventory: inventory({ keys: [key('weak-hsm', { keySize: 1024, rotationPolicy: null, expires: null })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'failing keys in inventory order; disabled and managed ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      keys: [
        key('z-ec', { vault: 'kv-b', ...ec }),
        key('hsm', { vault: 'kv-a' }),
        key('off', { vault: 'kv-a', enabled: false, ...rsa }),
        key('managed', { vault: 'kv-a', managed: true, ...rsa }),
        key('a-rsa', { vault: 'kv-a', ...rsa }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-ec', 'kv-b'), id('a-rsa', 'kv-a')] },
  },
];

export default cases;
