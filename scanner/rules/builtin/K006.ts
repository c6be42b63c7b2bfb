import { weakKeys } from '../families/key-strength.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K006',
    name: 'Key Size Requirements',
    severity: 'High',
    class: 'framework',
    category: 'keys',
    description:
      'RSA keys must be at least 2048 bits and EC keys must use P-256, P-384 or P-521; weaker keys no longer meet FIPS or PCI minimums.',
    remediation:
      'Create a replacement key of RSA 2048+ or EC P-256/P-384/P-521, move consumers to it and retire the weak key.',
  },
  weakKeys,
);
