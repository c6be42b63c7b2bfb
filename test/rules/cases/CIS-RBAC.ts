import type { RuleCase } from '../case.js';
import { NOW, inventory, key, secret, vault, vaultArmId } from '../../support/builders.js';

// CIS-RBAC: population = vaults (ARM data: vaults with an accessError are judged too); a vault fails
// when `rbacAuthorization` is false. Failing ids are vault ARM ids. Data-plane assets do not matter.

const cases: RuleCase[] = [
  {
    name: 'no vaults → not_applicable',
    inventory: inventory({ vaults: [] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'no vaults but secrets and keys present → still not_applicable',
    inventory: inventory({ vaults: [], secrets: [secret('s')], keys: [key('k')] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'one vault with RBAC authorization on → pass',
    inventory: inventory(),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'a vault with RBAC authorization off fails',
    inventory: inventory({ vaults: [vault('kv-a', { rbacAuthorization: false })] }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-a')], metric: null },
  },
  {
    name: 'an inaccessible vault (accessError set) is still judged: RBAC authorization off → fail',
    inventory: inventory({
      vaults: [vault('kv-denied', { accessError: 'Forbidden', rbacAuthorization: false })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-denied')] },
  },
  {
    name: 'an inaccessible vault with RBAC authorization on → pass (evaluated 1)',
    inventory: inventory({ vaults: [vault('kv-denied', { accessError: 'Forbidden' })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'only RBAC authorization matters: otherwise poor vaults with it on → pass',
    inventory: inventory({
      vaults: [
        vault('kv-a', { softDeleteEnabled: false, purgeProtectionEnabled: false }),
        vault('kv-b', { sku: 'standard', publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow' }),
      ],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'failing vaults in inventory order (not sorted); accessible and inaccessible alike',
    inventory: inventory({
      vaults: [
        vault('kv-z', { rbacAuthorization: false }),
        vault('kv-ok'),
        vault('kv-a', { rbacAuthorization: false, accessError: 'Network: private endpoint only' }),
        vault('kv-m', { accessError: 'Forbidden' }),
      ],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [vaultArmId('kv-z'), vaultArmId('kv-a')] },
  },
  {
    name: 'the same vault name in two subscriptions gives two distinct ARM ids',
    inventory: inventory({
      vaults: [
        vault('kv-x', {
          rbacAuthorization: false,
          id: vaultArmId('kv-x', '00000000-0000-0000-0000-0000000000bb'),
        }),
        vault('kv-y', { rbacAuthorization: false }),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 2,
      failing: [vaultArmId('kv-x', '00000000-0000-0000-0000-0000000000bb'), vaultArmId('kv-y')],
    },
  },
  {
    name: 'the evaluation time does not change a configuration rule',
    inventory: inventory({ vaults: [vault('kv-a', { rbacAuthorization: false }), vault('kv-b')] }),
    now: NOW + 365 * 86_400_000,
    expect: { status: 'fail', evaluated: 2, failing: [vaultArmId('kv-a')] },
  },
];

export default cases;
