/**
 * A counter that reports at most once per interval: for events too frequent, and too cheap to
 * cause, to log one by one (junk requests). The first event is reported at once, so a new kind of
 * noise shows up immediately; later ones are summed into the next report.
 */
export interface ThrottledCount {
  add(now: number): void;
}

export function throttledCount(
  everyMs: number,
  report: (count: number, now: number) => void,
): ThrottledCount {
  let pending = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  return {
    add(now) {
      pending += 1;
      if (now - lastReport < everyMs) return;
      report(pending, now);
      pending = 0;
      lastReport = now;
    },
  };
}
