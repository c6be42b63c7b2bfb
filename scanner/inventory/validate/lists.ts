/**
 * Lists: the arrays an inventory is made of, checked element by element. A section says how to
 * check and copy one element and, where elements must be unique, by which key.
 */
import { REQUIRED, isRecord, reject, type Obj } from './fields.js';
import { at, elementPath, got, type Problems } from './problems.js';

export interface UniqueKey<T> {
  field: string;
  /** The comparison key of an element; '' when it has no usable key (already reported). */
  of: (item: T) => string;
  /** Appended to the duplicate problem: how the keys were compared. */
  rule: string;
}

export interface Section<T> {
  /** Checks element `i` of the list at path `sec` (an object) and returns its fresh copy. */
  build: (p: Problems, o: Obj, sec: string, i: number) => T;
  /** Reports an element whose key an earlier element already had. */
  key?: UniqueKey<T>;
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
  seen: Map<string, number>,
  key: string,
  sec: string,
  i: number,
  field: string,
  how: string,
): void {
  if (key === '') return;
  const first = seen.get(key);
  if (first === undefined) seen.set(key, i);
  else p.add(at(sec, i, field), `duplicate of ${at(sec, first, field)}${how}`);
}

/**
 * Checks every element of the list at path `sec`, skipping non-objects and flagging duplicate
 * keys. No list (undefined: missing or not an array, already reported) gives no elements.
 */
export function eachElement<T>(
  p: Problems,
  list: unknown[] | undefined,
  sec: string,
  section: Section<T>,
): T[] {
  const out: T[] = [];
  if (list === undefined) return out;
  const { build, key } = section;
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const o = element(p, list[i], sec, i);
    if (!o) continue;
    const item = build(p, o, sec, i);
    const k = key?.of(item) ?? '';
    if (key && k !== '') unique(p, seen, k, sec, i, key.field, key.rule);
    out.push(item);
  }
  return out;
}

/** A required array field; undefined (reported) when missing or not an array. */
export function array(p: Problems, o: Obj, sec: string, i: number, field: string): unknown[] | undefined {
  const v = o[field];
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
