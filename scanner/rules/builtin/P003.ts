import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'P003',
    name: 'No Secrets Expiring Within 30 Days',
    severity: 'High',
    class: 'framework',
    category: 'secrets',
    description:
      "Secrets expiring within weeks leave little room to schedule a rotation and test the consumers. The window is the organisation parameter expiringSoonDays (30 days by default); the rule's name keeps the default.",
    remediation: 'Schedule the rotation of the secret within the next few weeks and confirm who owns it.',
  },
  expiringWithin('secrets', 'expiringSoonDays'),
);
