/**
 * The repository of custom rules (rules.md, "Custom rules") over `custom-rules.json`.
 * Validation is a port: the store decides identity (built-in, duplicate, unknown), the
 * validator decides what a well-formed rule is.
 */
import { join } from 'node:path';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import {
  builtinIdProblem,
  customRuleChecks,
  duplicateRule,
  foldRuleId,
  unknownRule,
  type CustomRuleStoreOptions,
  type CustomRuleValidator,
} from './custom-rule-checks.js';
import { createDocument, freshReader, isPlainObject } from './json-file.js';
import type { JsonDocument } from './json-file.js';

export const CUSTOM_RULES_FILE = 'custom-rules.json';

export type { CustomRuleStoreOptions, CustomRuleValidator } from './custom-rule-checks.js';

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

/** Builds the store without touching the disk; the file is read on first use. */
export function createCustomRuleStore(dir: string, options: CustomRuleStoreOptions): CustomRuleStore {
  const { validate } = options;
  const { builtins, assertNotBuiltin, validated, changed } = customRuleChecks(options);

  const doc: JsonDocument<CustomRulesData> = createDocument({
    path: join(dir, CUSTOM_RULES_FILE),
    kind: 'certify.custom-rules',
    version: 1,
    empty: () => ({ rules: [] }),
    check: (data) => storedProblems(data, builtins, validate),
  });

  const current = freshReader(doc);

  /** Validates a change to rule `id` and stores it, checking existence against fresh data. */
  async function change(id: string, patch: unknown): Promise<CustomRuleDef> {
    assertNotBuiltin(id);
    let saved: CustomRuleDef | undefined;
    await doc.update((data) => {
      const index = data.rules.findIndex((r) => r.id === id);
      const current = data.rules[index];
      if (current === undefined) throw unknownRule(id, data.rules);
      const value = changed(id, current, patch);
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
        const clash = data.rules.find((r) => foldRuleId(r.id) === foldRuleId(value.id));
        if (clash !== undefined) throw duplicateRule(value.id, clash.id);
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
      const builtin = builtinIdProblem(at, id, builtins);
      if (builtin !== null) problems.push(builtin);
      const earlier = seen.get(foldRuleId(id));
      if (earlier === id) problems.push(`${at}: repeats the id ${id}`);
      else if (earlier !== undefined)
        problems.push(`${at}: ${id} differs from the id ${earlier} only by case`);
      seen.set(foldRuleId(id), id);
    }
    const outcome = validate(rule, 'update');
    if (!outcome.ok) {
      for (const problem of outcome.problems)
        problems.push(`${at}${id === null ? '' : ` (${id})`}: ${problem}`);
    }
  });
  return problems;
}
