/**
 * What a validated custom condition means, shared by the compiled predicate (compile.ts) and the
 * words that describe it (describe.ts), so the two cannot drift apart.
 */
import type { CustomOperator } from '../custom-types.js';

/**
 * For the fields with a present/absent reading (`tag_present`, `name_contains`): `exists` and
 * `equals` select the assets where it holds, `not_exists` and `not_equals` those where it does not.
 */
export function selectsPresence(op: CustomOperator): boolean {
  return op === 'exists' || op === 'equals';
}

/** `"key"` or `"key=value"`, split at the first `=` so a value may itself contain `=`. */
export function parseTag(spec: string): { key: string; value: string | null } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { key: spec, value: null } : { key: spec.slice(0, eq), value: spec.slice(eq + 1) };
}
