/**
 * Validation of `certify.inventory/v1` data (shared/spec/inventory.md, "Validation"): the top
 * level, composed of the section validators of this folder.
 *
 * `validateInventory` checks every known field, never throws for bad data, and returns a fresh
 * object that holds only the known fields (unknown fields are ignored and dropped, so a large
 * unknown blob in a snapshot is not kept in memory).
 */
import { isIsoTime } from '../../../base/time.js';
import type { Inventory } from '../types.js';
import { INVENTORY_SCHEMA } from '../types.js';
import { isRecord, timeProblem, type Obj } from './fields.js';
import { eachElement, optionalArray, topArray, type Section } from './lists.js';
import { got, Problems } from './problems.js';
import { provenance } from './provenance.js';
import { DEPENDENCIES, RESOURCES } from './resources.js';
import { APP_REGISTRATIONS, ROTATION_EVENTS, ROTATION_POLICIES } from './rotation.js';
import { SYNC_RECORDS, syncWorker } from './sync.js';
import { CERTIFICATES, KEYS, SECRETS } from './vault-assets.js';
import { VAULTS } from './vaults.js';

export type InventoryValidation = { ok: true; inventory: Inventory } | { ok: false; problems: string[] };

type OptionalList =
  'resources' | 'dependencies' | 'appRegistrations' | 'rotationPolicies' | 'rotationEvents' | 'syncRecords';

/** An optional list section: checked when present, left out when it was not collected. */
function optionalList<K extends OptionalList>(
  p: Problems,
  data: Obj,
  field: K,
  section: Section<NonNullable<Inventory[K]>[number]>,
): Partial<Pick<Inventory, K>> {
  const list = optionalArray(p, data, field);
  if (list === undefined) return {};
  return { [field]: eachElement(p, list, field, section) } as Partial<Pick<Inventory, K>>;
}

function checkInventory(p: Problems, data: unknown): Inventory | undefined {
  if (!isRecord(data)) {
    p.add('(top level)', `must be a JSON object (got ${got(data)})`);
    return undefined;
  }
  const schema = data.schema;
  if (schema === undefined) {
    p.add('schema', `is missing (must be "${INVENTORY_SCHEMA}")`);
  } else if (schema !== INVENTORY_SCHEMA) {
    // Another format or version: checking it against v1 field by field would only add noise.
    p.add('schema', `must be "${INVENTORY_SCHEMA}" (got ${got(schema)})`);
    return undefined;
  }
  let tenantId = '';
  if (typeof data.tenantId === 'string') tenantId = data.tenantId;
  else
    p.add(
      'tenantId',
      data.tenantId === undefined ? 'is missing' : `must be a string (got ${got(data.tenantId)})`,
    );
  let collectedAt = '';
  if (isIsoTime(data.collectedAt)) collectedAt = data.collectedAt;
  else {
    const v = data.collectedAt;
    p.add('collectedAt', v === undefined ? 'is missing' : timeProblem(v));
  }
  // The four required lists are all looked for before any of their elements is checked.
  const v = topArray(p, data, 'vaults');
  const s = topArray(p, data, 'secrets');
  const k = topArray(p, data, 'keys');
  const c = topArray(p, data, 'certificates');
  const inv: Inventory = {
    schema: INVENTORY_SCHEMA,
    tenantId,
    collectedAt,
    vaults: eachElement(p, v, 'vaults', VAULTS),
    secrets: eachElement(p, s, 'secrets', SECRETS),
    keys: eachElement(p, k, 'keys', KEYS),
    certificates: eachElement(p, c, 'certificates', CERTIFICATES),
    ...optionalList(p, data, 'resources', RESOURCES),
    ...optionalList(p, data, 'dependencies', DEPENDENCIES),
    ...optionalList(p, data, 'appRegistrations', APP_REGISTRATIONS),
    ...optionalList(p, data, 'rotationPolicies', ROTATION_POLICIES),
    ...optionalList(p, data, 'rotationEvents', ROTATION_EVENTS),
    ...optionalList(p, data, 'syncRecords', SYNC_RECORDS),
  };
  const worker = syncWorker(p, data.syncWorker);
  if (worker !== undefined) inv.syncWorker = worker;
  const prov = provenance(p, data.provenance);
  if (prov !== undefined) inv.provenance = prov;
  return inv;
}

/**
 * Checks `data` against `certify.inventory/v1`. Never throws: bad data gives `ok: false` with
 * at most 20 problems (`path: message`) and, when there are more, a final line counting them.
 * On success the inventory is a fresh object holding only the known fields.
 */
export function validateInventory(data: unknown): InventoryValidation {
  const p = new Problems();
  let inventory: Inventory | undefined;
  try {
    inventory = checkInventory(p, data);
  } catch (e) {
    // Only reachable with exotic objects (throwing getters, proxies), never with parsed JSON.
    p.add('(top level)', `could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (p.count > 0 || inventory === undefined) return { ok: false, problems: p.finish() };
  return { ok: true, inventory };
}
