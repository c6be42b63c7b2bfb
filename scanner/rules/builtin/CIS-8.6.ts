import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'CIS-8.6',
    name: 'Purge Protection Enabled',
    severity: 'Critical',
    class: 'framework',
    category: 'vaults',
    description:
      'Purge protection stops anyone, including an attacker with high privileges, from permanently erasing deleted material before the retention period ends.',
    remediation: 'Enable purge protection on the vault (it cannot be disabled afterwards).',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults.filter((v) => !v.purgeProtectionEnabled).map((v) => v.id),
    ),
);
