/**
 * Custom rules (rules.md, "Custom rules"): a whitelisted condition, validated field by field
 * and compiled into a plain predicate. Nothing a user writes is ever evaluated as code: every
 * string is only compared (equality or substring), never parsed, matched as a pattern or run.
 */
import { CertifyError } from '../../base/errors.js';
import type { Certificate, Inventory, Key, Secret } from '../inventory/types.js';
import { DAY_MS } from '../../base/time.js';
import { CUSTOM_FIELDS, CUSTOM_OPERATORS, CUSTOM_SCOPES } from './custom-types.js';
import type {
  CustomCondition,
  CustomField,
  CustomOperator,
  CustomRuleDef,
  CustomScope,
} from './custom-types.js';
import { timesOf } from './facts.js';
import { SEVERITIES, SEVERITY_WEIGHT, defineRule, listOutcome } from './types.js';
import type { Rule, RuleOutcome, Severity } from './types.js';

/** The operators each field takes, in the order error messages list them. */
export const CUSTOM_FIELD_OPERATORS: Readonly<Record<CustomField, readonly CustomOperator[]>> = Object.freeze(
  {
    expires_within_days: ['greater_than', 'less_than', 'equals', 'not_equals', 'exists', 'not_exists'],
    tag_present: ['exists', 'equals', 'not_exists', 'not_equals'],
    enabled: ['equals', 'not_equals'],
    name_contains: ['exists', 'equals', 'not_exists', 'not_equals'],
    vault_name: ['equals', 'not_equals'],
    asset_type: ['equals', 'not_equals', 'exists', 'not_exists'],
  },
);

export type CustomRuleValidation = { ok: true; value: CustomRuleDef } | { ok: false; problems: string[] };

const RULE_KEYS = ['id', 'name', 'description', 'severity', 'weight', 'enabled', 'condition'] as const;
const CONDITION_KEYS = ['operator', 'asset_field', 'asset_scope', 'value'] as const;

export const CUSTOM_ID_PATTERN = /^[A-Z][A-Z0-9_-]{1,39}$/;
const ID_RULE = `a string matching ${CUSTOM_ID_PATTERN.source} (an uppercase letter, then 1–39 uppercase letters, digits, "_" or "-")`;
const NAME_MAX = 120;
const DESCRIPTION_MAX = 2000;
const WEIGHT_MIN = 1;
const WEIGHT_MAX = 30;
/** User text echoed in a problem is clipped so a hostile value cannot flood a log or a card. */
const ECHO_MAX = 60;

type ValueKind = 'none' | 'number' | 'boolean' | 'string' | 'tag';

const NEEDS: Readonly<Record<Exclude<ValueKind, 'none'>, string>> = {
  number: 'a number',
  boolean: 'true or false',
  string: 'a non-empty string',
  tag: 'a string "key" or "key=value" with a non-empty key',
};

/** `exists` / `not_exists` ask whether the expiry or type is set at all, so they take no value. */
function valueKind(field: CustomField, operator: CustomOperator): ValueKind {
  switch (field) {
    case 'expires_within_days':
      return operator === 'exists' || operator === 'not_exists' ? 'none' : 'number';
    case 'asset_type':
      return operator === 'exists' || operator === 'not_exists' ? 'none' : 'string';
    case 'tag_present':
      return 'tag';
    case 'enabled':
      return 'boolean';
    case 'name_contains':
    case 'vault_name':
      return 'string';
  }
}

/** The one kind of value a field takes whatever its operator, or null when it depends on it. */
function fieldValueKind(field: CustomField): ValueKind | null {
  return field === 'expires_within_days' || field === 'asset_type' ? null : valueKind(field, 'equals');
}

// ---------------------------------------------------------------------------------------------
// Validation

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function quote(s: string): string {
  const clipped = s.length > ECHO_MAX ? `${s.slice(0, ECHO_MAX)}…` : s;
  // JSON quoting also escapes control characters, so an echoed value cannot forge a new line.
  return JSON.stringify(clipped);
}

/** How a bad value is shown in a problem: its JSON type and, for scalars, the value itself. */
function got(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `string ${quote(v)}`;
    case 'number':
      return `number ${String(v)}`;
    case 'boolean':
      return `boolean ${String(v)}`;
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** A value as it appears where a whitelist is enforced: strings quoted, anything else by type. */
function shown(v: unknown): string {
  return typeof v === 'string' ? quote(v) : got(v);
}

function keyPath(prefix: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) && key.length <= ECHO_MAX;
  if (prefix === '') return safe ? key : `[${quote(key)}]`;
  return safe ? `${prefix}.${key}` : `${prefix}[${quote(key)}]`;
}

/** Length in Unicode code points: what a person counts as characters, emoji included. */
function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

