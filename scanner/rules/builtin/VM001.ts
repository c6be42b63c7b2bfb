import { settingId } from '../../inventory/ids.js';
import { referenceFacts } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'VM001',
    name: 'Dependency Mapping Coverage',
    severity: 'High',
    class: 'framework',
    category: 'dependencies',
    description:
      'An app setting that references a Key Vault secret the inventory does not contain is a broken or unmapped reference: the app may fail, or read a secret outside the scanned scope.',
    remediation:
      'Fix the reference to point at an existing secret, or bring the vault that holds it into the scan scope.',
    needs: ['resources'],
  },
  (inv) => {
    const { settingTargets } = referenceFacts(inv);
    const failing: string[] = [];
    let evaluated = 0;
    const resources = inv.resources!;
    for (let i = 0; i < resources.length; i++) {
      const r = resources[i]!;
      for (let j = 0; j < r.settings.length; j++) {
        const s = r.settings[j]!;
        if (s.kind !== 'keyVaultReference') continue;
        if (settingTargets[evaluated++]! < 0) failing.push(settingId(r.id, s.name));
      }
    }
    return listOutcome(evaluated, failing);
  },
);
