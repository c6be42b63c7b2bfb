/**
 * Validation of `certify.inventory/v1` data (shared/spec/inventory.md, "Validation"): the public
 * face of validate/. `validateInventory` checks parsed data (validate/inventory.ts, composed of one
 * validator per section); `parseInventoryText` first reads a hostile file's raw text into JSON
 * (validate/read-text.ts: UTF-8, size, nesting depth, string length, where the JSON is broken).
 *
 * The validator is written as plain loops over each section with module-level helpers (no
 * per-field closures) and builds a problem's path only when it reports one, so that a
 * million-asset inventory validates in about two seconds (JSON.parse of its text takes as long).
 */
import type { Inventory } from './types.js';
import { validateInventory } from './validate/inventory.js';
import { invalidInventory, readInventoryJson } from './validate/read-text.js';

export { validateInventory, type InventoryValidation } from './validate/inventory.js';
export { INVENTORY_LIMITS } from './validate/limits.js';
export { PROVENANCE_LIMITS } from './validate/provenance.js';
export { INVALID_INVENTORY_MESSAGE, tooLargeProblem } from './validate/read-text.js';

/**
 * Parses and validates a snapshot file's contents (bytes must be UTF-8; a leading byte order
 * mark is allowed). Throws `CertifyError('INVALID_INVENTORY')` whose `problems` say what is
 * wrong and where; the messages never carry a stack trace.
 */
export function parseInventoryText(input: string | Uint8Array): Inventory {
  const result = validateInventory(readInventoryJson(input));
  if (!result.ok) throw invalidInventory(result.problems);
  return result.inventory;
}
