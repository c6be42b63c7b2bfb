import { weakCertificates } from '../families/key-strength.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'C006',
    name: 'Certificate Key Size Requirements',
    severity: 'High',
    class: 'framework',
    category: 'certificates',
    description:
      'Certificates must use RSA keys of at least 2048 bits or EC keys on P-256, P-384 or P-521; smaller or non-standard keys fall below current minimums.',
    remediation: 'Reissue the certificate with an RSA 2048+ or EC P-256/P-384/P-521 key in its policy.',
  },
  weakCertificates,
);
