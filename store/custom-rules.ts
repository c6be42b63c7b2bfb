/**
 * The repository of custom rules (rules.md, "Custom rules") over `custom-rules.json`.
 * Validation is a port: the store decides identity (built-in, duplicate, unknown), the
 * validator decides what a well-formed rule is.
 */
import { join } from 'node:path';
import { CertifyError } from '../base/errors.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import { createDocument, freshReader, isPlainObject } from './json-file.js';
import type { JsonDocument } from './json-file.js';

export const CUSTOM_RULES_FILE = 'custom-rules.json';

export type CustomRuleValidator = (
  input: unknown,
  mode: 'create' | 'update',
) => { ok: true; value: CustomRuleDef } | { ok: false; problems: string[] };

export interface CustomRuleStoreOptions {
  builtinIds: ReadonlySet<string>;
  validate: CustomRuleValidator;
}

export interface CustomRuleStore {
  /** In creation order; copies. */
  list(): Promise<CustomRuleDef[]>;
  /** The rule with exactly this id (a copy), or null. */
  get(id: string): Promise<CustomRuleDef | null>;
  /** Validates and adds a rule; returns it as stored (defaults filled in by the validator). */
  create(input: unknown): Promise<CustomRuleDef>;
  /** Merges `patch` over the stored rule (one level deep for `condition`), then validates the whole. */
  update(id: string, patch: unknown): Promise<CustomRuleDef>;
  /** Returns the removed rule. */
  remove(id: string): Promise<CustomRuleDef>;
  setEnabled(id: string, enabled: boolean): Promise<CustomRuleDef>;
}

interface CustomRulesData {
  rules: CustomRuleDef[];
}

/** Most ids named in an UNKNOWN_RULE hint, to keep it readable. */
const HINT_IDS = 20;

/** Builds the store without touching the disk; the file is read on first use. */
export function createCustomRuleStore(dir: string, options: CustomRuleStoreOptions): CustomRuleStore {
  const { validate } = options;
  // Built-in ids by folded case, so `p001` is refused as P001 rather than reported as unknown.
  const builtins = new Map([...options.builtinIds].map((id) => [fold(id), id]));

  const doc: JsonDocument<CustomRulesData> = createDocument({
    path: join(dir, CUSTOM_RULES_FILE),
    kind: 'certify.custom-rules',
    version: 1,
    empty: () => ({ rules: [] }),
    check: (data) => storedProblems(data, builtins, validate),
  });

  const current = freshReader(doc);

  function assertNotBuiltin(id: unknown): void {
    const builtin = typeof id === 'string' ? builtins.get(fold(id)) : undefined;
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

  /** Validates a change to rule `id` and stores it, checking existence against fresh data. */
  async function change(id: string, patch: unknown): Promise<CustomRuleDef> {
    assertNotBuiltin(id);
    let saved: CustomRuleDef | undefined;
    await doc.update((data) => {
      const index = data.rules.findIndex((r) => r.id === id);
      const current = data.rules[index];
      if (current === undefined) throw unknownRule(id, data.rules);
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
      const value = validated(merge(current, patch), 'update', `custom rule ${id}`);
      data.rules[index] = value;
      saved = value;
    });
    return structuredClone(saved as CustomRuleDef);
  }

  return {
    async list() {
      return structuredClone((await current()).rules) as CustomRuleDef[];
    },

    async get(id) {
      const rule = (await current()).rules.find((r) => r.id === id);
      return rule === undefined ? null : (structuredClone(rule) as CustomRuleDef);
    },

    async create(input) {
      // Checked before validation, so a built-in id is named as such whatever else is wrong.
      if (isPlainObject(input)) assertNotBuiltin(input.id);
      const value = validated(input, 'create', 'the custom rule');
      assertNotBuiltin(value.id);
      await doc.update((data) => {
        const clash = data.rules.find((r) => fold(r.id) === fold(value.id));
        if (clash !== undefined) {
          throw new CertifyError(
            'DUPLICATE_RULE',
            clash.id === value.id
              ? `a custom rule with id ${value.id} already exists`
              : `${value.id} differs from the existing custom rule ${clash.id} only by case`,
            [],
            `pick another id, or update ${clash.id} instead`,
          );
        }
        data.rules.push(value);
      });
      return structuredClone(value);
    },

    update(id, patch) {
      return change(id, patch);
    },

    async remove(id) {
      assertNotBuiltin(id);
      let removed: CustomRuleDef | undefined;
      await doc.update((data) => {
        const index = data.rules.findIndex((r) => r.id === id);
        if (index === -1) throw unknownRule(id, data.rules);
        [removed] = data.rules.splice(index, 1);
      });
      return structuredClone(removed as CustomRuleDef);
    },

    setEnabled(id, enabled) {
      return change(id, { enabled });
    },
  };
}

function merge(current: CustomRuleDef, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  if (isPlainObject(patch.condition)) merged.condition = { ...current.condition, ...patch.condition };
  return merged;
}

function unknownRule(id: string, rules: readonly CustomRuleDef[]): CertifyError {
  const ids = rules.map((r) => r.id);
  const nearly = ids.find((known) => fold(known) === fold(id));
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

/** A file edited by hand must hold rules the validator accepts, with distinct, non-built-in ids. */
function storedProblems(
  data: unknown,
  builtins: ReadonlyMap<string, string>,
  validate: CustomRuleValidator,
): string[] {
  if (!isPlainObject(data) || !Array.isArray(data.rules)) return ['"data.rules" must be an array'];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  data.rules.forEach((rule: unknown, i) => {
    const at = `data.rules[${i}]`;
    const id = isPlainObject(rule) && typeof rule.id === 'string' ? rule.id : null;
    if (id !== null) {
      const builtin = builtins.get(fold(id));
      if (builtin !== undefined) problems.push(`${at}: ${id} is the id of the built-in rule ${builtin}`);
      const earlier = seen.get(fold(id));
      if (earlier === id) problems.push(`${at}: repeats the id ${id}`);
      else if (earlier !== undefined)
        problems.push(`${at}: ${id} differs from the id ${earlier} only by case`);
      seen.set(fold(id), id);
    }
    const outcome = validate(rule, 'update');
    if (!outcome.ok) {
      for (const problem of outcome.problems)
        problems.push(`${at}${id === null ? '' : ` (${id})`}: ${problem}`);
    }
  });
  return problems;
}

function fold(id: string): string {
  return id.toUpperCase();
}
