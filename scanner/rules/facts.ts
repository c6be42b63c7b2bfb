/**
 * Derived facts that several rules need (parsed times, look-up sets), computed once per
 * inventory array and cached by identity. Rules stay pure functions of (inventory, now):
 * the cache only saves repeated parsing when 47 rules read the same million assets.
 */
import type { Inventory } from '../inventory/types.js';
import { toMs } from '../../base/time.js';
import { buildSecretLookup } from './secret-lookup.js';

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

const factCache = new WeakMap<object, Map<string, unknown>>();

/** A fact derived from `owner` (an inventory or one of its arrays), built once per owner. */
function cached<T>(owner: object, name: string, build: () => T): T {
  let byName = factCache.get(owner);
  if (!byName) {
    byName = new Map();
    factCache.set(owner, byName);
  }
  if (!byName.has(name)) byName.set(name, build());
  return byName.get(name) as T;
}

export interface ReferenceFacts {
  /** For each `keyVaultReference` setting, in resource and setting order: the secret's position, or -1. */
  settingTargets: Int32Array;
  /** Per secret position: 1 when an app setting references it or a dependency names it. */
  referenced: Uint8Array;
}

/** Resolves every Key Vault reference and dependency once, for VM001 and VM003 together. */
export function referenceFacts(inv: Inventory): ReferenceFacts {
  return cached(inv, 'references', () => {
    const lookup = buildSecretLookup(inv.secrets, inv.vaults);
    const referenced = new Uint8Array(inv.secrets.length);
    const targets: number[] = [];
    for (const r of inv.resources ?? []) {
      for (const s of r.settings) {
        if (s.kind !== 'keyVaultReference') continue;
        const i = lookup.find(s.secretId);
        targets.push(i);
        if (i >= 0) referenced[i] = 1;
      }
    }
    for (const d of inv.dependencies ?? []) {
      const i = lookup.find(d.credentialId);
      if (i >= 0) referenced[i] = 1;
    }
    return { settingTargets: Int32Array.from(targets), referenced };
  });
}

/** Lowercased names of the vaults that hold at least one non-managed key. */
export function vaultsWithKeys(inv: Inventory): ReadonlySet<string> {
  return cached(inv.keys, 'vaults-with-keys', () => {
    const set = new Set<string>();
    for (const k of inv.keys) if (!k.managed) set.add(k.vault.toLowerCase());
    return set;
  });
}
