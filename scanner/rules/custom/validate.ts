/**
 * Custom rule validation (rules.md, "Custom rules"): an untrusted rule is checked field by field
 * against a whitelist, and every problem names the offending part and what is allowed.
 */
import { SEVERITIES, SEVERITY_WEIGHT } from '../types.js';
import type { Severity } from '../types.js';
import { CUSTOM_FIELDS, CUSTOM_OPERATORS, CUSTOM_SCOPES } from '../custom-types.js';
import type {
  CustomCondition,
  CustomField,
  CustomOperator,
  CustomRuleDef,
  CustomScope,
} from '../custom-types.js';

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

/** A value of a whitelist, or null (reported at `path`) when it is missing or not on the list. */
function listed<T extends string>(
  problems: string[],
  path: string,
  v: unknown,
  list: readonly T[],
): T | null {
  if (v === undefined) problems.push(`${path}: missing; ${oneOf(list)}`);
  else if (!includes(list, v)) problems.push(`${path}: ${shown(v)} is not allowed; ${oneOf(list)}`);
  else return v;
  return null;
}

/** Reports every key of `input` that is not in `allowed`; `rule` says what is. */
function unknownKeys(
  problems: string[],
  input: Record<string, unknown>,
  prefix: string,
  allowed: readonly string[],
  rule: string,
): void {
  for (const k of Object.keys(input)) {
    if (!allowed.includes(k)) problems.push(`${keyPath(prefix, k)}: unknown key; ${rule}`);
  }
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

/**
 * Validates a condition; returns it normalised (value null when the operator takes none).
 * compileCustomRule checks a stored condition with it again.
 */
export function checkCondition(problems: string[], input: unknown): CustomCondition | null {
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

  let op = listed(problems, 'condition.operator', operator, CUSTOM_OPERATORS);
  const fld = listed(problems, 'condition.asset_field', field, CUSTOM_FIELDS);
  listed(problems, 'condition.asset_scope', scope, CUSTOM_SCOPES);

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

  unknownKeys(
    problems,
    input,
    'condition',
    CONDITION_KEYS,
    `a condition has exactly ${CONDITION_KEYS.join(', ')}`,
  );
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

  const severity = listed(problems, 'severity', own(input, 'severity'), SEVERITIES);

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

  unknownKeys(problems, input, '', RULE_KEYS, `a custom rule has only ${RULE_KEYS.join(', ')}`);

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
