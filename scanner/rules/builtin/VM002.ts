import { settingId } from '../../inventory/ids.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'VM002',
    name: 'Hardcoded Credential Detection',
    severity: 'Critical',
    class: 'framework',
    category: 'dependencies',
    description:
      'An app setting holding a credential in plain text exposes it to anyone who can read the configuration; it belongs in Key Vault.',
    remediation:
      'Move the value into a Key Vault secret, replace the setting with a Key Vault reference, and rotate the exposed credential.',
    needs: ['resources'],
  },
  (inv) => {
    const failing: string[] = [];
    let evaluated = 0;
    const resources = inv.resources!;
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i]!;
      for (let j = 0; j < r.settings.length; j++) {
        const s = r.settings[j]!;
        evaluated++;
        if (s.kind === 'plain' && s.looksLikeCredential) failing.push(settingId(r.id, s.name));
      }
    }
    return listOutcome(evaluated, failing);
  },
);
