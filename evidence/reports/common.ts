/**
 * What every report builder shares: the report definition, the wording of "which data", and
 * the small conversions (times, days, ids) that have to read the same in every table.
 */
import type { Cell, EvidenceInput, ReportColumn, ReportTable } from '../types.js';
import { DAY_MS, toMs } from '../../base/time.js';

/** The strings a description is written from; the docs fill them with placeholders. */
export interface ReportContext {
  /** Which saved scan a point-in-time report reads. */
  scan: string;
  /** The audit period a period report is filtered to. */
  period: string;
  /** The framework's display name. */
  framework: string;
}

export interface ReportBody {
  rows: Cell[][];
  notes: string[];
}

/**
 * A report as code and documentation at once: docs/evidence.md is rendered from the same
 * title, description and columns the bundle carries, so the two cannot drift.
 */
export interface ReportSpec {
  id: string;
  title: string;
  /** `snapshot`: reads one saved scan; `period`: rows filtered to the audit period. */
  basis: 'snapshot' | 'period';
  describe(ctx: ReportContext): string;
  columns: readonly ReportColumn[];
  build(input: EvidenceInput): ReportBody;
}

export function col(name: string, description: string): ReportColumn {
  return { name, description };
}

export function contextOf(input: EvidenceInput): ReportContext {
  const s = input.snapshot;
  const stand = s.afterPeriod
    ? '; no scan was saved by the end of the period, so this later scan stands in for it'
    : '';
  const p = input.period;
  return {
    scan: `scan ${s.scanId} taken ${isoOrRaw(s.at)} (source ${s.source}${stand})`,
    period: `${p.label} (${isoOrRaw(p.from)} to ${isoOrRaw(p.to)}, both ends inclusive)`,
    framework: input.framework.name,
  };
}

export function tableOf(spec: ReportSpec, input: EvidenceInput, id = spec.id): ReportTable {
  const body = spec.build(input);
  return {
    id,
    title: spec.title,
    description: spec.describe(contextOf(input)),
    columns: spec.columns.map((c) => ({ ...c })),
    rows: body.rows,
    notes: body.notes,
  };
}

/** ISO 8601 UTC with milliseconds, whatever zone or precision the source wrote; null stays null. */
export function iso(value: string | null | undefined): string | null {
  if (value == null) return null;
  return isoOrRaw(value);
}

/** A time that cannot be parsed is kept as written rather than dropped: the report never invents. */
function isoOrRaw(value: string): string {
  const ms = toMs(value);
  if (Number.isNaN(ms)) return value;
  // The two shapes sources write are rewritten without a Date: large exports hold millions of times.
  const n = value.length;
  if (
    value.charCodeAt(n - 1) === 90 /* Z */ &&
    value.charCodeAt(10) === 84 /* T */ &&
    value.charCodeAt(4) === 45 /* - */ &&
    value.charCodeAt(7) === 45 &&
    value.charCodeAt(13) === 58 /* : */ &&
    value.charCodeAt(16) === 58
  ) {
    if (n === 24 && value.charCodeAt(19) === 46 /* . */) return value;
    if (n === 20) return `${value.slice(0, 19)}.000Z`;
  }
  return new Date(ms).toISOString();
}

/**
 * The evaluation time of the snapshot: the rules judged ages and expiries against it, so the
 * reports do too (never against the generation time, which would make old bundles drift).
 */
export function scanTimeMs(input: EvidenceInput): number {
  const fromResult = toMs(input.snapshot.result.now);
  return Number.isNaN(fromResult) ? toMs(input.snapshot.at) : fromResult;
}

/** Days with two decimals: enough to read a boundary, short enough to scan by eye. */
export function days2(ms: number): number | null {
  if (!Number.isFinite(ms)) return null;
  const v = Math.round((ms / DAY_MS) * 100) / 100;
  return Object.is(v, -0) ? 0 : v;
}

export function notCollected(what: string): string {
  return `The source did not collect ${what}, so this report has no rows for it; this is not evidence that none exist.`;
}

/** `1 234` style is locale-dependent; plain digits read the same everywhere. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Singular asset type from a URL kind segment (`secrets` → `secret`). */
export function assetTypeOf(kind: string | undefined): string | null {
  if (kind === 'secrets') return 'secret';
  if (kind === 'keys') return 'key';
  if (kind === 'certificates') return 'certificate';
  return null;
}
