import type { RuleCase } from '../case.js';
import type { Vault } from '../../../scanner/inventory/types.js';
import { inventory, vault, vaultArmId } from '../../support/builders.js';

// CIS-8.7: population = vaults (ARM data: vaults with an accessError are judged too); a vault
// fails when `publicNetworkAccess` is Enabled AND `networkDefaultAction` is Allow. Private
// endpoint count does not matter. Failing ids are vault ARM ids.

const net = (
  publicNetworkAccess: Vault['publicNetworkAccess'],
  networkDefaultAction: Vault['networkDefaultAction'],
  over: Partial<Vault> = {},
): Partial<Vault> => ({ publicNetworkAccess, networkDefaultAction, ...over });

const cases: RuleCase[] = [
  {
    name: 'no vaults → not_applicable',
    inventory: inventory({ vaults: [] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'Disabled + Deny (builder default) → pass',
    inventory: inventory(),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'Enabled + Allow → fail',
    inventory: inventory({ vaults: [vault('kv-open', net('Enabled', 'Allow'))] }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-open')], metric: null },
  },
  {
    name: 'Enabled + Deny (firewall) → pass',
    inventory: inventory({ vaults: [vault('kv-fw', net('Enabled', 'Deny'))] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'Disabled + Allow (public access off) → pass',
    inventory: inventory({ vaults: [vault('kv-priv', net('Disabled', 'Allow'))] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'Enabled + Allow with private endpoints still fails',
    inventory: inventory({
      vaults: [vault('kv-both', net('Enabled', 'Allow', { privateEndpointConnections: 3 }))],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-both')] },
  },
  {
    name: 'an inaccessible vault (accessError set) is still judged: Enabled + Allow → fail',
    inventory: inventory({
      vaults: [vault('kv-denied', net('Enabled', 'Allow', { accessError: 'Forbidden' }))],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-denied')] },
  },
  {
    name: 'all four combinations plus an inaccessible open vault: open ones listed in inventory order',
    inventory: inventory({
      vaults: [
        vault('kv-z-open', net('Enabled', 'Allow')),
        vault('kv-fw', net('Enabled', 'Deny')),
        vault('kv-priv', net('Disabled', 'Allow')),
        vault('kv-closed', net('Disabled', 'Deny')),
        vault('kv-a-open', net('Enabled', 'Allow', { accessError: 'Network: blocked' })),
      ],
    }),
    expect: { status: 'fail', evaluated: 5, failing: [vaultArmId('kv-z-open'), vaultArmId('kv-a-open')] },
  },
];

export default cases;
