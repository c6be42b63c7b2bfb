/**
 * Organisation parameters: the thresholds an organisation sets for itself (every Azure Policy
 * built-in takes its days as a parameter). Rule ids and names stay; the effective values travel
 * with every result, so a result can always be recomputed by hand (rules.md, "Organisation
 * parameters").
 */
export interface OrgParameters {
  /** P003, C003, K003: "expiring soon" (default 30 days). */
  readonly expiringSoonDays: number;
  /** P002, C002, K002: "expiring critically soon" (default 7 days). */
  readonly expiringCriticalDays: number;
  /** P008: a secret value's maximum age (default 90 days). */
  readonly secretMaxAgeDays: number;
  /** C007: a certificate's maximum validity (default 12 calendar months). */
  readonly certificateMaxValidityMonths: number;
  /** K009: a key's maximum age (default 365 days). */
  readonly keyMaxAgeDays: number;
}

export const DEFAULT_PARAMETERS: OrgParameters = Object.freeze({
  expiringSoonDays: 30,
  expiringCriticalDays: 7,
  secretMaxAgeDays: 90,
  certificateMaxValidityMonths: 12,
  keyMaxAgeDays: 365,
});

export const PARAMETER_NAMES = Object.keys(DEFAULT_PARAMETERS) as (keyof OrgParameters)[];
