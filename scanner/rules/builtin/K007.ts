import { keysWithoutAutoRotation } from '../families/key-strength.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K007',
    name: 'Keys Rotate Automatically',
    severity: 'High',
    class: 'framework',
    category: 'keys',
    description:
      'Keys should carry a rotation policy with a "Rotate" action, so a new version is created on schedule without anyone remembering to.',
    remediation:
      'Add a rotation policy to the key with a Rotate action (time after create or time before expiry), e.g. rotate every 365 days.',
  },
  keysWithoutAutoRotation,
);
