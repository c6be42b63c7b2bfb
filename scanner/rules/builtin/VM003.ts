import { referenceFacts } from '../facts.js';
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
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < inv.secrets.length; i++) {
      const s = inv.secrets[i]!;
      if (s.managed || !s.enabled) continue;
      evaluated++;
      if (referenced[i] === 0) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
