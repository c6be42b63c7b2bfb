import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'CIS-8.5',
    name: 'Soft Delete Enabled',
    severity: 'Critical',
    class: 'framework',
    category: 'vaults',
    description:
      'Without soft delete a deleted vault or object is gone at once; soft delete keeps it recoverable for the retention period.',
    remediation:
      'Enable soft delete on the vault (Azure now enables it by default and it cannot be turned off again).',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults.filter((v) => !v.softDeleteEnabled).map((v) => v.id),
    ),
);
