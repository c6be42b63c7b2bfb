/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as Array.prototype.sort does) at
 * every depth and no whitespace, so the same value always hashes the same whatever order its
 * keys were built in. Follows JSON.stringify otherwise: toJSON (called with its key), boxed
 * primitives unwrapped, undefined, function and symbol members dropped (null as array items).
 *
 * One implementation for every hash over canonical JSON (the operator audit log's entries, the
 * inventory digest). It is written piece by piece to a sink, so a large value can be streamed
 * into a hash without ever being built as one string.
 */

export interface CanonicalJsonOptions {
  /**
   * A non-finite number: `'throw'` refuses it (JSON would turn it into null, and a hash must not
   * hide that); `'null'` writes null, as JSON.stringify does.
   */
  nonFinite: 'throw' | 'null';
  /** Who is writing, named in the errors thrown. */
  name: string;
}

/**
 * Writes `value` as canonical JSON to `put`. Returns false, having written nothing, where JSON
 * has no text for the value (undefined, a function, a symbol). Throws a TypeError for a bigint,
 * and for a non-finite number when `nonFinite` is `'throw'`.
 */
export function writeCanonicalJson(
  value: unknown,
  put: (text: string) => void,
  options: CanonicalJsonOptions,
): boolean {
  return writeValue(toJsonValue(value, ''), put, options);
}

/** Canonical JSON of `value` as one string; refuses non-finite numbers. */
export function canonicalJson(value: unknown): string {
  const text = canonicalText(value, { nonFinite: 'throw', name: 'canonicalJson' });
  if (text === undefined) throw new TypeError('canonicalJson: the value is not representable in JSON');
  return text;
}

/**
 * Canonical JSON of `value` as one string, or undefined where JSON has no text for it (as
 * JSON.stringify returns undefined). A string too long for V8 throws its RangeError, as
 * JSON.stringify does.
 */
export function canonicalText(value: unknown, options: CanonicalJsonOptions): string | undefined {
  let out = '';
  const written = writeCanonicalJson(
    value,
    (text) => {
      out += text;
    },
    options,
  );
  return written ? out : undefined;
}

/** What JSON.stringify would serialise in place of `value` (toJSON, boxed primitives). */
function toJsonValue(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') value = (withToJson.toJSON as (k: string) => unknown)(key);
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}

/** Writes a value toJsonValue has already converted; false (nothing written) where JSON omits it. */
function writeValue(value: unknown, put: (text: string) => void, options: CanonicalJsonOptions): boolean {
  if (value === null) {
    put('null');
    return true;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      put(JSON.stringify(value));
      return true;
    case 'number':
      if (Number.isFinite(value)) put(JSON.stringify(value));
      else if (options.nonFinite === 'null') put('null');
      else throw new TypeError(`${options.name}: ${value} is not a JSON number`);
      return true;
    case 'bigint':
      throw new TypeError(`${options.name}: a bigint is not a JSON number`);
    case 'object':
      if (Array.isArray(value)) {
        put('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) put(',');
          if (!writeValue(toJsonValue(value[i], String(i)), put, options)) put('null');
        }
        put(']');
        return true;
      }
      writeObject(value as Record<string, unknown>, put, options);
      return true;
    default:
      return false;
  }
}

function writeObject(
  object: Record<string, unknown>,
  put: (text: string) => void,
  options: CanonicalJsonOptions,
): void {
  const copy = sortedCopy(object, options, { left: SMALL_OBJECT_VALUES });
  if (copy !== NOT_SIMPLE) {
    put(JSON.stringify(copy));
    return;
  }
  put('{');
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = toJsonValue(object[key], key);
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    put(`${first ? '' : ','}${JSON.stringify(key)}:`);
    writeValue(member, put, options);
    first = false;
  }
  put('}');
}

/** Most values a small object may hold for the fast path; a larger one is written member by member. */
const SMALL_OBJECT_VALUES = 256;

const NOT_SIMPLE = Symbol('not simple');

/**
 * The fast path: a copy of a small value with every object's keys inserted in sorted order, so
 * that JSON.stringify of the copy is the canonical JSON (about three times faster than writing it
 * piece by piece here; an inventory digest writes a million such records). NOT_SIMPLE for what
 * that would not hold for, left to the general path: anything but plain objects, arrays,
 * strings, booleans, null and allowed numbers (toJSON, another prototype, undefined in an array,
 * a function, a symbol, a bigint), a key JavaScript would not keep in insertion order (an array
 * index, which objects list first) or that would set the prototype (`__proto__`), and more than
 * `budget.left` values.
 */
function sortedCopy(value: unknown, options: CanonicalJsonOptions, budget: { left: number }): unknown {
  if (--budget.left < 0) return NOT_SIMPLE;
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return options.nonFinite === 'null' || Number.isFinite(value) ? value : NOT_SIMPLE;
    case 'object': {
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const copy = item === undefined ? NOT_SIMPLE : sortedCopy(item, options, budget);
          if (copy === NOT_SIMPLE) return NOT_SIMPLE;
          out[i] = copy;
        }
        return out;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype || 'toJSON' in value) return NOT_SIMPLE;
      const keys = sortedKeys(value);
      if (keys === null) return NOT_SIMPLE;
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        const copy = sortedCopy(member, options, budget);
        if (copy === NOT_SIMPLE) return NOT_SIMPLE;
        out[key] = copy;
      }
      return out;
    }
    default:
      return NOT_SIMPLE;
  }
}

/** Recently seen key lists and their sorted orders: records of one section share a few shapes. */
const shapes: { keys: string[]; sorted: string[] | null }[] = [];
const SHAPES_KEPT = 8;

/** The object's keys in sorted order, or null when a key rules the fast path out. */
function sortedKeys(object: object): string[] | null {
  const keys = Object.keys(object);
  for (const shape of shapes) {
    if (shape.keys.length !== keys.length) continue;
    let same = true;
    for (let i = 0; i < keys.length && same; i++) same = shape.keys[i] === keys[i];
    if (same) return shape.sorted;
  }
  const usable = keys.every((key) => key !== '__proto__' && !/^\d/.test(key));
  const sorted = usable ? [...keys].sort() : null;
  shapes.unshift({ keys, sorted });
  if (shapes.length > SHAPES_KEPT) shapes.pop();
  return sorted;
}
