/** Time arithmetic shared by the rules. Every function takes `now` explicitly (epoch ms). */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Epoch ms of an ISO time, or NaN for null/undefined. */
export function toMs(iso: string | null | undefined): number {
  return iso == null ? Number.NaN : Date.parse(iso);
}

/** `(expires − now) / 1 day`, or null when there is no expiry. */
export function daysLeft(expiresMs: number, now: number): number | null {
  return Number.isNaN(expiresMs) ? null : (expiresMs - now) / DAY_MS;
}

/** expired: `expires ≤ now`. */
export function isExpired(expiresMs: number, now: number): boolean {
  return !Number.isNaN(expiresMs) && expiresMs <= now;
}

/** expiring within N days: `0 < expires − now ≤ N days` (an expired asset is not "expiring"). */
export function isExpiringWithin(expiresMs: number, now: number, days: number): boolean {
  if (Number.isNaN(expiresMs)) return false;
  const delta = expiresMs - now;
  return delta > 0 && delta <= days * DAY_MS;
}

/** True when `at` lies in the half-open window `(now − windowMs, now]`. */
export function inWindow(atMs: number, now: number, windowMs: number): boolean {
  return atMs > now - windowMs && atMs <= now;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Strict ISO 8601 date-time with an explicit zone (`1/2/2026` and zone-less times are refused). */
export function isIsoTime(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_WITH_ZONE.test(value)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** Parses a user-supplied `--now`; throws a message naming the problem. */
export function parseNow(value: string): number {
  if (!isIsoTime(value)) {
    throw new Error(`--now: "${value}" is not an ISO 8601 time with a zone (e.g. 2026-11-23T06:00:00Z)`);
  }
  return Date.parse(value);
}