function oneOf(list: readonly string[]): string {
  return `use one of ${list.join(', ')}`;
}

function includes<T extends string>(list: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (list as readonly string[]).includes(v);
}

function checkValue(
  problems: string[],
  field: CustomField,
  operator: CustomOperator | null,
  kind: ValueKind,
  value: unknown,
): void {
  const where = operator === null ? field : `${field} with ${operator}`;
  if (kind === 'none') {
    if (value !== undefined && value !== null) {
      problems.push(`condition.value: ${where} takes no value; omit it or use null (got ${got(value)})`);
    }
    return;
  }
  let ok: boolean;
  switch (kind) {
    case 'number':
      ok = typeof value === 'number' && Number.isFinite(value);
      break;
    case 'boolean':
      ok = typeof value === 'boolean';
      break;
    case 'string':
      ok = typeof value === 'string' && value.length > 0;
      break;
    case 'tag':
      // A tag needs a name; "=prod" would compare against a tag with an empty name.
      ok = typeof value === 'string' && value.length > 0 && !value.startsWith('=');
      break;
  }
  if (!ok) problems.push(`condition.value: ${where} needs ${NEEDS[kind]} (got ${got(value)})`);
}

/** Validates a condition; returns it normalised (value null when the operator takes none). */
function checkCondition(problems: string[], input: unknown): CustomCondition | null {
  const shape = `an object with exactly ${CONDITION_KEYS.join(', ')}`;
  if (input === undefined) {
    problems.push(`condition: missing; use ${shape}`);
    return null;
  }
  if (!isRecord(input)) {
    problems.push(`condition: must be ${shape} (got ${got(input)})`);
    return null;
  }
  const before = problems.length;
  const operator = own(input, 'operator');
  const field = own(input, 'asset_field');
  const scope = own(input, 'asset_scope');
  const value = own(input, 'value');

  let op: CustomOperator | null = null;
  if (operator === undefined) problems.push(`condition.operator: missing; ${oneOf(CUSTOM_OPERATORS)}`);
  else if (!includes(CUSTOM_OPERATORS, operator)) {
    problems.push(`condition.operator: ${shown(operator)} is not allowed; ${oneOf(CUSTOM_OPERATORS)}`);
  } else op = operator;

  let fld: CustomField | null = null;
  if (field === undefined) problems.push(`condition.asset_field: missing; ${oneOf(CUSTOM_FIELDS)}`);
  else if (!includes(CUSTOM_FIELDS, field)) {
    problems.push(`condition.asset_field: ${shown(field)} is not allowed; ${oneOf(CUSTOM_FIELDS)}`);
  } else fld = field;

  if (scope === undefined) problems.push(`condition.asset_scope: missing; ${oneOf(CUSTOM_SCOPES)}`);
  else if (!includes(CUSTOM_SCOPES, scope)) {
    problems.push(`condition.asset_scope: ${shown(scope)} is not allowed; ${oneOf(CUSTOM_SCOPES)}`);
  }

  if (fld !== null) {
    const allowed = CUSTOM_FIELD_OPERATORS[fld];
    if (op !== null && !allowed.includes(op)) {
      problems.push(`condition.operator: "${op}" does not apply to ${fld}; it takes ${allowed.join(', ')}`);
      op = null;
    }
    if (op !== null) checkValue(problems, fld, op, valueKind(fld, op), value);
    else {
      // The operator is wrong, but some fields take one kind of value whatever the operator.
      const kind = fieldValueKind(fld);
      if (kind !== null) checkValue(problems, fld, null, kind, value);
    }
  }

  for (const k of Object.keys(input)) {
    if (!(CONDITION_KEYS as readonly string[]).includes(k)) {
      problems.push(
        `${keyPath('condition', k)}: unknown key; a condition has exactly ${CONDITION_KEYS.join(', ')}`,
      );
    }
  }
  if (problems.length > before) return null;
  return {
    operator: operator as CustomOperator,
    asset_field: field as CustomField,
    asset_scope: scope as CustomScope,
    value: (value ?? null) as CustomCondition['value'],
  };
}

/**
 * Checks an untrusted custom rule against the whitelist of rules.md and returns it with its
 * defaults filled in, or every problem found, each naming the offending part and what is allowed.
 */
