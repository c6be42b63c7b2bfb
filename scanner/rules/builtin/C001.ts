import { missingExpiry } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C001',
    name: 'All Certificates Have Expiry Dates',
    severity: 'High',
    class: 'framework',
    category: 'certificates',
    description: 'A certificate without a recorded expiry cannot be tracked for renewal.',
    remediation: 'Reissue the certificate through Key Vault so its validity period is recorded.',
  },
  missingExpiry('certificates'),
);
