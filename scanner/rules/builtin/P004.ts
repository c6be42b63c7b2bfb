import { disabledAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'P004',
    name: 'No Disabled Secrets',
    severity: 'Medium',
    class: 'operational',
    category: 'secrets',
    description:
      'Disabled secrets are clutter: nobody can use them, yet they keep old values around and blur the inventory.',
    remediation:
      'Confirm the secret is no longer needed, then delete it (soft delete keeps it recoverable for the retention period).',
  },
  disabledAssets('secrets'),
);
