import { HOUR_MS, MINUTE_MS } from '../../../base/time.js';

/** Hours before `now` covered by the cache: the oldest creation date the tenant uses, with room. */
const PAST_HOURS = 2_000 * 24;
const FUTURE_HOURS = 800 * 24;

/**
 * ISO strings relative to `now`. A million assets carry several million dates but only a few
 * thousand distinct hour offsets, so each string is formatted once and shared.
 */
export class IsoClock {
  private readonly byHour: (string | undefined)[] = new Array<string | undefined>(PAST_HOURS + FUTURE_HOURS);
  private readonly byMinute = new Map<number, string>();

  constructor(private readonly now: number) {}

  /** `now + ms`; for the few times that need no sharing. */
  at(ms: number): string {
    const iso = new Date(this.now + ms).toISOString();
    // The spec writes whole seconds (`2026-01-10T00:00:00Z`); keep milliseconds only when `now` has them.
    return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  }

  /** `now + hours` (integer, negative for the past). */
  hours(hours: number): string {
    const i = hours + PAST_HOURS;
    if (i < 0 || i >= this.byHour.length) return this.at(hours * HOUR_MS);
    let iso = this.byHour[i];
    if (iso === undefined) {
      iso = this.at(hours * HOUR_MS);
      this.byHour[i] = iso;
    }
    return iso;
  }

  /** `now + minutes` (integer, negative for the past). */
  minutes(minutes: number): string {
    let iso = this.byMinute.get(minutes);
    if (iso === undefined) {
      iso = this.at(minutes * MINUTE_MS);
      this.byMinute.set(minutes, iso);
    }
    return iso;
  }
}
