import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'CIS-RBAC',
    name: 'RBAC Authorization Enabled',
    severity: 'Medium',
    class: 'framework',
    category: 'vaults',
    description:
      'Azure RBAC gives fine-grained, auditable data-plane permissions; legacy access policies are coarse and harder to review.',
    remediation:
      'Switch the vault permission model to Azure role-based access control and grant roles instead of access policies.',
  },
  (inv) =>
    listOutcome(
      inv.vaults.length,
      inv.vaults.filter((v) => !v.rbacAuthorization).map((v) => v.id),
    ),
);
