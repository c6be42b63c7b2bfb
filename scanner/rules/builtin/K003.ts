import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K003',
    name: 'No Keys Expiring Within 30 Days',
    severity: 'High',
    class: 'framework',
    category: 'keys',
    description: 'Keys expiring within 30 days need a rotation scheduled and tested.',
    remediation: 'Rotate the key ahead of its expiry, ideally through a rotation policy.',
  },
  expiringWithin('keys', 30),
);
