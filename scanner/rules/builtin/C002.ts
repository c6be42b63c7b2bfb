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
      "A certificate expiring within days will soon cause TLS or authentication failures for its users. The window is the organisation parameter expiringCriticalDays (7 days by default); the rule's name keeps the default.",
    remediation: 'Renew the certificate now and deploy the new version to every endpoint that presents it.',
  },
  expiringWithin('certificates', 'expiringCriticalDays'),
);
