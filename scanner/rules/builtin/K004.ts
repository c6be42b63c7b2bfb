import { disabledAssets } from '../families/vault-assets.js';
import { defineRule } from '../types.js';

export default defineRule(
  {
    id: 'K004',
    name: 'No Disabled Keys',
    severity: 'Medium',
    class: 'operational',
    category: 'keys',
    description:
      'Disabled keys clutter the inventory; keep them only while data they protect still needs decrypting.',
    remediation: 'Confirm no data still depends on the key, then delete it.',
  },
  disabledAssets('keys'),
);
