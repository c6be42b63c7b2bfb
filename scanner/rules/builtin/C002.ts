import { expiringWithin } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C002',
    name: 'No Certificates Expiring Within 7 Days',
    severity: 'Critical',
    class: 'framework',
    category: 'certificates',
    description:
      'A certificate expiring within a week will soon cause TLS or authentication failures for its users.',
    remediation: 'Renew the certificate now and deploy the new version to every endpoint that presents it.',
  },
  expiringWithin('certificates', 7),
);
