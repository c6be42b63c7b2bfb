import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'P005',
    name: 'All Vaults Accessible',
    severity: 'High',
    class: 'operational',
    category: 'vaults',
    description:
      'A vault whose contents could not be listed is a blind spot: none of its secrets, keys or certificates were checked.',
    remediation:
      'Grant the scanner identity list and get-metadata permissions on the vault data plane, or allow it through the vault firewall.',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults.filter((v) => v.accessError !== null).map((v) => v.id),
    ),
);
