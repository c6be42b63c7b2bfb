import { assetFacts, idsAt, MANAGED } from '../facts.js';
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

/** The generic stems by length, to compare a name's stem against in place. */
const STEMS_BY_LENGTH: readonly string[][] = (() => {
  const byLength: string[][] = [];
  for (const stem of GENERIC_STEMS) (byLength[stem.length] ??= []).push(stem);
  return byLength;
})();

function isSeparator(ch: number): boolean {
  return ch === 45 || ch === 95 || ch === 46; // '-', '_', '.'
}

/**
 * `mayBeGeneric(name) && GENERIC_STEMS.has(nameStem(name))` for an ASCII name, comparing in place
 * instead of building three strings per secret; null for any other name, whose lowercase only
 * toLowerCase knows (the Kelvin sign lowercases to a "k"). Read from the end, so a long name is
 * rejected after a dozen characters: its stem is longer than any generic one.
 */
function isGenericAscii(name: string): boolean | null {
  let end = name.length - 1;
  for (; end >= 0; end--) {
    const ch = name.charCodeAt(end);
    if (ch > 127) return null;
    if (!isSeparator(ch) && !(ch >= 48 && ch <= 57)) break;
  }
  // name[0, end] holds the stem and the separators within it.
  let length = 0;
  for (let i = end; i >= 0; i--) {
    const ch = name.charCodeAt(i);
    if (ch > 127) return null;
    if (isSeparator(ch)) continue;
    if (++length > LONGEST_STEM) return false;
  }
  const stems = STEMS_BY_LENGTH[length];
  if (stems === undefined) return false;
  for (let k = 0; k < stems.length; k++) {
    const stem = stems[k]!;
    let j = 0;
    for (let i = 0; j < stem.length; i++) {
      let ch = name.charCodeAt(i);
      if (isSeparator(ch)) continue;
      if (ch >= 65 && ch <= 90) ch += 32;
      if (ch !== stem.charCodeAt(j)) break;
      j++;
    }
    if (j === stem.length) return true;
  }
  return false;
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
    const list = inv.secrets;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & MANAGED) !== 0) continue;
      evaluated++;
      const s = list[i]!;
      const generic = isGenericAscii(s.name) ?? (mayBeGeneric(s.name) && GENERIC_STEMS.has(nameStem(s.name)));
      if (generic) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  },
);
