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
      'Keys should carry a rotation policy whose "Rotate" action will actually fire, so a new version is created on schedule without anyone remembering to. A policy that only rotates "before expiry" never fires on a key that has no expiry date.',
    remediation:
      'Add a rotation policy to the key with a Rotate action after creation (e.g. every 365 days), or give the key an expiry date when its only trigger is time before expiry.',
  },
  keysWithoutAutoRotation,
);
