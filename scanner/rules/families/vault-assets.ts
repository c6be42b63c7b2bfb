/**
 * The expiry family shared by secrets, certificates and keys: C001–C005 and K001–K005 are
 * P001, P002, P003, P004 and P007 applied to another section (rules.md).
 */
import type { Inventory } from '../../inventory/types.js';
import { isExpired, isExpiringWithin } from '../../../base/time.js';
import { assetFacts, ENABLED, idsAt, MANAGED, NO_EXPIRY, timesOf, type VaultAsset } from '../facts.js';
import { listOutcome, type Evaluate, type RuleOutcome } from '../types.js';

export type AssetSection = 'secrets' | 'keys' | 'certificates';

/**
 * The population of every rule here but P004's: enabled and not managed (secret and key rules
 * skip managed assets; certificates have no such flag).
 */
const IN_SCOPE_MASK = ENABLED | MANAGED;

// One loop per rule shape rather than one loop calling a predicate: a shared loop calls a
// different predicate per rule, cannot inline it, and boxes the expiry passed to it per asset.

/** P001 / C001 / K001: no expiry date set. */
export const missingExpiry =
  (section: AssetSection): Evaluate =>
  (inv: Inventory): RuleOutcome => {
    const list: readonly VaultAsset[] = inv[section];
    // Presence only, from the flags: the framework subsets it is re-run on need no parsed times.
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < flags.length; i++) {
      const f = flags[i]!;
      if ((f & IN_SCOPE_MASK) !== ENABLED) continue;
      evaluated++;
      if ((f & NO_EXPIRY) !== 0) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  };

/** The organisation parameters that set an expiry window (rules.md, "Organisation parameters"). */
export type ExpiryWindow = 'expiringCriticalDays' | 'expiringSoonDays';

/**
 * P002, P003 / C002, C003 / K002, K003: `0 < expires − now ≤ N days`, where N is the
 * organisation's `expiringCriticalDays` (default 7) or `expiringSoonDays` (default 30).
 */
export const expiringWithin =
  (section: AssetSection, window: ExpiryWindow): Evaluate =>
  (inv, now, parameters) => {
    const list: readonly VaultAsset[] = inv[section];
    const { flags, ids } = assetFacts(list);
    const expires = timesOf(list, 'expires');
    const days = parameters[window];
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < flags.length; i++) {
      if ((flags[i]! & IN_SCOPE_MASK) !== ENABLED) continue;
      evaluated++;
      if (isExpiringWithin(expires[i]!, now, days)) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  };

/** P004 / C004 / K004: disabled assets (population: all unmanaged assets). */
export const disabledAssets =
  (section: AssetSection): Evaluate =>
  (inv) => {
    const list: readonly VaultAsset[] = inv[section];
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < flags.length; i++) {
      const f = flags[i]!;
      if ((f & MANAGED) !== 0) continue;
      evaluated++;
      if ((f & ENABLED) === 0) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  };

/** P007 / C005 / K005: `expires ≤ now`. */
export const expiredAssets =
  (section: AssetSection): Evaluate =>
  (inv, now) => {
    const list: readonly VaultAsset[] = inv[section];
    const { flags, ids } = assetFacts(list);
    const expires = timesOf(list, 'expires');
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < flags.length; i++) {
      if ((flags[i]! & IN_SCOPE_MASK) !== ENABLED) continue;
      evaluated++;
      if (isExpired(expires[i]!, now)) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  };
