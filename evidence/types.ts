/**
 * The shapes the evidence modules share: the audit period, the data a bundle is built from,
 * report tables, operator audit-log entries and the management assertion. Plain data only.
 */
import type { Framework } from '../scanner/frameworks/types.js';
import type { Inventory } from '../scanner/inventory/types.js';
import type { ScanResult } from '../scanner/scan.js';
import type { ScanSummary } from '../scanner/summary.js';

/** An audit period, both ends inclusive, as ISO 8601 UTC strings (`2026-07-01T00:00:00.000Z`). */
export interface Period {
  from: string;
  to: string;
  /** How the user named it (`last-quarter`, `2026-Q3`, `2026-07-01..2026-09-30`). */
  label: string;
}

/** One cell of a report: written to CSV as text, `null` as an empty field. */
export type Cell = string | number | boolean | null;

export interface ReportColumn {
  name: string;
  /** One sentence: what the column holds, its unit or format (the bundle's README lists them). */
  description: string;
}

/** One report: a table, with what it is and where its numbers come from. */
export interface ReportTable {
  /** File stem in the bundle, e.g. `asset-inventory` (→ reports/asset-inventory.csv / .pdf). */
  id: string;
  title: string;
  /** What the report shows and from which data (scan id, audit log, period filter). */
  description: string;
  columns: ReportColumn[];
  rows: Cell[][];
  /** Plain statements a reader needs, e.g. "The source did not collect rotation events." */
  notes: string[];
}

/** The state the point-in-time reports describe: one saved scan and the inventory it read. */
export interface EvidenceSnapshot {
  scanId: string;
  /** When the scan ran (ISO). */
  at: string;
  source: string;
  inventory: Inventory;
  result: ScanResult;
  /**
   * True when no scan was saved at or before the period's end, so the latest scan (taken after
   * it) stands in; every cover page says so.
   */
  afterPeriod: boolean;
}

/** Everything a bundle's reports are computed from. Pure input: the same input, the same bytes. */
export interface EvidenceInput {
  framework: Framework;
  period: Period;
  /** Epoch ms: the generation time. */
  now: number;
  snapshot: EvidenceSnapshot;
  /** Summaries of the scans saved inside the period, newest first. */
  history: readonly ScanSummary[];
  /** Operator audit-log entries inside the period, in log order. */
  auditEntries: readonly AuditEntry[];
}

/** Who did something, on which channel. */
export interface Actor {
  id: string;
  name: string;
  /** 'teams' | 'slack' | 'playground' | 'cli' | 'scheduler' | 'http' */
  channel: string;
}

/** What an operator-audit entry records, before the log numbers and chains it. */
export interface AuditEvent {
  /** e.g. `command`, `evidence.requested`, `evidence.signed`, `evidence.rejected`, `evidence.downloaded`, `rule.added`, `config.started` */
  action: string;
  actor: Actor;
  /** What it acted on, e.g. a bundle id or rule id; null when nothing in particular. */
  subject: string | null;
  /** Flat facts (never a secret, a token or a credential). */
  details: Record<string, string | number | boolean | null>;
}

/** One line of the hash-chained operator audit log. */
export interface AuditEntry extends AuditEvent {
  /** 1, 2, 3 … without gaps. */
  seq: number;
  /** ISO time of the append. */
  at: string;
  /** `hash` of the entry before (64 zeros for the first). */
  prev: string;
  /** SHA-256 (hex) of the entry's canonical JSON without `hash`. */
  hash: string;
}

/** The management assertion: the statement a manager signs before a bundle is released. */
export interface Assertion {
  schema: 'certify.assertion/v1';
  bundleId: string;
  framework: string;
  period: Period;
  /** The statement signed (or to be signed), in full. */
  statement: string;
  /** SHA-256 (hex) of data-manifest.json: the exact data the signer vouched for. */
  dataManifestSha256: string;
  status: 'pending' | 'signed' | 'unsigned-local';
  requestedBy: { id: string; name: string; channel: string } | null;
  /** Set when signed. */
  signer: { id: string; name: string; role: string; channel: string } | null;
  signedAt: string | null;
}
