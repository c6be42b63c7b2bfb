import { expiredAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'P007',
    name: 'No Expired Secrets',
    severity: 'Critical',
    class: 'framework',
    category: 'secrets',
    description:
      'An enabled secret past its expiry date is either already breaking a consumer or being used outside its intended lifetime.',
    remediation: 'Rotate the secret with a new expiry, or disable and delete it if nothing uses it any more.',
  },
  expiredAssets('secrets'),
);
