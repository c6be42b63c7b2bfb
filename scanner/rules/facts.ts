/**
 * Derived facts that several rules need (parsed times, per-asset flags, look-up sets), computed
 * once per inventory array and cached by identity. Rules stay pure functions of (inventory, now):
 * the cache only saves repeated work when 47 rules read the same million assets.
 *
 * Facts are typed arrays indexed like the section, never an object per asset: a rule that scans
 * a byte per asset stays in the CPU cache where one that reads every asset object walks a million
 * scattered objects, and a million small objects would cost more to collect than the rules cost
 * to run.
 */
import type { Inventory } from '../inventory/types.js';
import { toMs } from '../../base/time.js';
import { buildSecretLookup } from './secret-lookup.js';

const timeCache = new WeakMap<object, Map<string, Float64Array>>();

function timesCached(list: object): Map<string, Float64Array> {
  let byField = timeCache.get(list);
  if (!byField) {
    byField = new Map();
    timeCache.set(list, byField);
  }
  return byField;
}

/** Epoch ms of `field` for every element of `list` (NaN where null), cached per array. */
export function timesOf<T extends object>(list: readonly T[], field: keyof T & string): Float64Array {
  const byField = timesCached(list);
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

/** {@link AssetFacts.flags}: the asset is enabled. */
export const ENABLED = 1;
/** {@link AssetFacts.flags}: the asset is managed (a secret backing a certificate, a managed key). */
export const MANAGED = 2;
/** {@link AssetFacts.flags}: the asset has no expiry (`expires` is null). */
export const NO_EXPIRY = 4;

/** The fields of a secret, key or certificate that {@link assetFacts} reads. */
export interface VaultAsset {
  id: string;
  vault: string;
  enabled: boolean;
  managed?: boolean;
  created: string;
  expires: string | null;
}

/** What nearly every secret, key and certificate rule reads, per asset of a section. */
export interface AssetFacts {
  /** {@link ENABLED} | {@link MANAGED} | {@link NO_EXPIRY}; certificates are never managed. */
  flags: Uint8Array;
  /**
   * The assets' ids, for the failing lists: a rule that fails a third of a million assets would
   * otherwise read a third of a million scattered objects again just for their ids.
   */
  ids: readonly string[];
  /** Per asset, the position in `vaults` of its vault name. */
  vault: Int32Array;
  /** The distinct vault names, exactly as the assets spell them, in order of first appearance. */
  vaults: string[];
}

const assetCache = new WeakMap<object, AssetFacts>();

/**
 * The facts of a vault-asset section, with its parsed `expires` and `created` (see
 * {@link timesOf}), all from one pass: each asset object is visited once for every rule and the
 * framework subsets, instead of once per rule. Both times are parsed here because every section
 * has expiry rules and secrets and keys age rules; certificates' `created` is the one spare.
 */
export function assetFacts(list: readonly VaultAsset[]): AssetFacts {
  let facts = assetCache.get(list);
  if (facts) return facts;
  const n = list.length;
  const byField = timesCached(list);
  const parseExpires = !byField.has('expires');
  const parseCreated = !byField.has('created');
  const expires = parseExpires ? new Float64Array(n) : byField.get('expires')!;
  const created = parseCreated ? new Float64Array(n) : byField.get('created')!;
  const flags = new Uint8Array(n);
  const ids = new Array<string>(n);
  const vault = new Int32Array(n);
  const vaults: string[] = [];
  const vaultIndex = new Map<string, number>();
  // Assets come grouped by vault: the name is looked up only when it changes.
  let lastVault: string | null = null;
  let lastIndex = -1;
  for (let i = 0; i < n; i++) {
    const a = list[i]!;
    flags[i] =
      (a.enabled ? ENABLED : 0) | (a.managed === true ? MANAGED : 0) | (a.expires === null ? NO_EXPIRY : 0);
    ids[i] = a.id;
    if (a.vault !== lastVault) {
      lastVault = a.vault;
      let index = vaultIndex.get(lastVault);
      if (index === undefined) {
        index = vaults.length;
        vaults.push(lastVault);
        vaultIndex.set(lastVault, index);
      }
      lastIndex = index;
    }
    vault[i] = lastIndex;
    if (parseExpires) expires[i] = toMs(a.expires);
    if (parseCreated) created[i] = toMs(a.created);
  }
  byField.set('expires', expires);
  byField.set('created', created);
  facts = { flags, ids, vault, vaults };
  assetCache.set(list, facts);
  return facts;
}

/**
 * `list` split in two by a verdict on each distinct vault name, [those it holds, the others], each
 * in `list`'s order and given its facts from `list`'s rather than read again from a million asset
 * objects: the framework subsets re-run rules on assets that the scan has just read. One pass,
 * with every array sized up front. Times are not carried over: the rules cited on a subset only
 * test presence, and any other would parse them as it needs.
 */
export function splitByVault<T extends VaultAsset>(
  list: readonly T[],
  holds: (vault: string) => boolean,
): [T[], T[]] {
  const { flags, ids, vault, vaults } = assetFacts(list);
  const verdict = new Uint8Array(vaults.length);
  for (let v = 0; v < vaults.length; v++) verdict[v] = holds(vaults[v]!) ? 1 : 0;
  let held = 0;
  for (let i = 0; i < vault.length; i++) held += verdict[vault[i]!]!;
  const rest = list.length - held;
  const inList = new Array<T>(held);
  const inFlags = new Uint8Array(held);
  const inIds = new Array<string>(held);
  const inVault = new Int32Array(held);
  const outList = new Array<T>(rest);
  const outFlags = new Uint8Array(rest);
  const outIds = new Array<string>(rest);
  const outVault = new Int32Array(rest);
  for (let i = 0, a = 0, b = 0; i < list.length; i++) {
    const v = vault[i]!;
    if (verdict[v] === 1) {
      inList[a] = list[i]!;
      inFlags[a] = flags[i]!;
      inIds[a] = ids[i]!;
      inVault[a++] = v;
    } else {
      outList[b] = list[i]!;
      outFlags[b] = flags[i]!;
      outIds[b] = ids[i]!;
      outVault[b++] = v;
    }
  }
  assetCache.set(inList, { flags: inFlags, ids: inIds, vault: inVault, vaults });
  assetCache.set(outList, { flags: outFlags, ids: outIds, vault: outVault, vaults });
  return [inList, outList];
}

/**
 * The ids at `positions[0, count)`, as an array of exactly that size. Rules note failing positions
 * in an Int32Array and take the ids at the end: growing a failing list of a few hundred thousand
 * ids by push reallocates it a dozen times, each time as a large object, and cost more than the
 * test that filled it.
 */
export function idsAt(ids: readonly string[], positions: Int32Array, count: number): string[] {
  const out = new Array<string>(count);
  for (let j = 0; j < count; j++) out[j] = ids[positions[j]!]!;
  return out;
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
    const resources = inv.resources ?? [];
    let settings = 0;
    for (let r = 0; r < resources.length; r++) {
      const list = resources[r]!.settings;
      for (let j = 0; j < list.length; j++) if (list[j]!.kind === 'keyVaultReference') settings++;
    }
    const targets = new Int32Array(settings);
    let t = 0;
    for (let r = 0; r < resources.length; r++) {
      const list = resources[r]!.settings;
      for (let j = 0; j < list.length; j++) {
        const s = list[j]!;
        if (s.kind !== 'keyVaultReference') continue;
        const i = lookup.find(s.secretId);
        targets[t++] = i;
        if (i >= 0) referenced[i] = 1;
      }
    }
    const dependencies = inv.dependencies ?? [];
    for (let d = 0; d < dependencies.length; d++) {
      const i = lookup.find(dependencies[d]!.credentialId);
      if (i >= 0) referenced[i] = 1;
    }
    return { settingTargets: targets, referenced };
  });
}

/** Lowercased names of the vaults that hold at least one non-managed key. */
export function vaultsWithKeys(inv: Inventory): ReadonlySet<string> {
  return cached(inv.keys, 'vaults-with-keys', () => {
    // From the per-key facts: each distinct vault name is lowercased once, not once per key.
    const { flags, vault, vaults } = assetFacts(inv.keys);
    const holds = new Uint8Array(vaults.length);
    for (let i = 0; i < flags.length; i++) if ((flags[i]! & MANAGED) === 0) holds[vault[i]!] = 1;
    const set = new Set<string>();
    for (let v = 0; v < vaults.length; v++) if (holds[v] === 1) set.add(vaults[v]!.toLowerCase());
    return set;
  });
}
