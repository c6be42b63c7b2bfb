/**
 * The decisions every CustomRuleStore makes alike, whatever it stores in (custom-rules.json, or
 * PostgreSQL): which ids are built-in, what a valid rule and a valid change are, and the errors
 * that name a built-in, duplicate or unknown rule. Pure: no reading or writing.
 */
import { CertifyError } from '../base/errors.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import { isPlainObject } from './json-file.js';

/** Decides what a well-formed rule is (scanner/rules/custom.ts); the store decides identity. */
export type CustomRuleValidator = (
  input: unknown,
  mode: 'create' | 'update',
) => { ok: true; value: CustomRuleDef } | { ok: false; problems: string[] };

export interface CustomRuleStoreOptions {
  builtinIds: ReadonlySet<string>;
  validate: CustomRuleValidator;
}

/** Most ids named in an UNKNOWN_RULE hint, to keep it readable. */
const HINT_IDS = 20;

/** Ids compare by folded case for identity (P001 and p001 are one id), exactly for lookup. */
export function foldRuleId(id: string): string {
  return id.toUpperCase();
}

export interface CustomRuleChecks {
  /** Built-in ids by folded case, so `p001` is refused as P001 rather than reported as unknown. */
  builtins: ReadonlyMap<string, string>;
  /** READ_ONLY_RULE when `id` is (in any case) a built-in rule's id. */
  assertNotBuiltin(id: unknown): void;
  /** The validator's rule, or INVALID_CUSTOM_RULE naming `what` with its problems. */
  validated(input: unknown, mode: 'create' | 'update', what: string): CustomRuleDef;
  /**
   * The stored rule `current` changed by `patch` (merged one level deep for `condition`) and
   * validated whole; INVALID_CUSTOM_RULE when the patch is not an object or changes the id.
   */
  changed(id: string, current: CustomRuleDef, patch: unknown): CustomRuleDef;
}

export function customRuleChecks(options: CustomRuleStoreOptions): CustomRuleChecks {
  const { validate } = options;
  const builtins = new Map([...options.builtinIds].map((id) => [foldRuleId(id), id]));

  function assertNotBuiltin(id: unknown): void {
    const builtin = typeof id === 'string' ? builtins.get(foldRuleId(id)) : undefined;
    if (builtin !== undefined) {
      throw new CertifyError(
        'READ_ONLY_RULE',
        `${builtin} is a built-in rule and cannot be changed; create a custom rule with its own id`,
      );
    }
  }

  function validated(input: unknown, mode: 'create' | 'update', what: string): CustomRuleDef {
    const outcome = validate(input, mode);
    if (!outcome.ok) {
      throw new CertifyError(
        'INVALID_CUSTOM_RULE',
        `${what} is invalid`,
        outcome.problems,
        'fix the fields named above; rules.md "Custom rules" lists what each one allows',
      );
    }
    return outcome.value;
  }

  function changed(id: string, current: CustomRuleDef, patch: unknown): CustomRuleDef {
    if (!isPlainObject(patch)) {
      throw new CertifyError('INVALID_CUSTOM_RULE', `custom rule ${id} is invalid`, [
        'the change must be an object of the fields to change',
      ]);
    }
    if ('id' in patch && patch.id !== current.id) {
      throw new CertifyError('INVALID_CUSTOM_RULE', `custom rule ${id} is invalid`, [
        `id: cannot be changed (it is ${id}); create a rule with the new id and remove this one`,
      ]);
    }
    const merged: Record<string, unknown> = { ...current, ...patch };
    if (isPlainObject(patch.condition)) merged.condition = { ...current.condition, ...patch.condition };
    return validated(merged, 'update', `custom rule ${id}`);
  }

  return { builtins, assertNotBuiltin, validated, changed };
}

/** DUPLICATE_RULE: `id` is taken by the custom rule `existing` (the same id, or one by case). */
export function duplicateRule(id: string, existing: string): CertifyError {
  return new CertifyError(
    'DUPLICATE_RULE',
    existing === id
      ? `a custom rule with id ${id} already exists`
      : `${id} differs from the existing custom rule ${existing} only by case`,
    [],
    `pick another id, or update ${existing} instead`,
  );
}

/** UNKNOWN_RULE for `id`, naming the known ids (and the one it differs from only by case). */
export function unknownRule(id: string, rules: readonly CustomRuleDef[]): CertifyError {
  const ids = rules.map((r) => r.id);
  const nearly = ids.find((known) => foldRuleId(known) === foldRuleId(id));
  const listed =
    ids.length === 0
      ? 'there are no custom rules yet'
      : `custom rule ids: ${ids.slice(0, HINT_IDS).join(', ')}${ids.length > HINT_IDS ? ', …' : ''}`;
  return new CertifyError(
    'UNKNOWN_RULE',
    `there is no custom rule ${id}`,
    [],
    nearly === undefined ? listed : `ids are case-sensitive: did you mean ${nearly}? ${listed}`,
  );
}

/** The problem of a stored rule whose id is (in any case) a built-in rule's, or null. */
export function builtinIdProblem(
  at: string,
  id: string,
  builtins: ReadonlyMap<string, string>,
): string | null {
  const builtin = builtins.get(foldRuleId(id));
  return builtin === undefined ? null : `${at}: ${id} is the id of the built-in rule ${builtin}`;
}
