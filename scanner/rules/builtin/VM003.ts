import { assetFacts, ENABLED, idsAt, MANAGED, referenceFacts } from '../facts.js';
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
    const { referenced } = referenceFacts(inv);
    const list = inv.secrets;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      if (referenced[i] === 0) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
