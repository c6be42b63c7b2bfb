import { disabledAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C004',
    name: 'No Disabled Certificates',
    severity: 'Medium',
    class: 'operational',
    category: 'certificates',
    description:
      'Disabled certificates are unused material that clutters the inventory and may still hold a valid private key.',
    remediation: 'Confirm the certificate is retired, then delete it.',
  },
  disabledAssets('certificates'),
);
