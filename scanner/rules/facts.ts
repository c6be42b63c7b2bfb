/**
 * Derived facts that several rules need (parsed times, look-up sets), computed once per
 * inventory array and cached by identity. Rules stay pure functions of (inventory, now):
 * the cache only saves repeated parsing when 41 rules read the same million assets.
 */
import { normalizeAssetId, vaultAndName } from '../inventory/ids.js';
import type { Inventory } from '../inventory/types.js';
import { toMs } from '../time.js';

const timeCache = new WeakMap<object, Map<string, Float64Array>>();

/** Epoch ms of `field` for every element of `list` (NaN where null), cached per array. */
export function timesOf<T extends object>(list: readonly T[], field: keyof T & string): Float64Array {
  let byField = timeCache.get(list);
  if (!byField) {
    byField = new Map();
    timeCache.set(list, byField);
  }
  let times = byField.get(field);
  if (!times) {
    times = new Float64Array(list.length);
    for (let i = 0; i < list.length; i++) {
      times[i] = toMs((list[i] as Record<string, unknown>)[field] as string | null);
    }
    byField.set(field, times);
  }
  return times;
}

const setCache = new WeakMap<object, Map<string, ReadonlySet<string>>>();

function cachedSet(owner: object, name: string, build: () => Set<string>): ReadonlySet<string> {
  let byName = setCache.get(owner);
  if (!byName) {
    byName = new Map();
    setCache.set(owner, byName);
  }
  let set = byName.get(name);
  if (!set) {
    set = build();
    byName.set(name, set);
  }
  return set;
}

/** `vault/name` (lowercase) of every secret in the inventory, whatever its state. */
export function secretVaultNames(inv: Inventory): ReadonlySet<string> {
  return cachedSet(inv.secrets, 'vault/name', () => {
    const set = new Set<string>();
    for (const s of inv.secrets) set.add(`${s.vault}/${s.name}`.toLowerCase());
    return set;
  });
}

/** Normalised secret ids that some app setting references or some dependency names. */
export function referencedCredentialIds(inv: Inventory): ReadonlySet<string> {
  const owner = inv.resources ?? inv;
  return cachedSet(owner, `referenced:${inv.dependencies ? 'deps' : 'nodeps'}`, () => {
    const set = new Set<string>();
    for (const r of inv.resources ?? []) {
      for (const s of r.settings) if (s.kind === 'keyVaultReference') set.add(normalizeAssetId(s.secretId));
    }
    for (const d of inv.dependencies ?? []) set.add(normalizeAssetId(d.credentialId));
    return set;
  });
}

/** Whether a Key Vault reference points at a secret that is in the inventory (vault + name). */
export function referenceResolves(inv: Inventory, secretId: string): boolean {
  const key = vaultAndName(secretId);
  return key !== null && secretVaultNames(inv).has(key);
}

/** Lowercased names of the vaults that hold at least one non-managed key. */
export function vaultsWithKeys(inv: Inventory): ReadonlySet<string> {
  return cachedSet(inv.keys, 'vaults-with-keys', () => {
    const set = new Set<string>();
    for (const k of inv.keys) if (!k.managed) set.add(k.vault.toLowerCase());
    return set;
  });
}
