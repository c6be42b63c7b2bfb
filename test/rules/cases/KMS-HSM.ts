import type { RuleCase } from '../case.js';
import { inventory, key, secret, cert, vault, vaultArmId } from '../../support/builders.js';

// KMS-HSM: population = vaults that hold at least one non-managed key (enabled or not, any key
// type); a vault fails when `sku` is not premium. Vaults with no keys, or only managed keys,
// are outside. Failing ids are vault ARM ids, in inventory (vault) order.

const cases: RuleCase[] = [
  {
    name: 'no vaults → not_applicable',
    inventory: inventory({ vaults: [] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'a standard vault with no keys → not_applicable',
    inventory: inventory({ vaults: [vault('kv-std', { sku: 'standard' })] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a standard vault holding only secrets and certificates → not_applicable',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      secrets: [secret('s', { vault: 'kv-std' })],
      certificates: [cert('c', { vault: 'kv-std' })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a standard vault holding only managed keys → not_applicable',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      keys: [key('managed', { vault: 'kv-std', managed: true })],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a premium vault holding a key → pass',
    inventory: inventory({ vaults: [vault('kv-prem')], keys: [key('cmk', { vault: 'kv-prem' })] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'a standard vault holding a key → fail',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      keys: [key('cmk', { vault: 'kv-std', keyType: 'RSA', keySize: 2048 })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-std')], metric: null },
  },
  {
    name: 'a disabled non-managed key still puts its vault in the population → fail',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      keys: [key('old', { vault: 'kv-std', enabled: false })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-std')] },
  },
  {
    name: 'an oct key counts as a key → standard vault fails',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      keys: [key('sym', { vault: 'kv-std', keyType: 'oct', keySize: 256, curve: null })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-std')] },
  },
  {
    name: 'several keys in one vault count the vault once',
    inventory: inventory({
      vaults: [vault('kv-std', { sku: 'standard' })],
      keys: [key('k1', { vault: 'kv-std' }), key('k2', { vault: 'kv-std' }), key('k3', { vault: 'kv-std' })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-std')] },
  },
  {
    name: 'mixed vaults: only standard vaults with non-managed keys fail, in vault order',
    inventory: inventory({
      vaults: [
        vault('kv-z-std', { sku: 'standard' }),
        vault('kv-prem'),
        vault('kv-empty-std', { sku: 'standard' }),
        vault('kv-managed-std', { sku: 'standard' }),
        vault('kv-a-std', { sku: 'standard', accessError: null }),
      ],
      // keys listed in a different order from the vaults
      keys: [
        key('a1', { vault: 'kv-a-std' }),
        key('m1', { vault: 'kv-managed-std', managed: true }),
        key('p1', { vault: 'kv-prem' }),
        key('z1', { vault: 'kv-z-std', enabled: false }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [vaultArmId('kv-z-std'), vaultArmId('kv-a-std')] },
  },
  {
    name: 'premium vaults with keys next to a standard vault without keys → pass',
    inventory: inventory({
      vaults: [vault('kv-p1'), vault('kv-std', { sku: 'standard' }), vault('kv-p2')],
      keys: [
        key('k1', { vault: 'kv-p1' }),
        key('k2', { vault: 'kv-p2', managed: true }),
        key('k3', { vault: 'kv-p2' }),
      ],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
];

export default cases;
