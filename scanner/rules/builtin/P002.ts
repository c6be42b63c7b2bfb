import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'P002',
    name: 'No Secrets Expiring Within 7 Days',
    severity: 'Critical',
    class: 'framework',
    category: 'secrets',
    description:
      "A secret that expires within days is about to break whatever depends on it unless someone rotates it now. The window is the organisation parameter expiringCriticalDays (7 days by default); the rule's name keeps the default.",
    remediation: 'Rotate the secret now: write a new version with a fresh expiry and update its consumers.',
  },
  expiringWithin('secrets', 'expiringCriticalDays'),
);
