import { expiredAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C005',
    name: 'No Expired Certificates',
    severity: 'Critical',
    class: 'framework',
    category: 'certificates',
    description:
      'An enabled certificate past its expiry is no longer trusted by clients and should not be in service.',
    remediation: 'Renew and redeploy the certificate, or disable and delete it if it is no longer used.',
  },
  expiredAssets('certificates'),
);
