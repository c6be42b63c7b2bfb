/** Report 3: each vault's access model and network exposure at the time of the scan. */
import type { Cell } from '../types.js';
import { col, count, type ReportSpec } from './common.js';

export const vaultPosture: ReportSpec = {
  id: 'vault-posture',
  title: 'Vault access and network posture',
  basis: 'snapshot',
  describe: (ctx) =>
    `Per Key Vault, how data-plane access is authorised and how the vault is reachable over the ` +
    `network, as read from Azure Resource Manager by ${ctx.scan}.`,
  columns: [
    col('vault_id', 'ARM resource id of the vault.'),
    col('vault_name', 'Name of the vault.'),
    col('subscription_id', 'Azure subscription holding the vault.'),
    col('resource_group', 'Resource group holding the vault.'),
    col('location', 'Azure region of the vault.'),
    col('sku', 'standard or premium (premium allows HSM-backed keys).'),
    col(
      'rbac_authorization',
      'true when data-plane access is granted through Azure RBAC rather than access policies.',
    ),
    col('public_network_access', 'Enabled or Disabled.'),
    col('network_default_action', 'Allow or Deny: what the firewall does with traffic no rule matches.'),
    col('private_endpoints', 'Number of private endpoint connections (integer).'),
    col(
      'open_to_public_networks',
      'true when public network access is Enabled and the default action is Allow (the CIS-8.7 failure).',
    ),
    col(
      'data_plane_access_error',
      "Why Certify could not list the vault's contents, or empty when it could.",
    ),
  ],
  build(input) {
    const rows: Cell[][] = [];
    let open = 0;
    let errors = 0;
    for (const v of input.snapshot.inventory.vaults) {
      const isOpen = v.publicNetworkAccess === 'Enabled' && v.networkDefaultAction === 'Allow';
      if (isOpen) open++;
      if (v.accessError !== null) errors++;
      rows.push([
        v.id,
        v.name,
        v.subscriptionId,
        v.resourceGroup,
        v.location,
        v.sku,
        v.rbacAuthorization,
        v.publicNetworkAccess,
        v.networkDefaultAction,
        v.privateEndpointConnections,
        isOpen,
        v.accessError,
      ]);
    }
    const notes = [`${count(rows.length, 'vault')}; ${open} open to public networks.`];
    if (errors > 0) {
      notes.push(
        `${count(errors, 'vault')} could not be listed on the data plane; their settings above still come from Azure Resource Manager.`,
      );
    }
    return { rows, notes };
  },
};
