import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'CIS-8.7',
    name: 'Private Network Access',
    severity: 'High',
    class: 'framework',
    category: 'vaults',
    description:
      'A vault open to the public internet with a default action of Allow accepts requests from anywhere; access should go through private endpoints or a firewall.',
    remediation:
      'Disable public network access and use a private endpoint, or set the firewall default action to Deny with explicit allowed networks.',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults
        .filter((v) => v.publicNetworkAccess === 'Enabled' && v.networkDefaultAction === 'Allow')
        .map((v) => v.id),
    ),
);
