/**
 * Calendar arithmetic for the rules' hot loops, in plain integer arithmetic: Date.UTC and Date
 * objects cost more than the rules around them when a scan handles a million assets. Each
 * function gives exactly what base/time.ts gives, and hands the inputs it does not cover to it.
 */
import { addCalendarMonths, DAY_MS } from '../../base/time.js';

/** Far below any sum of digits, so one bad digit makes the whole field negative. */
const BAD = -1_000_000;

function d1(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : BAD;
}

function d2(s: string, i: number): number {
  return d1(s, i) * 10 + d1(s, i + 1);
}

function monthDays(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date, for years ≥ 1 (H. Hinnant's algorithm). */
function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Writes to `out[i]` the epoch ms of the shape every source writes, `YYYY-MM-DDTHH:MM:SSZ` or
 * `…SS.fffZ`, and answers true; answers false, writing nothing, for anything else, which the
 * caller hands to toMs. The value is always the one toMs gives (the same checks, the same
 * calendar), computed without calling Date.UTC. It is stored here rather than returned: a
 * returned epoch ms is a double, which V8 boxes as a heap number at every call it does not
 * inline, and the sections hold millions of times.
 */
export function storeIsoMs(out: Float64Array, i: number, s: string): boolean {
  const len = s.length;
  if ((len !== 20 && len !== 24) || s.charCodeAt(len - 1) !== 90 /* Z */ || s.charCodeAt(10) !== 84 /* T */) {
    return false;
  }
  const y = d2(s, 0) * 100 + d2(s, 2);
  const mo = d2(s, 5);
  const d = d2(s, 8);
  const h = d2(s, 11);
  const mi = d2(s, 14);
  const sec = d2(s, 17);
  // Date.UTC reads the years 0–99 as 1900–1999: toMs alone knows how to give those.
  if (
    y < 100 ||
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
    return false;
  }
  let ms = 0;
  if (len === 24) {
    if (s.charCodeAt(19) !== 46 /* . */) return false;
    ms = d2(s, 20) * 10 + d1(s, 22);
    if (ms < 0) return false;
  }
  // Date.UTC would roll 2026-02-31 over into March; toMs refuses it (then asks Date.parse).
  if (d > 28 && d > monthDays(y, mo)) return false;
  out[i] = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 + ms;
  return true;
}

const one = new Float64Array(1);

/** {@link storeIsoMs} as a value: the epoch ms, or NaN where the caller must ask toMs. */
export function fastIsoMs(s: string): number {
  return storeIsoMs(one, 0, s) ? one[0]! : Number.NaN;
}

/** 0100-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the years {@link addMonthsMs} computes itself. */
const FIRST_MS = -59_011_459_200_000;
const LAST_MS = 253_402_300_799_999;

/**
 * addCalendarMonths (base/time.ts) without two Date objects per call: C007 moves every
 * certificate's not-before by the organisation's maximum validity.
 */
export function addMonthsMs(ms: number, months: number): number {
  if (!(ms >= FIRST_MS && ms <= LAST_MS) || !Number.isInteger(ms) || !Number.isInteger(months)) {
    return addCalendarMonths(ms, months);
  }
  const days = Math.floor(ms / DAY_MS);
  const timeOfDay = ms - days * DAY_MS;
  // The civil date of `days` (H. Hinnant's algorithm, the inverse of daysFromCivil).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9; // 1–12
  const y = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const total = month - 1 + months;
  const year = y + Math.floor(total / 12);
  const toMonth = (((total % 12) + 12) % 12) + 1;
  if (year < 100 || year > 9999) return addCalendarMonths(ms, months);
  return daysFromCivil(year, toMonth, Math.min(day, monthDays(year, toMonth))) * DAY_MS + timeOfDay;
}
