import { normalizeAssetId } from '../../inventory/ids.js';
import { referencedCredentialIds } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'VM003',
    name: 'Orphaned Credential Detection',
    severity: 'Medium',
    class: 'framework',
    category: 'dependencies',
    description:
      'A secret that no app setting references and no mapped dependency uses may be stale: nobody is known to need it.',
    remediation:
      'Find its owner; map the dependency if it is in use, otherwise disable and delete the secret.',
    needs: ['resources'],
  },
  (inv) => {
    const referenced = referencedCredentialIds(inv);
    const failing: string[] = [];
    let evaluated = 0;
    for (const s of inv.secrets) {
      if (s.managed || !s.enabled) continue;
      evaluated++;
      if (!referenced.has(normalizeAssetId(s.id))) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
