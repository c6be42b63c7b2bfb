/**
 * Validation of `certify.inventory/v1` data (shared/spec/inventory.md, "Validation"): the top
 * level, composed of the section validators of this folder.
 *
 * `validateInventory` checks every known field, never throws for bad data, and returns a fresh
 * object that holds only the known fields (unknown fields are ignored and dropped, so a large
 * unknown blob in a snapshot is not kept in memory).
 *
 * A snapshot of a million assets parses into about a gigabyte of objects; copying all of it
 * would hold a second graph nearly as large. A caller that parsed the data only to validate
 * it can hand it over (`consume`): its lists are then converted in place, and each element
 * that already is exactly its copy (a snapshot Certify wrote) is kept instead of copied.
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

export interface ValidateOptions {
  /**
   * The caller hands `data` over (freshly parsed JSON that nothing else holds) and does not use
   * it afterwards: its arrays are reused for the inventory, their elements replaced by the
   * validated copies (or kept when already exact), so the parsed graph is never held twice.
   * `data` is left half converted when there are problems. Default false: `data` is not touched.
   */
  consume?: boolean;
}

type OptionalList =
  'resources' | 'dependencies' | 'appRegistrations' | 'rotationPolicies' | 'rotationEvents' | 'syncRecords';

/** An optional list section: checked when present, left out when it was not collected. */
function optionalList<K extends OptionalList>(
  p: Problems,
  data: Obj,
  field: K,
  section: Section<NonNullable<Inventory[K]>[number]>,
  consume: boolean,
): Partial<Pick<Inventory, K>> {
  const list = optionalArray(p, data, field);
  if (list === undefined) return {};
  return { [field]: eachElement(p, list, field, section, consume) } as Partial<Pick<Inventory, K>>;
}

function checkInventory(p: Problems, data: unknown, consume: boolean): Inventory | undefined {
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
    vaults: eachElement(p, v, 'vaults', VAULTS, consume),
    secrets: eachElement(p, s, 'secrets', SECRETS, consume),
    keys: eachElement(p, k, 'keys', KEYS, consume),
    certificates: eachElement(p, c, 'certificates', CERTIFICATES, consume),
    ...optionalList(p, data, 'resources', RESOURCES, consume),
    ...optionalList(p, data, 'dependencies', DEPENDENCIES, consume),
    ...optionalList(p, data, 'appRegistrations', APP_REGISTRATIONS, consume),
    ...optionalList(p, data, 'rotationPolicies', ROTATION_POLICIES, consume),
    ...optionalList(p, data, 'rotationEvents', ROTATION_EVENTS, consume),
    ...optionalList(p, data, 'syncRecords', SYNC_RECORDS, consume),
  };
  const worker = syncWorker(p, data.syncWorker);
  if (worker !== undefined) inv.syncWorker = worker;
  const prov = provenance(p, data.provenance, consume);
  if (prov !== undefined) inv.provenance = prov;
  return inv;
}

/**
 * Checks `data` against `certify.inventory/v1`. Never throws: bad data gives `ok: false` with
 * at most 20 problems (`path: message`) and, when there are more, a final line counting them.
 * On success the inventory is a fresh object holding only the known fields (with `consume`,
 * see {@link ValidateOptions}, made partly of `data`'s own arrays and objects).
 */
export function validateInventory(data: unknown, options: ValidateOptions = {}): InventoryValidation {
  const p = new Problems();
  let inventory: Inventory | undefined;
  try {
    inventory = checkInventory(p, data, options.consume === true);
  } catch (e) {
    // Only reachable with exotic objects (throwing getters, proxies), never with parsed JSON.
    p.add('(top level)', `could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (p.count > 0 || inventory === undefined) return { ok: false, problems: p.finish() };
  return { ok: true, inventory };
}
