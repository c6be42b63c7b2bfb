import { defineRule, listOutcome } from '../types.js';

/** Names that say nothing about what a secret protects (rules.md, P015). */
const GENERIC_STEMS: ReadonlySet<string> = new Set(
  'password passwd pwd pass secret key apikey token test temp tmp default admin changeme credential credentials value mysecret'.split(
    ' ',
  ),
);

/** Lowercase, drop `-`, `_` and `.`, then drop trailing digits: `Key_1` → `key`. */
export function nameStem(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '').replace(/\d+$/, '');
}

export default defineRule(
  {
    id: 'P015',
    name: 'Secret Naming Convention',
    severity: 'Low',
    class: 'operational',
    category: 'secrets',
    description:
      'Generic names such as "password" or "key1" say nothing about what a secret protects, so owners and consumers cannot be traced.',
    remediation:
      'Recreate the secret under a descriptive name (system and purpose, e.g. "checkout-db-password") and update its references.',
  },
  (inv) => {
    const failing: string[] = [];
    let evaluated = 0;
    for (const s of inv.secrets) {
      if (s.managed) continue;
      evaluated++;
      if (GENERIC_STEMS.has(nameStem(s.name))) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
