/**
 * The port behind which Slack deliveries already handled are remembered, so that a retry or an
 * exact replay is acknowledged and does nothing. It is a port so a store shared by several
 * replicas (PostgreSQL: `INSERT … ON CONFLICT DO NOTHING`) can replace the in-memory one; that
 * is also why `seen` returns a promise.
 */
export interface DeliveryLedger {
  /**
   * Whether `key` was already recorded and has not expired at `now` (epoch ms); if not, records
   * it until `now` plus the ledger's window. Checking and recording are one step: of two copies
   * arriving together, only one may be told `false`.
   */
  seen(key: string, now: number): Promise<boolean>;
  /** Drops `key`: its work could not be handed on, so a retry must not be taken for a duplicate. */
  forget(key: string): Promise<void>;
}
