import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K003',
    name: 'No Keys Expiring Within 30 Days',
    severity: 'High',
    class: 'framework',
    category: 'keys',
    description:
      "Keys expiring within weeks need a rotation scheduled and tested. The window is the organisation parameter expiringSoonDays (30 days by default); the rule's name keeps the default.",
    remediation: 'Rotate the key ahead of its expiry, ideally through a rotation policy.',
  },
  expiringWithin('keys', 'expiringSoonDays'),
);
