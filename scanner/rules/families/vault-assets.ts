/**
 * The expiry family shared by secrets, certificates and keys: C001–C005 and K001–K005 are
 * P001, P002, P003, P004 and P007 applied to another section (rules.md).
 */
import type { Inventory } from '../../inventory/types.js';
import { isExpired, isExpiringWithin } from '../../../base/time.js';
import { timesOf } from '../facts.js';
import type { OrgParameters } from '../parameters.js';
import { listOutcome, type Evaluate, type RuleOutcome } from '../types.js';

export type AssetSection = 'secrets' | 'keys' | 'certificates';

interface AssetView {
  id: string;
  enabled: boolean;
  expires: string | null;
  managed?: boolean;
}

/** Secret and key rules skip managed assets; certificates have no such flag. */
function inScope(a: AssetView): boolean {
  return a.managed !== true;
}

const NO_TIMES = new Float64Array(0);

/** Evaluates `fails` over the enabled (or all) unmanaged assets of a section. */
function overAssets(
  section: AssetSection,
  enabledOnly: boolean,
  fails: (asset: AssetView, expiresMs: number, now: number, parameters: OrgParameters) => boolean,
  readsExpiry = true,
): Evaluate {
  return (inv: Inventory, now: number, parameters: OrgParameters): RuleOutcome => {
    const list = inv[section] as readonly AssetView[];
    // Rules that only test presence skip parsing: framework subsets evaluate them on fresh arrays.
    const expires = readsExpiry ? timesOf(list, 'expires') : NO_TIMES;
    const failing: string[] = [];
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (!inScope(a) || (enabledOnly && !a.enabled)) continue;
      evaluated++;
      if (fails(a, readsExpiry ? expires[i]! : Number.NaN, now, parameters)) failing.push(a.id);
    }
    return listOutcome(evaluated, failing);
  };
}

/** P001 / C001 / K001: no expiry date set. */
export const missingExpiry = (section: AssetSection) => overAssets(section, true, (a) => a.expires === null);

/** The organisation parameters that set an expiry window (rules.md, "Organisation parameters"). */
export type ExpiryWindow = 'expiringCriticalDays' | 'expiringSoonDays';

/**
 * P002, P003 / C002, C003 / K002, K003: `0 < expires − now ≤ N days`, where N is the
 * organisation's `expiringCriticalDays` (default 7) or `expiringSoonDays` (default 30).
 */
export const expiringWithin = (section: AssetSection, window: ExpiryWindow) =>
  overAssets(section, true, (_a, exp, now, parameters) => isExpiringWithin(exp, now, parameters[window]));

/** P004 / C004 / K004: disabled assets (population: all assets). */
export const disabledAssets = (section: AssetSection) => overAssets(section, false, (a) => !a.enabled, false);

/** P007 / C005 / K005: `expires ≤ now`. */
export const expiredAssets = (section: AssetSection) =>
  overAssets(section, true, (_a, exp, now) => isExpired(exp, now));