export function validateCustomRule(
  input: unknown,
  opts: { builtinIds: ReadonlySet<string> },
): CustomRuleValidation {
  if (!isRecord(input)) {
    return {
      ok: false,
      problems: [`custom rule: must be an object with ${RULE_KEYS.join(', ')} (got ${got(input)})`],
    };
  }
  const problems: string[] = [];

  const id = own(input, 'id');
  if (id === undefined) problems.push(`id: missing; use ${ID_RULE}`);
  else if (typeof id !== 'string') problems.push(`id: must be ${ID_RULE} (got ${got(id)})`);
  else if (isBuiltinId(id, opts.builtinIds))
    problems.push(`id: ${quote(id)} is a built-in rule id and is read-only`);
  else if (!CUSTOM_ID_PATTERN.test(id)) problems.push(`id: ${quote(id)} is not ${ID_RULE}`);

  const name = own(input, 'name');
  const nameRule = `a string of 1–${NAME_MAX} characters`;
  if (name === undefined) problems.push(`name: missing; use ${nameRule}`);
  else if (typeof name !== 'string') problems.push(`name: must be ${nameRule} (got ${got(name)})`);
  else if (name.trim() === '') problems.push(`name: must not be blank; use ${nameRule}`);
  else if (charCount(name) > NAME_MAX) {
    problems.push(`name: must be 1–${NAME_MAX} characters (got ${charCount(name)} characters)`);
  }

  const description = own(input, 'description');
  if (description !== undefined) {
    if (typeof description !== 'string') {
      problems.push(`description: must be a string of at most 2,000 characters (got ${got(description)})`);
    } else if (charCount(description) > DESCRIPTION_MAX) {
      problems.push(
        `description: must be at most 2,000 characters (got ${charCount(description)} characters)`,
      );
    }
  }

  const severity = own(input, 'severity');
  if (severity === undefined) problems.push(`severity: missing; ${oneOf(SEVERITIES)}`);
  else if (!includes(SEVERITIES, severity)) {
    problems.push(`severity: ${shown(severity)} is not allowed; ${oneOf(SEVERITIES)}`);
  }

  const weight = own(input, 'weight');
  if (
    weight !== undefined &&
    !(typeof weight === 'number' && Number.isInteger(weight) && weight >= WEIGHT_MIN && weight <= WEIGHT_MAX)
  ) {
    problems.push(`weight: must be an integer from ${WEIGHT_MIN} to ${WEIGHT_MAX} (got ${got(weight)})`);
  }

  const enabled = own(input, 'enabled');
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    problems.push(`enabled: must be true or false (got ${got(enabled)})`);
  }

  const condition = checkCondition(problems, own(input, 'condition'));

  for (const k of Object.keys(input)) {
    if (!(RULE_KEYS as readonly string[]).includes(k)) {
      problems.push(`${keyPath('', k)}: unknown key; a custom rule has only ${RULE_KEYS.join(', ')}`);
    }
  }

  if (problems.length > 0 || condition === null) return { ok: false, problems };
  return {
    ok: true,
    value: {
      id: id as string,
      name: name as string,
      description: (description as string | undefined) ?? '',
      severity: severity as Severity,
      weight: (weight as number | undefined) ?? SEVERITY_WEIGHT[severity as Severity],
      enabled: (enabled as boolean | undefined) ?? true,
      condition,
    },
  };
}

