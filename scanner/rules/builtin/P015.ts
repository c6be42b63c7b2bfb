import { defineRule, listOutcome } from '../types.js';

/** Names that say nothing about what a secret protects (rules.md, P015). */
const GENERIC_STEMS: ReadonlySet<string> = new Set(
  'password passwd pwd pass secret key apikey token test temp tmp default admin changeme credential credentials value mysecret'.split(
    ' ',
  ),
);

const LONGEST_STEM = 11; // "credentials"

/** Cheap pre-check without allocating: could this name's stem be one of the generic ones? */
function mayBeGeneric(name: string): boolean {
  let letters = 0;
  let trailingDigits = 0;
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch === 45 || ch === 95 || ch === 46) continue;
    letters++;
    trailingDigits = ch >= 48 && ch <= 57 ? trailingDigits + 1 : 0;
  }
  return letters - trailingDigits <= LONGEST_STEM;
}

/** Lowercase, drop `-`, `_` and `.`, then drop trailing digits: `Key_1` → `key`. */
export function nameStem(name: string): string {
  const kept = name.toLowerCase().replace(SEPARATORS, '');
  let end = kept.length;
  while (end > 0 && kept.charCodeAt(end - 1) >= 48 && kept.charCodeAt(end - 1) <= 57) end--;
  return kept.slice(0, end);
}

const SEPARATORS = /[-_.]/g;

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
      if (mayBeGeneric(s.name) && GENERIC_STEMS.has(nameStem(s.name))) failing.push(s.id);
    }
    return listOutcome(evaluated, failing);
  },
);
