/**
 * Custom rule compilation: a validated condition becomes a plain predicate over the assets of its
 * scope, and the stored rule a Rule like the built-in ones. Nothing a user writes is ever
 * evaluated as code: every string is only compared (equality or substring), never parsed,
 * matched as a pattern or run.
 */
import { CertifyError } from '../../../base/errors.js';
import { DAY_MS } from '../../../base/time.js';
import type { Certificate, Inventory, Key, Secret } from '../../inventory/types.js';
import type { CustomCondition, CustomRuleDef, CustomScope } from '../custom-types.js';
import { timesOf } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';
import type { Rule, RuleOutcome } from '../types.js';
import { parseTag, selectsPresence } from './condition.js';
import { describeCondition, remediationFor } from './describe.js';
import { checkCondition } from './validate.js';

type Asset = Secret | Key | Certificate;
/** `expiresMs` is NaN when the asset has no expiry. */
type Predicate = (asset: Asset, expiresMs: number, now: number) => boolean;

/**
 * Azure treats tag names case-insensitively and values case-sensitively, so `Env` matches
 * `env` but `Production` does not match `production`.
 */
function tagMatcher(spec: string): (tags: Readonly<Record<string, string>>) => boolean {
  const { key, value } = parseTag(spec);
  const keyLower = key.toLowerCase();
  return (tags) => {
    if (Object.hasOwn(tags, key) && (value === null || tags[key] === value)) return true;
    for (const k in tags) {
      if (Object.hasOwn(tags, k) && k.toLowerCase() === keyLower && (value === null || tags[k] === value))
        return true;
    }
    return false;
  };
}

/** Secrets are typed by their content type; keys and certificates by their key type. */
function typeAccessor(scope: CustomScope): (a: Asset) => string | null {
  return scope === 'secrets' ? (a) => (a as Secret).contentType : (a) => (a as Key | Certificate).keyType;
}

/** An empty content type says as little as a missing one. */
function hasType(t: string | null | undefined): t is string {
  return t !== null && t !== undefined && t !== '';
}

/** Compiles a (validated) condition once; the predicate closes over pre-lowercased values. */
function compilePredicate(c: CustomCondition): Predicate {
  const { operator: op, asset_field: field, asset_scope: scope, value } = c;
  const present = selectsPresence(op);
  switch (field) {
    case 'expires_within_days': {
      if (op === 'exists') return (a) => a.expires !== null;
      if (op === 'not_exists') return (a) => a.expires === null;
      const v = value as number;
      switch (op) {
        case 'greater_than':
          return (_a, exp, now) => !Number.isNaN(exp) && (exp - now) / DAY_MS > v;
        case 'less_than':
          return (_a, exp, now) => !Number.isNaN(exp) && (exp - now) / DAY_MS < v;
        // A person who says "expires in 30 days" means a whole-day count, so compare the floor:
        // 30.5 days left is "30 days".
        case 'equals':
          return (_a, exp, now) => !Number.isNaN(exp) && Math.floor((exp - now) / DAY_MS) === v;
        case 'not_equals':
          return (_a, exp, now) => !Number.isNaN(exp) && Math.floor((exp - now) / DAY_MS) !== v;
      }
      break;
    }
    case 'tag_present': {
      const has = tagMatcher(value as string);
      return present ? (a) => has(a.tags) : (a) => !has(a.tags);
    }
    case 'enabled': {
      const v = value as boolean;
      return op === 'equals' ? (a) => a.enabled === v : (a) => a.enabled !== v;
    }
    case 'name_contains': {
      const needle = (value as string).toLowerCase();
      return present
        ? (a) => a.name.toLowerCase().includes(needle)
        : (a) => !a.name.toLowerCase().includes(needle);
    }
    case 'vault_name': {
      const v = (value as string).toLowerCase();
      return op === 'equals' ? (a) => a.vault.toLowerCase() === v : (a) => a.vault.toLowerCase() !== v;
    }
    case 'asset_type': {
      const typeOf = typeAccessor(scope);
      if (op === 'exists') return (a) => hasType(typeOf(a));
      if (op === 'not_exists') return (a) => !hasType(typeOf(a));
      const v = (value as string).toLowerCase();
      if (op === 'equals') {
        return (a) => {
          const t = typeOf(a);
          return hasType(t) && t.toLowerCase() === v;
        };
      }
      return (a) => {
        const t = typeOf(a);
        return !hasType(t) || t.toLowerCase() !== v;
      };
    }
  }
  // Unreachable for a validated condition; compileCustomRule checks before calling.
  throw new Error(`no predicate for ${field} ${op}`);
}

/**
 * Turns a stored custom rule into a Rule. The rule selects the violating assets among the
 * enabled assets of its scope (for secrets and keys, only those not managed by a certificate)
 * and passes when it selects none. Throws INVALID_CUSTOM_RULE for a condition that would not
 * pass validation (e.g. a hand-edited store), rather than guessing what it meant.
 */
export function compileCustomRule(def: CustomRuleDef): Rule {
  const problems: string[] = [];
  const condition = checkCondition(problems, def.condition);
  if (condition === null) {
    throw new CertifyError(
      'INVALID_CUSTOM_RULE',
      `custom rule ${def.id}: the condition is not valid`,
      problems,
    );
  }
  const test = compilePredicate(condition);
  const scope = condition.asset_scope;
  const needsExpiry = condition.asset_field === 'expires_within_days';
  const noTimes = new Float64Array(0);
  const described = describeCondition(condition);

  return defineRule(
    {
      id: def.id,
      name: def.name,
      description: def.description !== '' ? def.description : `Custom rule: flags ${described}.`,
      severity: def.severity,
      weight: def.weight,
      class: 'custom',
      category: 'custom',
      remediation: remediationFor(condition),
      needs: [],
    },
    (inv: Inventory, now: number): RuleOutcome => {
      const list: readonly Asset[] = inv[scope];
      // Shared with the built-in expiry rules, so a scan parses each expiry once.
      const expires = needsExpiry ? timesOf(list, 'expires') : noTimes;
      // Indices first, ids after: growing a million-entry array by push costs more than the test.
      const hits = new Int32Array(list.length);
      let count = 0;
      let evaluated = 0;
      for (let i = 0; i < list.length; i++) {
        const a = list[i]!;
        // Secrets that back a certificate and managed keys are judged through the certificate.
        if (!a.enabled || (a as { managed?: boolean }).managed === true) continue;
        evaluated++;
        if (test(a, needsExpiry ? expires[i]! : Number.NaN, now)) hits[count++] = i;
      }
      const failing = new Array<string>(count);
      for (let j = 0; j < count; j++) failing[j] = list[hits[j]!]!.id;
      return listOutcome(evaluated, failing);
    },
  );
}
