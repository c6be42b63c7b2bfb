/**
 * What an organisation parameter may be, and the checks every change and every stored file goes
 * through (rules.md, "Organisation parameters"). Pure: no I/O. Every problem names the parameter
 * and what it allows, so a refused change says what to type instead.
 */
import { closest } from '../../base/closest.js';
import { DEFAULT_PARAMETERS, PARAMETER_NAMES, type OrgParameters } from './parameters.js';

export type ParameterName = keyof OrgParameters;

/** The values an organisation has set (the rest take their defaults). */
export type ParameterValues = Partial<Record<ParameterName, number>>;

export interface ParameterSpec {
  name: ParameterName;
  /** Inclusive bounds of the whole number allowed. */
  min: number;
  max: number;
  unit: 'days' | 'months';
  /** The rules that read it. */
  rules: readonly string[];
  /** What it sets, in a few words. */
  meaning: string;
}

const spec = (
  name: ParameterName,
  min: number,
  max: number,
  unit: ParameterSpec['unit'],
  rules: readonly string[],
  meaning: string,
): ParameterSpec => Object.freeze({ name, min, max, unit, rules: Object.freeze([...rules]), meaning });

/** Bounds and meaning of each parameter, in PARAMETER_NAMES order. */
export const PARAMETER_SPECS: Readonly<Record<ParameterName, ParameterSpec>> = Object.freeze({
  expiringSoonDays: spec('expiringSoonDays', 1, 365, 'days', ['P003', 'C003', 'K003'], 'expiring soon'),
  expiringCriticalDays: spec(
    'expiringCriticalDays',
    1,
    90,
    'days',
    ['P002', 'C002', 'K002'],
    'expiring critically soon, below expiringSoonDays',
  ),
  secretMaxAgeDays: spec('secretMaxAgeDays', 1, 3650, 'days', ['P008'], "a secret value's maximum age"),
  certificateMaxValidityMonths: spec(
    'certificateMaxValidityMonths',
    1,
    120,
    'months',
    ['C007'],
    "a certificate's maximum validity",
  ),
  keyMaxAgeDays: spec('keyMaxAgeDays', 1, 3650, 'days', ['K009'], "a key's maximum age"),
});

const NAMES_TEXT = PARAMETER_NAMES.join(', ');

/** The parameter `text` names, ignoring case (`expiringsoondays` is expiringSoonDays), or null. */
export function parameterName(text: string): ParameterName | null {
  const folded = text.trim().toLowerCase();
  return PARAMETER_NAMES.find((n) => n.toLowerCase() === folded) ?? null;
}

/** "expiringDays: not an organisation parameter (did you mean …?); the parameters are …". */
export function unknownParameterProblem(text: string): string {
  const near = closest(text, PARAMETER_NAMES);
  return `${text || '(empty name)'}: not an organisation parameter${
    near === undefined ? '' : ` (did you mean ${near}?)`
  }; the parameters are ${NAMES_TEXT}`;
}

/** "a whole number of days from 1 to 365". */
export function allowedText(name: ParameterName): string {
  const s = PARAMETER_SPECS[name];
  return `a whole number of ${s.unit} from ${s.min} to ${s.max}`;
}

