/**
 * Calendar arithmetic for the rules' hot loops, in plain integer arithmetic: Date objects cost
 * more than the rules around them when a scan handles a million assets. It gives exactly what
 * base/time.ts gives, and hands the inputs it does not cover to it.
 */
import { addCalendarMonths, DAY_MS, daysFromCivil, daysInMonth } from '../../base/time.js';

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
  return daysFromCivil(year, toMonth, Math.min(day, daysInMonth(year, toMonth))) * DAY_MS + timeOfDay;
}
