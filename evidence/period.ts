/**
 * Audit periods as people name them — `last-quarter`, `2026-Q3`, `2026-07-01..2026-09-30` — to
 * exact inclusive UTC bounds. Pure: relative names are resolved against `now`.
 */
import { CertifyError } from '../base/errors.js';
import type { Period } from './types.js';

const DAY = 86_400_000;

export const DEFAULT_PERIOD = 'last-90d';

export const PERIOD_FORMS = [
  'last-quarter',
  'this-quarter',
  'last-month',
  'this-month',
  'last-year',
  'this-year (ytd)',
  'last-<N>d',
  '2026-Q3',
  '2026-07',
  '2026',
  '2026-07-01..2026-09-30',
] as const;

const utc = (y: number, m: number, d = 1) => Date.UTC(y, m, d);
/** The last millisecond before `next`: periods are inclusive at both ends. */
const endBefore = (next: number) => next - 1;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function make(from: number, to: number, label: string): Period {
  return { from: iso(from), to: iso(to), label };
}

function quarter(y: number, q: number, label: string): Period {
  return make(utc(y, (q - 1) * 3), endBefore(utc(y, q * 3)), label);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * One end of an explicit period. A bare date means the whole day: its start for `from`, its last
 * millisecond for `to`, so `2026-09-30` as the end includes everything on that day.
 */
export function parseBound(text: string, end: 'from' | 'to'): number {
  const value = text.trim();
  const date = ISO_DATE.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]) - 1, Number(date[3])];
    const start = utc(y, m, d);
    if (new Date(start).getUTCDate() !== d || new Date(start).getUTCMonth() !== m) {
      throw badPeriod(`"${value}" is not a calendar date`);
    }
    return end === 'from' ? start : endBefore(start + DAY);
  }
  if (ISO_TIME.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw badPeriod(`"${value}" is not an ISO 8601 date or time (e.g. 2026-07-01 or 2026-07-01T00:00:00Z)`);
}

function badPeriod(problem: string): CertifyError {
  return new CertifyError(
    'BAD_INPUT',
    `cannot read the audit period: ${problem}`,
    [],
    `Use one of: ${PERIOD_FORMS.join(', ')}.`,
  );
}

/** Explicit ends (the CLI's --from/--to), checked for order and for lying in the past. */
export function periodBetween(fromText: string, toText: string, now: number): Period {
  const from = parseBound(fromText, 'from');
  const to = parseBound(toText, 'to');
  return checked(make(from, to, `${fromText.trim()}..${toText.trim()}`), now);
}

function checked(period: Period, now: number): Period {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  if (from > to) throw badPeriod(`it starts (${period.from}) after it ends (${period.to})`);
  if (from > now) throw badPeriod(`it starts in the future (${period.from})`);
  // A period still running ends now: evidence cannot describe what has not happened yet.
  return to > now ? { ...period, to: iso(now) } : period;
}

/** A named or explicit period; undefined or empty means the default (the last 90 days). */
export function parsePeriod(text: string | undefined, now: number): Period {
  const raw = (text ?? '').trim();
  const name = (raw || DEFAULT_PERIOD).toLowerCase();
  const today = new Date(now);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  const q = Math.floor(m / 3) + 1;

  const range = /^(.+?)(?:\.\.|\s+to\s+)(.+)$/.exec(raw);
  if (range) return periodBetween(range[1]!, range[2]!, now);

  const lastDays = /^last-?(\d{1,4})\s*-?(?:d|days?)$/.exec(name);
  if (lastDays) {
    const n = Number(lastDays[1]);
    if (n < 1) throw badPeriod('the number of days must be at least 1');
    return checked(make(now - n * DAY, now, `last-${n}d`), now);
  }
  switch (name) {
    case 'last-quarter':
    case 'previous-quarter':
      return checked(q === 1 ? quarter(y - 1, 4, name) : quarter(y, q - 1, name), now);
    case 'this-quarter':
    case 'qtd':
      return checked(make(utc(y, (q - 1) * 3), now, name), now);
    case 'last-month':
    case 'previous-month':
      return checked(make(utc(y, m - 1), endBefore(utc(y, m)), name), now);
    case 'this-month':
    case 'mtd':
      return checked(make(utc(y, m), now, name), now);
    case 'last-year':
    case 'previous-year':
      return checked(make(utc(y - 1, 0), endBefore(utc(y, 0)), name), now);
    case 'this-year':
    case 'ytd':
      return checked(make(utc(y, 0), now, name), now);
  }
  const qn = /^(\d{4})-?q([1-4])$/.exec(name);
  if (qn) return checked(quarter(Number(qn[1]), Number(qn[2]), `${qn[1]}-Q${qn[2]}`), now);
  const month = /^(\d{4})-(\d{2})$/.exec(name);
  if (month) {
    const [yy, mm] = [Number(month[1]), Number(month[2])];
    if (mm < 1 || mm > 12) throw badPeriod(`"${raw}" has no month ${mm}`);
    return checked(make(utc(yy, mm - 1), endBefore(utc(yy, mm)), name), now);
  }
  const year = /^(\d{4})$/.exec(name);
  if (year) return checked(make(utc(Number(year[1]), 0), endBefore(utc(Number(year[1]) + 1, 0)), name), now);
  throw badPeriod(`"${raw}" is not a period I know`);
}
