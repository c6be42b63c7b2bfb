import { missingExpiry } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'P001',
    name: 'All Secrets Have Expiry Dates',
    severity: 'High',
    class: 'framework',
    category: 'secrets',
    description:
      'A secret without an expiry date can live forever, so nothing forces it to be rotated and an old leaked value stays valid.',
    remediation:
      'Set an expiry date on the secret (for example 90 days to a year out, per your rotation policy) and plan its rotation before then.',
  },
  missingExpiry('secrets'),
);
