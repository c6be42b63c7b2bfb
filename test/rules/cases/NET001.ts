import type { RuleCase } from '../case.js';
import { inventory, vault, vaultArmId } from '../../support/builders.js';

// NET001: population = every vault (ARM configuration, so a vault whose data plane refused the
// scanner is judged too). A vault fails when `privateEndpointConnections` (the connections in
// state Approved) is 0. Public network access and the firewall play no part (that is CIS-8.7).

const cases: RuleCase[] = [
  {
    name: 'no vaults → not_applicable',
    inventory: inventory({ vaults: [] }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'vaults with one and with three approved private endpoints → pass',
    inventory: inventory({
      vaults: [vault('kv-one'), vault('kv-three', { privateEndpointConnections: 3 })],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'no approved private endpoint → fail',
    inventory: inventory({ vaults: [vault('kv-open', { privateEndpointConnections: 0 })] }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-open')], metric: null },
  },
  {
    name: 'public access disabled but no private endpoint → fail (nothing can reach it privately either)',
    inventory: inventory({
      vaults: [
        vault('kv-closed', {
          publicNetworkAccess: 'Disabled',
          networkDefaultAction: 'Deny',
          privateEndpointConnections: 0,
        }),
      ],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-closed')] },
  },
  {
    name: 'public access open with an approved private endpoint → pass (CIS-8.7 judges the firewall)',
    inventory: inventory({
      vaults: [
        vault('kv-both', {
          publicNetworkAccess: 'Enabled',
          networkDefaultAction: 'Allow',
          privateEndpointConnections: 1,
        }),
      ],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'a vault that refused the data plane is still judged',
    inventory: inventory({
      vaults: [
        vault('kv-blocked', { accessError: 'HTTP 403: ForbiddenByFirewall', privateEndpointConnections: 0 }),
      ],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [vaultArmId('kv-blocked')] },
  },
  {
    name: 'failing vaults in inventory order',
    inventory: inventory({
      vaults: [
        vault('kv-z', { privateEndpointConnections: 0 }),
        vault('kv-private'),
        vault('kv-a', { privateEndpointConnections: 0 }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [vaultArmId('kv-z'), vaultArmId('kv-a')] },
  },
];

export default cases;
