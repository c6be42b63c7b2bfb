/**
 * Custom rules as an application service: the one place a rule is added, updated, removed,
 * enabled or disabled, and recorded in the operator audit log. The chat handlers and the CLI both
 * parse their input and call this; the store validates (the whitelist of rules.md) and decides
 * identity (built-in, duplicate, unknown).
 */
import { describeCondition } from '../scanner/rules/custom.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import type { CustomRuleStore } from '../store/custom-rules.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../evidence/types.js';

/** Who changes a rule, and when the change is recorded. */
export interface RuleChangeBy {
  actor: Actor;
  /** Epoch ms of the audit entry. */
  at: number;
}

export interface RuleService {
  /** The custom rules, in creation order. */
  list(): Promise<CustomRuleDef[]>;
  /** The rule with exactly this id, or null. */
  get(id: string): Promise<CustomRuleDef | null>;
  /** The id as stored when `id` differs from it only by case (`prod-tag` finds PROD-TAG); else `id`. */
  storedId(id: string): Promise<string>;
  /** Validates and adds a rule (a condition given without `value` has value null). */
  add(input: unknown, by: RuleChangeBy): Promise<CustomRuleDef>;
  /** Merges `patch` over the stored rule, then validates the whole. */
  update(id: string, patch: unknown, by: RuleChangeBy): Promise<CustomRuleDef>;
  remove(id: string, by: RuleChangeBy): Promise<CustomRuleDef>;
  setEnabled(id: string, enabled: boolean, by: RuleChangeBy): Promise<CustomRuleDef>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `audit: null` is for wirings without an operator audit log (tests, a core built without one).
 * The log is only appended to after the store accepted the change, so a refused rule leaves no trace.
 */
export function createRuleService(deps: {
  store: CustomRuleStore;
  audit: Pick<AuditLog, 'append'> | null;
}): RuleService {
  const { store } = deps;
  const record = async (action: string, rule: CustomRuleDef, by: RuleChangeBy, withCondition: boolean) => {
    await deps.audit?.append(
      {
        action,
        actor: by.actor,
        subject: rule.id,
        details: withCondition ? { condition: describeCondition(rule.condition) } : {},
      },
      by.at,
    );
  };
  return {
    list: () => store.list(),
    get: (id) => store.get(id),
    async storedId(id) {
      const rules = await store.list();
      if (rules.some((r) => r.id === id)) return id;
      const folded = id.toLowerCase();
      return rules.find((r) => r.id.toLowerCase() === folded)?.id ?? id;
    },
    async add(input, by) {
      if (isObject(input) && isObject(input.condition) && !('value' in input.condition)) {
        input.condition.value = null;
      }
      const created = await store.create(input);
      await record('rule.added', created, by, true);
      return created;
    },
    async update(id, patch, by) {
      const updated = await store.update(id, patch);
      await record('rule.updated', updated, by, true);
      return updated;
    },
    async remove(id, by) {
      const removed = await store.remove(id);
      await record('rule.removed', removed, by, false);
      return removed;
    },
    async setEnabled(id, enabled, by) {
      const changed = await store.setEnabled(id, enabled);
      await record(enabled ? 'rule.enabled' : 'rule.disabled', changed, by, false);
      return changed;
    },
  };
}
