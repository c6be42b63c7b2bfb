/**
 * A DeliveryLedger held in this process: enough for one replica. Bounded twice over: entries
 * expire after the window, and past `maxEntries` the oldest is forgotten first.
 */
import type { DeliveryLedger } from './delivery-ledger.js';

export const DEFAULT_MAX_ENTRIES = 100_000;

export interface MemoryDeliveryLedgerOptions {
  /** How long a key is remembered after it is first seen, in ms. */
  windowMs: number;
  maxEntries?: number;
}

export class MemoryDeliveryLedger implements DeliveryLedger {
  /** key → expiry (epoch ms). A Map keeps insertion order, which is expiry order while time runs forward. */
  private readonly entries = new Map<string, number>();
  private readonly windowMs: number;
  private readonly maxEntries: number;

  constructor(opts: MemoryDeliveryLedgerOptions) {
    if (!(opts.windowMs > 0))
      throw new Error(`MemoryDeliveryLedger: windowMs must be > 0, got ${opts.windowMs}`);
    const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`MemoryDeliveryLedger: maxEntries must be a positive integer, got ${max}`);
    this.windowMs = opts.windowMs;
    this.maxEntries = max;
  }

  get size(): number {
    return this.entries.size;
  }

  seen(key: string, now: number): Promise<boolean> {
    this.prune(now);
    const expiresAt = this.entries.get(key);
    // Checked again here: if the clock stepped back, an expired entry can sit behind a live one.
    if (expiresAt !== undefined && expiresAt > now) return Promise.resolve(true);
    this.entries.delete(key);
    // Forgetting the oldest reopens its replay, but only signed deliveries get here, so filling
    // the ledger takes Slack's own volume; refusing new deliveries instead would drop real work.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, now + this.windowMs);
    return Promise.resolve(false);
  }

  forget(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  /** Drops expired entries from the front, so the cost is paid once per entry. */
  private prune(now: number): void {
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt > now) return;
      this.entries.delete(key);
    }
  }
}
