/**
 * The digest that ties a saved scan to the evidence built from it: SHA-256 (hex) of the canonical
 * JSON (base/canonical-json.ts, the one the operator audit log hashes with: keys sorted at every
 * depth, no whitespace) of the inventory as its snapshot stores it, i.e. after a JSON round trip.
 * The `scan.saved` audit entry records it when the scan is saved; a bundle's scope.json
 * recomputes it from the snapshot it was built from; an auditor can recompute it from the
 * snapshot file (`inventory` member) with any canonical-JSON tool.
 *
 * Why after a JSON round trip: what is kept is the snapshot file, so the digest must be the same
 * whether computed from the scan in memory or from the file read back (where, as in JSON, a
 * non-finite number is null and an undefined member is absent).
 *
 * Streamed into the hash: a large tenant's inventory is never built as one string.
 */
import { createHash } from 'node:crypto';
import { writeCanonicalJson } from '../base/canonical-json.js';

/** The name of the method, recorded next to the digest so a reader knows how to recompute it. */
export const INVENTORY_DIGEST_METHOD = 'sha256-canonical-json';

/** Small enough to stay out of V8's large-object space (see base/json-pieces.ts). */
const FLUSH_CHARS = 1 << 15;

export function inventorySha256(inventory: unknown): string {
  const hash = createHash('sha256');
  let buffer = '';
  const put = (text: string): void => {
    buffer += text;
    if (buffer.length >= FLUSH_CHARS) {
      hash.update(buffer, 'utf8');
      buffer = '';
    }
  };
  // As the snapshot file stores it: a non-finite number is null there.
  if (!writeCanonicalJson(inventory, put, { nonFinite: 'null', name: 'inventorySha256' })) {
    throw new TypeError('inventorySha256: the inventory is not representable in JSON');
  }
  if (buffer) hash.update(buffer, 'utf8');
  return hash.digest('hex');
}
