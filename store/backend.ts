/**
 * Where Certify keeps its state, as one port with two adapters (Renovate's platforms): the
 * embedded store over a data dir (the default, for one process on a laptop or a single replica)
 * and PostgreSQL (`CERTIFY_DATABASE_URL`, shared by every replica). The composition root picks
 * one and builds every service on it; nothing above it knows which.
 *
 * Each method builds a new adapter: the caller keeps what it builds (the composition root does).
 */
import type { Jwks, Signer } from '../base/jws.js';
import type { AuditVerification } from '../evidence/audit/verify.js';
import type { Inventory } from '../scanner/inventory/types.js';
import type { ScanResult } from '../scanner/scan.js';
import type { AlertStore } from './alerts.js';
import type { ChartStore } from './charts.js';
import type { AuditLog } from './audit-writer.js';
import type { ConversationStore } from './conversations.js';
import type { CustomRuleStore, CustomRuleStoreOptions } from './custom-rules.js';
import type { EvidenceFiles } from './evidence-files.js';
import type { EvidenceRequestStore } from './evidence-requests.js';
import type { HomeViewers } from './home-viewers.js';
import type { ParameterStore } from './parameters.js';
import type { ProvenanceStore } from './provenance.js';
import type { ScanStore, ScanStoreOptions } from './scans.js';
import type { SnapshotStore, SnapshotStoreOptions } from './snapshots.js';

export type StoreKind = 'embedded' | 'postgres';

/** Checking and recording a delivery's identity in one step (bot/slack/delivery-ledger.ts). */
export interface SharedDeliveryLedger {
  seen(key: string, now: number): Promise<boolean>;
  forget(key: string): Promise<void>;
}

export interface StoreBackend {
  readonly kind: StoreKind;
  /** Where the state is, for messages: the data dir, or the database URL without its password. */
  readonly where: string;
  scans(options: ScanStoreOptions): ScanStore<ScanResult>;
  snapshots(options: SnapshotStoreOptions): SnapshotStore<Inventory, ScanResult>;
  customRules(options: CustomRuleStoreOptions): CustomRuleStore;
  parameters(): ParameterStore;
  evidenceRequests(): EvidenceRequestStore;
  /** The staged bundles and signed zips of evidence requests: whichever replica signs or serves one reads them here. */
  evidenceFiles(): EvidenceFiles;
  /** The scans evidence is built from: never pruned from the snapshots. */
  scanIdsInUse(requests: EvidenceRequestStore): Promise<ReadonlySet<string>>;
  alerts(): AlertStore;
  conversations<T extends object>(): ConversationStore<T>;
  provenance(): ProvenanceStore;
  /** The trend charts behind Certify's expiring image links (`/charts/<token>.png`). */
  charts(): ChartStore;
  /** The Slack users who opened the App Home: each scheduled scan republishes theirs. */
  homeViewers(): HomeViewers;
  /**
   * A ledger every replica shares, or null when one process is all there is (the bot then keeps
   * its own in memory).
   */
  deliveryLedger(windowMs: number): SharedDeliveryLedger | null;
  auditLog(signer: Signer, options: { onNotice?: (message: string) => void }): AuditLog;
  verifyAuditLog(jwks: Jwks): Promise<AuditVerification>;
  /**
   * Makes sure the store can be used (PostgreSQL: connected and migrated); the bot calls it at
   * start-up so a broken setting stops it there. Resolves with a line for the start-up log.
   */
  open(): Promise<string>;
  /**
   * A cheap check, for the readiness probe, that the store still answers: the data dir can be
   * read and written, or the database answers `SELECT 1` within `timeoutMs`. Rejects with why not.
   */
  ping(timeoutMs: number): Promise<void>;
  /** Releases connections; nothing is lost (every write was already durable). */
  close(): Promise<void>;
}
