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
  let out = '';
  const written = writeCanonicalJson(
    value,
    (text) => {
      out += text;
    },
    { nonFinite: 'throw', name: 'canonicalJson' },
  );
  if (!written) throw new TypeError('canonicalJson: the value is not representable in JSON');
  return out;
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
