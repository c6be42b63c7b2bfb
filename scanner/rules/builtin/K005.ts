import { expiredAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K005',
    name: 'No Expired Keys',
    severity: 'Critical',
    class: 'framework',
    category: 'keys',
    description: 'An enabled key past its expiry is used beyond its cryptoperiod.',
    remediation: 'Rotate the key, re-wrap or re-encrypt what it protects, then retire the old version.',
  },
  expiredAssets('keys'),
);