function isBuiltinId(id: string, builtinIds: ReadonlySet<string>): boolean {
  if (builtinIds.has(id)) return true;
  // An id that differs from a built-in only by case would read as that rule in a report.
  const upper = id.toUpperCase();
  for (const b of builtinIds) if (b.toUpperCase() === upper) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Compilation

type Asset = Secret | Key | Certificate;
/** `expiresMs` is NaN when the asset has no expiry. */
type Predicate = (asset: Asset, expiresMs: number, now: number) => boolean;

/** `"key"` or `"key=value"`, split at the first `=` so a value may itself contain `=`. */
function parseTag(spec: string): { key: string; value: string | null } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { key: spec, value: null } : { key: spec.slice(0, eq), value: spec.slice(eq + 1) };
}

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
  const selectsPresence = op === 'exists' || op === 'equals';
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
      return selectsPresence ? (a) => has(a.tags) : (a) => !has(a.tags);
    }
    case 'enabled': {
      const v = value as boolean;
      return op === 'equals' ? (a) => a.enabled === v : (a) => a.enabled !== v;
    }
    case 'name_contains': {
      const needle = (value as string).toLowerCase();
      return selectsPresence
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

const SINGULAR: Readonly<Record<CustomScope, string>> = {
  secrets: 'secret',
  certificates: 'certificate',
  keys: 'key',
};

function days(n: number): string {
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

function typeName(scope: CustomScope): string {
  return scope === 'secrets' ? 'content type' : 'key type';
}

/** A plain-English description of what a condition selects, e.g. `secrets whose tag env=production is missing`. */
export function describeCondition(c: CustomCondition): string {
  const s = c.asset_scope;
  const v = c.value;
  switch (c.asset_field) {
    case 'expires_within_days':
      switch (c.operator) {
        case 'greater_than':
          return `${s} with more than ${days(v as number)} left before they expire`;
        case 'less_than':
          return `${s} with less than ${days(v as number)} left before they expire (expired ones included)`;
        case 'equals':
          return `${s} with exactly ${days(v as number)} left before they expire (whole days)`;
        case 'not_equals':
          return `${s} with an expiry date and not exactly ${days(v as number)} left (whole days)`;
        case 'exists':
          return `${s} that have an expiry date`;
        case 'not_exists':
          return `${s} that have no expiry date`;
      }
      break;
    case 'tag_present':
      return `${s} whose tag ${String(v)} is ${c.operator === 'exists' || c.operator === 'equals' ? 'present' : 'missing'}`;
    case 'enabled':
      return `${s} that are ${(c.operator === 'equals') === v ? 'enabled' : 'disabled'}`;
    case 'name_contains':
      return `${s} whose name ${c.operator === 'exists' || c.operator === 'equals' ? 'contains' : 'does not contain'} ${JSON.stringify(v)} (ignoring case)`;
    case 'vault_name':
      return `${s} ${c.operator === 'equals' ? 'in' : 'outside'} vault ${String(v)}`;
    case 'asset_type':
      switch (c.operator) {
        case 'equals':
          return `${s} whose ${typeName(s)} is ${String(v)}`;
        case 'not_equals':
          return `${s} whose ${typeName(s)} is not ${String(v)} (or is not set)`;
        case 'exists':
          return `${s} that have a ${typeName(s)}`;
        case 'not_exists':
          return `${s} that have no ${typeName(s)}`;
      }
      break;
  }
  return `${s} matching ${c.asset_field} ${c.operator} ${String(v)}`;
}

/** What an operator does so that a selected asset is no longer selected. */
function remediationFor(c: CustomCondition): string {
  const one = SINGULAR[c.asset_scope];
  const each = `each listed ${one}`;
  const v = c.value;
  switch (c.asset_field) {
    case 'expires_within_days':
      switch (c.operator) {
        case 'greater_than':
          return `Bring the expiry date of ${each} to at most ${days(v as number)} from now, or rotate it to one that expires sooner.`;
        case 'less_than':
          return `Renew or rotate ${each} so that it has at least ${days(v as number)} left before it expires.`;
        case 'equals':
          return `Move the expiry date of ${each} so that it is not exactly ${days(v as number)} away.`;
        case 'not_equals':
          return `Set the expiry date of ${each} to exactly ${days(v as number)} from now.`;
        case 'exists':
          return `Remove the expiry date from ${each}.`;
        case 'not_exists':
          return `Set an expiry date on ${each}, in line with your rotation policy.`;
      }
      break;
    case 'tag_present': {
      const { key, value } = parseTag(v as string);
      if (c.operator === 'exists' || c.operator === 'equals') {
        return value === null
          ? `Remove the tag ${key} from ${each}.`
          : `Remove the tag ${key} from ${each}, or give it a value other than ${value}.`;
      }
      return value === null ? `Add a tag ${key} to ${each}.` : `Add the tag ${key}=${value} to ${each}.`;
    }
    case 'enabled':
      return `${(c.operator === 'equals') === v ? 'Disable' : 'Enable'} ${each}.`;
    case 'name_contains':
      return c.operator === 'exists' || c.operator === 'equals'
        ? `Replace ${each} with one whose name does not contain ${JSON.stringify(v)} (Key Vault cannot rename in place).`
        : `Replace ${each} with one whose name contains ${JSON.stringify(v)} (Key Vault cannot rename in place).`;
    case 'vault_name':
      return c.operator === 'equals'
        ? `Move ${each} out of vault ${String(v)}.`
        : `Move ${each} into vault ${String(v)}.`;
    case 'asset_type': {
      const what = typeName(c.asset_scope);
      const act = c.asset_scope === 'secrets' ? `Set the ${what} of ${each}` : `Replace ${each} with one`;
      switch (c.operator) {
        case 'equals':
          return c.asset_scope === 'secrets'
            ? `${act} to something other than ${String(v)}.`
            : `${act} whose ${what} is not ${String(v)}.`;
        case 'not_equals':
          return c.asset_scope === 'secrets' ? `${act} to ${String(v)}.` : `${act} of ${what} ${String(v)}.`;
        case 'exists':
          return c.asset_scope === 'secrets'
            ? `Clear the ${what} of ${each}.`
            : `${act} that has no ${what}.`;
        case 'not_exists':
          return c.asset_scope === 'secrets' ? `Set a ${what} on ${each}.` : `${act} whose ${what} is known.`;
      }
      break;
    }
  }
  return `Change ${each} so that it no longer matches the rule.`;
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
