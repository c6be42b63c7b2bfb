/**
 * Lists: the arrays an inventory is made of, checked element by element. A section says how to
 * check and copy one element and, where elements must be unique, by which key.
 */
import { REQUIRED, isRecord, reject, type Obj } from './fields.js';
import { FirstIndex } from './first-index.js';
import { at, elementPath, got, type Problems } from './problems.js';

export interface UniqueKey<T> {
  field: string;
  /** The comparison key of an element; '' when it has no usable key (already reported). */
  of: (item: T) => string;
  /** Appended to the duplicate problem: how the keys were compared. */
  rule: string;
}

export interface Section<T> {
  /**
   * Checks element `i` of the list at path `sec` (an object) and returns its fresh copy; with
   * `consume`, parts of `o` may be reused in it (lists converted in place, valid tags kept).
   */
  build: (p: Problems, o: Obj, sec: string, i: number, consume: boolean) => T;
  /** Reports an element whose key an earlier element already had. */
  key?: UniqueKey<T>;
  /**
   * With `consume`: true when the parsed element, once built without a problem, already is its
   * copy: exactly the copy's keys in the same order (the values then are the same). It is then
   * kept and the copy dropped, so a clean snapshot is validated without a second object graph.
   */
  isCopy?: (o: Obj) => boolean;
}

/**
 * True when a for-in over `o` lists exactly `keys`, in that order. Over parsed objects of one
 * shape it walks the shape's cached key list without allocating, and property names are
 * interned strings, compared by identity.
 */
export function hasKeys(o: Obj, keys: readonly string[]): boolean {
  let j = 0;
  for (const k in o) {
    if (k !== keys[j]) return false;
    j++;
  }
  return j === keys.length;
}

export const IGNORING_CASE = ' (ids are compared ignoring case)';

// ARM resource ids (and GUIDs) are case-insensitive in Azure.
export const byIdIgnoringCase = {
  field: 'id',
  of: (x: { id: string }) => x.id.toLowerCase(),
  rule: IGNORING_CASE,
};
export const byId = { field: 'id', of: (x: { id: string }) => x.id, rule: '' };

/** Element `i` of `sec` as an object, or undefined (reported) when it is not one. */
function element(p: Problems, v: unknown, sec: string, i: number): Obj | undefined {
  if (isRecord(v)) return v;
  p.add(elementPath(sec, i), `must be an object (got ${got(v)})`);
  return undefined;
}

/**
 * Records `key` for element `i` and reports it when an earlier element had the same key.
 * An invalid id ('') was already reported and is not compared.
 */
function unique(
  p: Problems,
  seen: FirstIndex,
  key: string,
  sec: string,
  i: number,
  field: string,
  how: string,
): void {
  if (key === '') return;
  const first = seen.firstOr(key, i);
  if (first >= 0) p.add(at(sec, i, field), `duplicate of ${at(sec, first, field)}${how}`);
}

/**
 * Checks every element of the list at path `sec`, skipping non-objects and flagging duplicate
 * keys. No list (undefined: missing or not an array, already reported) gives no elements.
 *
 * With `consume` the list itself is returned, each element replaced by its copy (or kept, see
 * {@link Section.isCopy}) as soon as it is built, so the parsed element can be collected while
 * the rest is checked. A skipped element stays in place: it was reported, and a list with a
 * problem is never returned to the caller.
 */
export function eachElement<T>(
  p: Problems,
  list: unknown[] | undefined,
  sec: string,
  section: Section<T>,
  consume: boolean,
): T[] {
  if (list === undefined) return [];
  const out: T[] = consume ? (list as T[]) : [];
  const { build, key, isCopy } = section;
  const seen = new FirstIndex(key ? list.length : 0);
  for (let i = 0; i < list.length; i++) {
    const o = element(p, list[i], sec, i);
    if (!o) continue;
    const item = build(p, o, sec, i, consume);
    const k = key?.of(item) ?? '';
    if (key && k !== '') unique(p, seen, k, sec, i, key.field, key.rule);
    if (!consume) out.push(item);
    else if (isCopy === undefined || !isCopy(o)) out[i] = item;
  }
  return out;
}

/** A required array field; undefined (reported) when missing or not an array. */
export function array(p: Problems, v: unknown, sec: string, i: number, field: string): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  reject(p, v, sec, i, field, REQUIRED, `must be an array (got ${got(v)})`);
  return undefined;
}

/** A required top-level array. */
export function topArray(p: Problems, o: Obj, field: string): unknown[] | undefined {
  const v = o[field];
  if (Array.isArray(v)) return v;
  p.add(field, v === undefined ? 'is missing' : `must be an array (got ${got(v)})`);
  return undefined;
}

/** An optional top-level section: undefined stays undefined ("not collected"). */
export function optionalArray(p: Problems, o: Obj, field: string): unknown[] | undefined {
  const v = o[field];
  if (v === undefined || Array.isArray(v)) return v;
  p.add(field, `must be an array, or left out when it was not collected (got ${got(v)})`);
  return undefined;
}
