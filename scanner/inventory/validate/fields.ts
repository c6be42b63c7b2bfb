/**
 * Field checks. Each takes a field's value, already read by the section (`o.expires`: a named
 * read, which stays fast because parsed elements of one section share a shape; a helper reading
 * `o[field]` for every field is a megamorphic keyed read), and returns it when valid; otherwise
 * it reports a problem at the field's path and returns a placeholder (the result is then
 * discarded). The path parts (`sec`, `i`, `field`) are only joined when a problem is reported.
 */
import { isIsoShape, isIsoTime } from '../../../base/time.js';
import type { Tags } from '../types.js';
import { at, got, propertyPath, type Problems } from './problems.js';

/** REQUIRED: present, not null. NULLABLE: present, may be null. OPTIONAL: may be null or missing (null). */
export const REQUIRED = 0;
export const NULLABLE = 1;
export const OPTIONAL = 2;
export type Presence = typeof REQUIRED | typeof NULLABLE | typeof OPTIONAL;
export type Obj = Record<string, unknown>;

/**
 * A field check: takes the value `v` of `field` of element `i` of the list at `sec` (or of the
 * single object `sec` when `i < 0`) and returns it when valid; otherwise reports a problem at
 * the field's path and returns a placeholder.
 */
export type Check<T> = (p: Problems, v: unknown, sec: string, i: number, field: string) => T;
/** A field check whose field may also be null, or left out, as `presence` says. */
export type PresenceCheck<T> = (
  p: Problems,
  v: unknown,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
) => T;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reports a value that failed its field's check: when it is missing, "is missing" (unless the
 * presence lets it be left out); otherwise `problem`.
 */
export function reject(
  p: Problems,
  v: unknown,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
  problem: string,
): void {
  if (v !== undefined) p.add(at(sec, i, field), problem);
  else if (presence !== OPTIONAL) p.add(at(sec, i, field), 'is missing');
}

export const str: Check<string> = (p, v, sec, i, field) => {
  if (typeof v === 'string') return v;
  reject(p, v, sec, i, field, REQUIRED, `must be a string (got ${got(v)})`);
  return '';
};

/** A non-empty string: used for ids, which name an asset in results and reports. */
export const id: Check<string> = (p, v, sec, i, field) => {
  if (typeof v === 'string' && v !== '') return v;
  reject(p, v, sec, i, field, REQUIRED, `must be a non-empty string (got ${got(v)})`);
  return '';
};

export const strOrNull: PresenceCheck<string | null> = (p, v, sec, i, field, presence) => {
  if (typeof v === 'string' || v === null) return v;
  reject(p, v, sec, i, field, presence, `must be a string or null (got ${got(v)})`);
  return null;
};

/** A boolean; `ifMissing` (when given) is used for a missing value. */
export function bool(
  p: Problems,
  v: unknown,
  sec: string,
  i: number,
  field: string,
  ifMissing?: boolean,
): boolean {
  if (typeof v === 'boolean') return v;
  if (v === undefined && ifMissing !== undefined) return ifMissing;
  reject(p, v, sec, i, field, REQUIRED, `must be true or false (got ${got(v)})`);
  return false;
}

/** The message for a value that is not an ISO 8601 time with a zone. */
export function timeProblem(v: unknown): string {
  if (isIsoShape(v)) return `not an ISO 8601 time (got ${got(v)}, a day that does not exist)`;
  if (typeof v === 'string' && isIsoShape(`${v}Z`)) {
    return `not an ISO 8601 time (got ${got(v)}, which has no time zone; add Z for UTC)`;
  }
  return `not an ISO 8601 time (got ${got(v)})`;
}

export const time: Check<string> = (p, v, sec, i, field) => {
  if (isIsoTime(v)) return v;
  reject(p, v, sec, i, field, REQUIRED, timeProblem(v));
  return '';
};

export const timeOrNull: PresenceCheck<string | null> = (p, v, sec, i, field, presence) => {
  if (v === null) return null;
  if (isIsoTime(v)) return v;
  reject(p, v, sec, i, field, presence, timeProblem(v));
  return null;
};

/** The message for a number that broke a rule, or for a value that is not a number at all. */
function numberProblem(v: unknown, rule: string): string {
  if (typeof v !== 'number') return `must be ${rule} (got ${got(v)})`;
  if (!Number.isFinite(v)) return `must be a finite number (got ${v})`;
  if (v < 0) return `must not be below zero (got ${v})`;
  return `must be ${rule} (got ${v})`;
}

/** A whole number ≥ 0 (a count or a size in bits), or null where the presence allows it. */
export const count: PresenceCheck<number | null> = (p, v, sec, i, field, presence) => {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (v === null && presence !== REQUIRED) return null;
  const rule = presence === REQUIRED ? 'a whole number' : 'a whole number or null';
  reject(p, v, sec, i, field, presence, numberProblem(v, rule));
  return presence === REQUIRED ? 0 : null;
};

/** A number of days ≥ 0 (fractions allowed: "PT12H" is half a day), or null. */
export const daysOrNull: Check<number | null> = (p, v, sec, i, field) => {
  if (v === null) return null;
  if (typeof v === 'number' && v >= 0 && v !== Infinity) return v;
  reject(p, v, sec, i, field, NULLABLE, numberProblem(v, 'a number of days or null'));
  return null;
};

export function oneOf<T extends string>(
  p: Problems,
  v: unknown,
  sec: string,
  i: number,
  field: string,
  allowed: readonly T[],
  presence: Presence,
): T | null {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  if (v === null && presence !== REQUIRED) return null;
  const orNull = presence === REQUIRED ? '' : ', or null';
  reject(p, v, sec, i, field, presence, `must be one of ${allowed.join(', ')}${orNull} (got ${got(v)})`);
  return presence === REQUIRED ? allowed[0]! : null;
}

/** A nested object field (`rotationPolicy`, `credential`): the object, or undefined when absent or wrong. */
export const nested: PresenceCheck<Obj | undefined> = (p, v, sec, i, field, presence) => {
  if (isRecord(v)) return v;
  if (v === null && presence !== REQUIRED) return undefined;
  const orNull = presence === REQUIRED ? '' : ' or null';
  reject(p, v, sec, i, field, presence, `must be an object${orNull} (got ${got(v)})`);
  return undefined;
};

/**
 * Tags: an object whose values are all strings; missing means no tags. Returns a copy, or with
 * `keep` the object itself (when the caller gave up its data), since a valid tags object is
 * already what the copy would be.
 */
export function tags(p: Problems, v: unknown, sec: string, i: number, keep: boolean): Tags {
  if (v === undefined) return {};
  if (!isRecord(v)) {
    p.add(at(sec, i, 'tags'), `must be an object of string values (got ${got(v)})`);
    return {};
  }
  const out: Tags = {};
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const value = v[k];
    if (typeof value !== 'string') {
      p.add(propertyPath(at(sec, i, 'tags'), k), `must be a string (got ${got(value)})`);
    } else if (keep) {
      continue;
    } else if (k === '__proto__') {
      // An own property named "__proto__" (JSON.parse makes one) must stay a plain tag.
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    } else {
      out[k] = value;
    }
  }
  return keep ? (v as Tags) : out;
}
