import { assetFacts, ENABLED, idsAt, MANAGED } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

/** `Object.keys(tags).length === 0` without building the array of keys for every secret. */
function isEmpty(tags: object): boolean {
  for (const k in tags) if (Object.hasOwn(tags, k)) return false;
  return true;
}

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
    const list = inv.secrets;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      evaluated++;
      const s = list[i]!;
      if (!s.tags || isEmpty(s.tags)) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
