import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C003',
    name: 'No Certificates Expiring Within 30 Days',
    severity: 'High',
    class: 'framework',
    category: 'certificates',
    description:
      "Certificates expiring within weeks need their renewal planned, especially when a public CA is involved. The window is the organisation parameter expiringSoonDays (30 days by default); the rule's name keeps the default.",
    remediation:
      'Start the renewal (or enable auto-renewal in the certificate policy) and confirm where the certificate is deployed.',
  },
  expiringWithin('certificates', 'expiringSoonDays'),
);
