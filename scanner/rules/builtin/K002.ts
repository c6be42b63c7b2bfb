import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K002',
    name: 'No Keys Expiring Within 7 Days',
    severity: 'Critical',
    class: 'framework',
    category: 'keys',
    description:
      "A key expiring within days will stop encrypting, signing or unwrapping for its consumers. The window is the organisation parameter expiringCriticalDays (7 days by default); the rule's name keeps the default.",
    remediation: 'Rotate the key now (create a new version) and make sure consumers pick up the new version.',
  },
  expiringWithin('keys', 'expiringCriticalDays'),
);
