import { missingExpiry } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K001',
    name: 'All Keys Have Expiry Dates',
    severity: 'High',
    class: 'framework',
    category: 'keys',
    description: 'A key without an expiry date has no enforced cryptoperiod.',
    remediation: 'Set an expiry date on the key and a rotation policy that renews it before then.',
  },
  missingExpiry('keys'),
);
