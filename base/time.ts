/** Time arithmetic shared by the rules. Every function takes `now` explicitly (epoch ms). */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** Epoch ms of an ISO time, or NaN for null/undefined. */
export function toMs(iso: string | null | undefined): number {
  if (iso == null) return Number.NaN;
  const fast = fastUtcMs(iso);
  return Number.isNaN(fast) ? Date.parse(iso) : fast;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z`, the shape every source writes, parsed by hand: Date.parse
 * dominated evaluation of a million-asset tenant. Anything else returns NaN and falls back
 * to Date.parse.
 */
function fastUtcMs(s: string): number {
  return fastUtc(s, true);
}

/**
 * {@link fastUtcMs}, or with `wantMs` false only whether it would be a number (0 or NaN):
 * validating a million-asset inventory checks four times per asset, and Date.UTC was half the
 * cost of a check.
 */
function fastUtc(s: string, wantMs: boolean): number {
  const len = s.length;
  if (
    len < 20 ||
    s.charCodeAt(len - 1) !== 90 /* Z */ ||
    s.charCodeAt(10) !== 84 /* T */ ||
    s.charCodeAt(4) !== 45 /* - */ ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 /* : */ ||
    s.charCodeAt(16) !== 58
  ) {
    return Number.NaN;
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    sec < 0 ||
    sec > 59
  ) {
    return Number.NaN;
  }
  let ms = 0;
  if (len !== 20) {
    if (s.charCodeAt(19) !== 46 /* . */ || len > 30) return Number.NaN;
    const frac = digits(s, 20, len - 21);
    if (frac < 0) return Number.NaN;
    ms = Math.floor(frac / 10 ** (len - 21 - 3));
  }
  // Date.UTC would roll 2026-02-31 over into March; a real calendar date does not.
  if (d > 28 && d > daysInMonth(y, mo)) return Number.NaN;
  // Integer arithmetic rather than Date.UTC, which costs more than the rest of the parse and
  // reads the years 0–99 as 1900–1999 (Date.parse, like this, reads them as written).
  return wantMs ? ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * MINUTE_MS + sec * 1000 + ms : 0;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm; any year). */
export function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/**
 * `ms` moved by `months` calendar months in UTC, keeping the time of day; a day the target month
 * lacks is clamped to its last day (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year).
 */
export function addCalendarMonths(ms: number, months: number): number {
  if (Number.isNaN(ms)) return Number.NaN;
  const d = new Date(ms);
  const total = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const day = Math.min(d.getUTCDate(), daysInMonth(year, month + 1));
  const out = new Date(ms);
  out.setUTCFullYear(year, month, day);
  return out.getTime();
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

/** ISO 8601 date-time with an explicit zone, by shape (the day may still not exist). */
export function isIsoShape(value: unknown): value is string {
  return typeof value === 'string' && ISO_WITH_ZONE.test(value) && !Number.isNaN(Date.parse(value));
}

/** True when the `YYYY-MM-DD` at the start of `s` names a day that exists (not 2026-02-30). */
export function dayExists(s: string): boolean {
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  return d >= 1 && mo >= 1 && mo <= 12 && d <= daysInMonth(y, mo);
}

/**
 * Strict ISO 8601 date-time with an explicit zone on a day that exists: `1/2/2026`,
 * zone-less times and 2026-02-30 (which Date.parse rolls into March) are refused.
 */
export function isIsoTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (!Number.isNaN(fastUtc(value, false))) return true;
  return isIsoShape(value) && dayExists(value);
}

/** Parses a user-supplied `--now`; throws a message naming the problem. */
export function parseNow(value: string): number {
  if (!isIsoTime(value)) {
    throw new Error(`--now: "${value}" is not an ISO 8601 time with a zone (e.g. 2026-11-23T06:00:00Z)`);
  }
  return Date.parse(value);
}
