import type { RuleCase } from '../case.js';
import { inventory, secret, vault, vaultArmId } from '../../support/builders.js';

// P005: population = vaults; a vault fails when `accessError` is not null (its data plane
// could not be listed). Failing ids are vault ARM ids.

const cases: RuleCase[] = [
  {
    name: 'no vaults → not_applicable',
    inventory: inventory({ vaults: [] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'one readable vault → pass',
    inventory: inventory(),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'readable vaults with otherwise poor configuration still pass P005',
    inventory: inventory({
      vaults: [
        vault('kv-a', { sku: 'standard', softDeleteEnabled: false, rbacAuthorization: false }),
        vault('kv-b', { publicNetworkAccess: 'Enabled', networkDefaultAction: 'Allow' }),
      ],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [] },
  },
  {
    name: 'a vault with an access error fails',
    inventory: inventory({ vaults: [vault('kv-denied', { accessError: 'Forbidden: no list permission' })] }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-denied')], metric: null },
  },
  {
    name: 'failing vaults in inventory order (not sorted)',
    inventory: inventory({
      vaults: [
        vault('kv-z', { accessError: 'Forbidden' }),
        vault('kv-ok'),
        vault('kv-a', { accessError: 'Network: private endpoint only' }),
      ],
      secrets: [secret('s', { vault: 'kv-ok' })],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [vaultArmId('kv-z'), vaultArmId('kv-a')] },
  },
  {
    name: 'an empty-string accessError is still not null → fail',
    inventory: inventory({ vaults: [vault('kv-a'), vault('kv-b', { accessError: '' })] }),
    expect: { status: 'fail', evaluated: 2, failing: [vaultArmId('kv-b')] },
  },
];

export default cases;
