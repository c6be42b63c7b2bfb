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

/** How the inventory's canonical JSON is written, here and by a store that hashes it as it saves. */
export const INVENTORY_CANONICAL = { nonFinite: 'null', name: 'inventorySha256' } as const;

/** Where canonical JSON text goes to be hashed, a piece at a time; `hex()` once it is all in. */
export interface InventoryDigester {
  put(text: string): void;
  hex(): string;
}

/**
 * A digester for text made elsewhere: a store that writes the inventory's canonical JSON while
 * saving it hashes the same pieces, rather than making the text a second time.
 */
export function inventoryDigester(): InventoryDigester {
  const hash = createHash('sha256');
  let buffer = '';
  return {
    put(text) {
      buffer += text;
      if (buffer.length >= FLUSH_CHARS) {
        hash.update(buffer, 'utf8');
        buffer = '';
      }
    },
    hex() {
      if (buffer) hash.update(buffer, 'utf8');
      buffer = '';
      return hash.digest('hex');
    },
  };
}

export function inventorySha256(inventory: unknown): string {
  const digester = inventoryDigester();
  // As the snapshot file stores it: a non-finite number is null there.
  if (!writeCanonicalJson(inventory, (text) => digester.put(text), INVENTORY_CANONICAL)) {
    throw new TypeError('inventorySha256: the inventory is not representable in JSON');
  }
  return digester.hex();
}
