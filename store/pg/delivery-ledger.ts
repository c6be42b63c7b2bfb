/**
 * The Slack delivery ledger in PostgreSQL, shared by every replica: Slack retries a delivery to
 * whichever replica the load balancer picks, so "already handled" must be known to all of them.
 *
 * It implements bot/slack/delivery-ledger.ts's DeliveryLedger, restated here because store/ sits
 * below bot/ (a test holds the two to one shape). Checking and recording are one statement: an
 * insert that, on a key already there, only takes the row over when its window has ended. Of two
 * copies arriving together on two replicas, the second waits on the first's row and is told
 * `true`.
 */
import type pg from 'pg';
import { isoParam, rows } from './sql.js';

/** bot/slack/delivery-ledger.ts's port, structurally. */
export interface PgDeliveryLedger {
  /**
   * Whether `key` was already recorded and has not expired at `now` (epoch ms); if not, records
   * it until `now` plus the window.
   */
  seen(key: string, now: number): Promise<boolean>;
  /** Drops `key`, so its next delivery is handled. */
  forget(key: string): Promise<void>;
}

export interface PgDeliveryLedgerOptions {
  /** How long a key is remembered after it is first seen, in ms. */
  windowMs: number;
  /** Expired rows are deleted at most this often per replica (default: once a window). */
  sweepEveryMs?: number;
}

export function createPgDeliveryLedger(pool: pg.Pool, options: PgDeliveryLedgerOptions): PgDeliveryLedger {
  const { windowMs } = options;
  if (!(windowMs > 0)) throw new RangeError(`delivery ledger: windowMs must be > 0, got ${windowMs}`);
  const sweepEveryMs = options.sweepEveryMs ?? windowMs;
  let lastSweep = -Infinity;

  return {
    async seen(key, now) {
      const at = isoParam(now, 'delivery ledger');
      // An entry whose expiry is `now` has expired, as in the in-memory ledger.
      const recorded = await rows(
        pool,
        'check the Slack delivery ledger',
        `INSERT INTO slack_deliveries (key, expires_at) VALUES ($1, $2::timestamptz)
         ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at
         WHERE slack_deliveries.expires_at <= $3::timestamptz
         RETURNING key`,
        [key, isoParam(now + windowMs, 'delivery ledger'), at],
      );
      // Bounded by time alone: rows are only worth keeping for the window. A sweep that fails is
      // left to the next one; the answer above stands.
      if (now - lastSweep >= sweepEveryMs || now < lastSweep) {
        lastSweep = now;
        await pool
          .query('DELETE FROM slack_deliveries WHERE expires_at <= $1::timestamptz', [at])
          .catch(() => undefined);
      }
      return recorded.length === 0;
    },

    async forget(key) {
      await rows(pool, 'forget a delivery', 'DELETE FROM slack_deliveries WHERE key = $1', [key]);
    },
  };
}
