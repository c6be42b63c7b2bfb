/**
 * Counts failed attempts per key (a client address) in fixed windows, so one client cannot try
 * download tokens without end. In memory and bounded: at most `maxKeys` keys, expired windows
 * dropped first, then the oldest; time is always passed in.
 */
export interface AttemptLimiter {
  /** 0 when `key` may try now; otherwise how long (ms) until its window ends. */
  retryAfterMs(key: string, now: number): number;
  /** Counts one failed attempt by `key`. */
  fail(key: string, now: number): void;
  /** Keys currently tracked (for tests and metrics). */
  size(): number;
}

export interface AttemptLimiterOptions {
  /** Failed attempts allowed per window. */
  limit: number;
  windowMs: number;
  /** Most keys remembered at once. */
  maxKeys: number;
}

export function createAttemptLimiter(opts: AttemptLimiterOptions): AttemptLimiter {
  const { limit, windowMs, maxKeys } = opts;
  for (const [name, value] of Object.entries(opts)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`attempt limiter: ${name} must be a positive integer, got ${value}`);
  }
  // Insertion order is window-start order (a key is re-inserted when its window restarts), so
  // the expired windows are always at the front and pruning stops at the first live one.
  const windows = new Map<string, { start: number; failures: number }>();

  const prune = (now: number) => {
    for (const [key, w] of windows) {
      if (w.start + windowMs > now) break;
      windows.delete(key);
    }
  };

  return {
    retryAfterMs(key, now) {
      const w = windows.get(key);
      if (!w || w.failures < limit) return 0;
      return Math.max(0, w.start + windowMs - now);
    },
    fail(key, now) {
      prune(now);
      const w = windows.get(key);
      if (w) {
        w.failures += 1;
        return;
      }
      // Full of live windows: forgetting the oldest is the price of a fixed memory bound.
      if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
      windows.set(key, { start: now, failures: 1 });
    },
    size: () => windows.size,
  };
}
