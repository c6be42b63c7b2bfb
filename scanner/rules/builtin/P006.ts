import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'P006',
    name: 'Secrets Are Tagged',
    severity: 'Low',
    class: 'operational',
    category: 'secrets',
    description:
      'Untagged secrets have no recorded owner, environment or purpose, which makes reviews and rotations guesswork.',
    remediation: 'Add tags such as owner, env and purpose to the secret.',
  },
  (inv) => {
    const failing: string[] = [];
    let evaluated = 0;
    for (const s of inv.secrets) {
      if (s.managed || !s.enabled) continue;
      evaluated++;
      if (!s.tags || Object.keys(s.tags).length === 0) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