function shown(value: unknown): string {
  if (value === undefined) return 'no value (write NAME=VALUE)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** The problem with one value of `name`, or null when it is allowed. */
export function valueProblem(name: ParameterName, value: unknown): string | null {
  const s = PARAMETER_SPECS[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= s.min && value <= s.max) return null;
  return `${name}: must be ${allowedText(name)}, got ${shown(value)}`;
}

/** Problems between parameters, on the values in effect. */
export function effectiveProblems(p: OrgParameters): string[] {
  if (p.expiringCriticalDays < p.expiringSoonDays) return [];
  return [
    `expiringCriticalDays: must be less than expiringSoonDays, got ${p.expiringCriticalDays} with expiringSoonDays ${p.expiringSoonDays}; lower expiringCriticalDays or raise expiringSoonDays`,
  ];
}

/** The values in effect: the defaults, with what the organisation set over them. */
export function effectiveParameters(values: ParameterValues): OrgParameters {
  const out: Record<string, number> = { ...DEFAULT_PARAMETERS };
  for (const name of PARAMETER_NAMES) {
    const v = values[name];
    if (v !== undefined) out[name] = v;
  }
  return out as unknown as OrgParameters;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Problems with a set of stored values (a `parameters.json` edited by hand included): only known
 * names, each value allowed, and the values in effect consistent. Empty when it is fine.
 */
export function storedValuesProblems(values: unknown): string[] {
  if (!isRecord(values)) return ['the parameters must be an object of NAME: value'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const name = PARAMETER_NAMES.find((n) => n === key);
    if (name === undefined) problems.push(unknownParameterProblem(key));
    else {
      const p = valueProblem(name, value);
      if (p !== null) problems.push(p);
    }
  }
  if (problems.length > 0) return problems;
  return effectiveProblems(effectiveParameters(values as ParameterValues));
}

export type ParameterOutcome =
  { ok: true; values: ParameterValues; effective: OrgParameters } | { ok: false; problems: string[] };

/**
 * `changes` (names as typed, ignoring case) applied over the stored `values`. Refused whole, with
 * every problem, when a name is unknown or given twice, a value is not allowed, or the result is
 * inconsistent (expiringCriticalDays not below expiringSoonDays).
 */
export function applyParameterChanges(
  values: ParameterValues,
  changes: readonly (readonly [string, unknown])[],
): ParameterOutcome {
  const problems: string[] = [];
  if (changes.length === 0) {
    return { ok: false, problems: [`name at least one parameter to set: ${NAMES_TEXT}`] };
  }
  const next: ParameterValues = { ...values };
  const seen = new Map<ParameterName, unknown>();
  for (const [typed, value] of changes) {
    const name = parameterName(typed);
    if (name === null) {
      problems.push(unknownParameterProblem(typed));
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${name}: given twice (${shown(seen.get(name))} and ${shown(value)}); give it once`);
      continue;
    }
    seen.set(name, value);
    const p = valueProblem(name, value);
    if (p !== null) problems.push(p);
    // Only values other than the default are kept: a parameter is set exactly when it differs.
    else if (value === DEFAULT_PARAMETERS[name]) delete next[name];
    else next[name] = value as number;
  }
  if (problems.length > 0) return { ok: false, problems };
  const effective = effectiveParameters(next);
  const inconsistent = effectiveProblems(effective);
  if (inconsistent.length > 0) return { ok: false, problems: inconsistent };
  return { ok: true, values: next, effective };
}

/**
 * The stored `values` without `names` (all of them when `names` is empty): those parameters take
 * their defaults again. Refused when a name is unknown, or when the defaults would be inconsistent
 * with a value still set (e.g. resetting expiringSoonDays to 30 while expiringCriticalDays is 45).
 */
export function resetParameters(values: ParameterValues, names: readonly string[]): ParameterOutcome {
  const problems: string[] = [];
  const next: ParameterValues = { ...values };
  if (names.length === 0) return { ok: true, values: {}, effective: effectiveParameters({}) };
  for (const typed of names) {
    const name = parameterName(typed);
    if (name === null) problems.push(unknownParameterProblem(typed));
    else delete next[name];
  }
  if (problems.length > 0) return { ok: false, problems };
  const effective = effectiveParameters(next);
  const inconsistent = effectiveProblems(effective);
  if (inconsistent.length > 0) return { ok: false, problems: inconsistent };
  return { ok: true, values: next, effective };
}

/**
 * `NAME=VALUE` words as typed (`expiringSoonDays=45`, `expiringSoonDays = 45`) → name/value pairs
 * for {@link applyParameterChanges}: a value written as a number becomes one, anything else stays
 * text, and a word without `=` has no value, so the checks name every problem at once.
 */
export function parseAssignments(text: string): [string, unknown][] {
  const words = text
    .replace(/\s*=\s*/g, '=')
    .split(/\s+/)
    .filter((w) => w !== '');
  return words.map((word): [string, unknown] => {
    const at = word.indexOf('=');
    if (at < 0) return [word, undefined];
    const raw = word.slice(at + 1);
    return [word.slice(0, at), /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw];
  });
}

/** The parameters in `p` whose value is not the default, in PARAMETER_NAMES order. */
export function nonDefaultParameters(p: OrgParameters): ParameterName[] {
  return PARAMETER_NAMES.filter((n) => p[n] !== DEFAULT_PARAMETERS[n]);
}

/** "45 days", "1 month". */
export function parameterValueText(name: ParameterName, value: number): string {
  const unit = PARAMETER_SPECS[name].unit;
  return `${value} ${value === 1 ? unit.slice(0, -1) : unit}`;
}

/**
 * One line naming each non-default value, e.g. "Organisation parameters: expiringSoonDays 45 days
 * (default 30)"; null when every value is the default.
 */
export function nonDefaultLine(p: OrgParameters): string | null {
  const names = nonDefaultParameters(p);
  if (names.length === 0) return null;
  const parts = names.map((n) => `${n} ${parameterValueText(n, p[n])} (default ${DEFAULT_PARAMETERS[n]})`);
  return `Organisation parameters: ${parts.join(', ')}`;
}

/**
 * One line per parameter for a report's cover or a terminal, e.g. "expiringSoonDays = 45 days
 * (default 30 days): P003, C003, K003".
 */
export function parameterLines(p: OrgParameters): string[] {
  return PARAMETER_NAMES.map((n) => {
    const d = DEFAULT_PARAMETERS[n];
    const which = p[n] === d ? 'the default' : `default ${parameterValueText(n, d)}`;
    return `${n} = ${parameterValueText(n, p[n])} (${which}): ${PARAMETER_SPECS[n].rules.join(', ')}`;
  });
}
