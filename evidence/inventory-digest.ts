/**
 * The digest that ties a saved scan to the evidence built from it: SHA-256 (hex) of the canonical
 * JSON (`canonicalJson` of audit-log.ts: keys sorted at every depth, no whitespace) of the
 * inventory as its snapshot stores it, i.e. after a JSON round trip. The `scan.saved` audit entry
 * records it when the scan is saved; a bundle's scope.json recomputes it from the snapshot it was
 * built from; an auditor can recompute it from the snapshot file (`inventory` member) with any
 * canonical-JSON tool.
 *
 * Why after a JSON round trip: what is kept is the snapshot file, so the digest must be the same
 * whether computed from the scan in memory or from the file read back (where, as in JSON, a
 * non-finite number is null and an undefined member is absent).
 *
 * Streamed into the hash: a large tenant's inventory is never built as one string.
 */
import { createHash, type Hash } from 'node:crypto';

/** The name of the method, recorded next to the digest so a reader knows how to recompute it. */
export const INVENTORY_DIGEST_METHOD = 'sha256-canonical-json';

const FLUSH_CHARS = 1 << 16;

export function inventorySha256(inventory: unknown): string {
  const hash = createHash('sha256');
  const out = new Writer(hash);
  if (!writeValue(out, toJsonValue(inventory, ''))) {
    throw new TypeError('inventorySha256: the inventory is not representable in JSON');
  }
  out.flush();
  return hash.digest('hex');
}

class Writer {
  private buffer = '';
  constructor(private readonly hash: Hash) {}
  put(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
  }
  flush(): void {
    if (this.buffer) this.hash.update(this.buffer, 'utf8');
    this.buffer = '';
  }
}

/** What JSON.stringify would serialise in place of `value` (toJSON, boxed primitives). */
function toJsonValue(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') value = (withToJson.toJSON as (k: string) => unknown)(key);
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}

/** Writes `value` as canonical JSON; false (nothing written) where JSON would omit it. */
function writeValue(out: Writer, value: unknown): boolean {
  if (value === null) {
    out.put('null');
    return true;
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.put(JSON.stringify(value));
      return true;
    case 'number':
      out.put(Number.isFinite(value) ? JSON.stringify(value) : 'null');
      return true;
    case 'bigint':
      throw new TypeError('inventorySha256: a bigint is not a JSON number');
    case 'object':
      if (Array.isArray(value)) {
        out.put('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.put(',');
          if (!writeValue(out, toJsonValue(value[i], String(i)))) out.put('null');
        }
        out.put(']');
        return true;
      }
      return writeObject(out, value as Record<string, unknown>);
    default:
      return false;
  }
}

function writeObject(out: Writer, object: Record<string, unknown>): boolean {
  out.put('{');
  let first = true;
  for (const key of Object.keys(object).sort()) {
    const member = toJsonValue(object[key], key);
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out.put(`${first ? '' : ','}${JSON.stringify(key)}:`);
    writeValue(out, member);
    first = false;
  }
  out.put('}');
  return true;
}
