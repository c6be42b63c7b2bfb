import { defineRule, listOutcome } from '../types.js';

/**
 * NET001: population = every vault (configuration from Resource Manager, so a vault whose data
 * plane refused the scanner is still judged). Fails when `privateEndpointConnections` — the
 * count of private endpoint connections in state Approved — is 0; pending, rejected or
 * disconnected connections do not count.
 */
export default defineRule(
  {
    id: 'NET001',
    name: 'Vaults are reached through private endpoints',
    severity: 'Medium',
    class: 'framework',
    category: 'vaults',
    description:
      'A vault with an approved private endpoint can be reached from your virtual networks over a private address, so its traffic need not cross the public internet and public access can be switched off. CIS-8.7 judges the firewall; this rule judges whether a private path exists.',
    remediation:
      'Create a private endpoint for the vault in the virtual network of its consumers, approve the connection, add the private DNS zone, then disable public network access.',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults.filter((v) => v.privateEndpointConnections < 1).map((v) => v.id),
    ),
);
