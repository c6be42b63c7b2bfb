/**
 * An evidence bundle, in two steps.
 *
 * 1. `stageBundle` (when requested): the reports as CSV, `scope.json`, and `data-manifest.json`
 *    (the SHA-256 of each) with an RFC 3161 timestamp over it. This is the data the approver
 *    vouches for; its time is the one printed on every cover page.
 * 2. `finalizeBundle` (when signed — or at once from the CLI, unsigned): the PDFs with the
 *    assertion block, `assertion.json` and its signature, `manifest.json` (the SHA-256 of every
 *    file), its detached ES256 signature and an RFC 3161 timestamp over it, zipped.
 *
 * Two timestamps because a PDF cannot contain the hash of the manifest that lists it.
 */
import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import { pinSigner, signDetached, type Signer } from '../base/jws.js';
import { reportTables } from './reports/index.js';
import { toCsvBuffer } from './csv.js';
import { renderReportPdf, type PdfCover, type ReportPdfInput } from './pdf.js';
import type { TimestampAuthority, TimestampResult } from './timestamp/index.js';
import type { Assertion, EvidenceInput, ReportTable } from './types.js';
import { pendingAssertion } from './assertion.js';
import { INVENTORY_DIGEST_METHOD, inventorySha256 } from './inventory-digest.js';
import { SCAN_SAVED } from './scan-record.js';
import { parametersOf } from '../scanner/scan.js';
import { parameterLines } from '../scanner/rules/parameters-check.js';
import { trendOf } from '../scanner/trend.js';
import { svgToPng } from '../charts/png.js';
import { trendAlt } from '../charts/trend-alt.js';
import { trendChartInput, trendSvg, type TrendChartInput } from '../charts/trend-svg.js';

export const DATA_MANIFEST = 'data-manifest.json';
export const DATA_TIMESTAMP = 'data-manifest.tsr';
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIGNATURE = 'manifest.jws';
export const MANIFEST_TIMESTAMP = 'manifest.tsr';
export const SHA256SUMS = 'SHA256SUMS';
export const ASSERTION = 'assertion.json';
export const ASSERTION_SIGNATURE = 'assertion.jws';
export const JWKS_FILE = 'jwks.json';
export const TSA_CERTS = 'tsa-certs.pem';
export const SCOPE = 'scope.json';
/** Files the manifest cannot list: itself and what is computed over it. */
export const OUTSIDE_MANIFEST: readonly string[] = [
  MANIFEST,
  MANIFEST_SIGNATURE,
  MANIFEST_TIMESTAMP,
  SHA256SUMS,
];

/** Rows drawn in a PDF; the CSV always holds them all. */
export const PDF_MAX_ROWS = 2000;

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

export interface FileEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface DataManifest {
  schema: 'certify.data-manifest/v1';
  bundleId: string;
  tenantId: string;
  framework: string;
  period: EvidenceInput['period'];
  generatedAt: string;
  scan: { id: string; at: string; source: string; afterPeriod: boolean };
  files: FileEntry[];
}

export interface Manifest {
  schema: 'certify.manifest/v1';
  bundleId: string;
  generatedAt: string;
  signer: { kid: string };
  files: FileEntry[];
}

/** A table cut to what its PDF draws, with the full row count kept for the cover note. */
export interface PdfTable extends ReportTable {
  totalRows: number;
}

/** What a staged bundle keeps until it is signed: JSON-safe but for its files, so a store can keep it (store/evidence-files.ts). */
export interface StagedBundle {
  bundleId: string;
  /** Data files by bundle path, data-manifest.json and its timestamp included. */
  files: Record<string, Buffer>;
  dataManifestSha256: string;
  timestamp: { time: string; authority: string; trustedThirdParty: boolean };
  cover: Omit<PdfCover, 'title'>;
  tables: PdfTable[];
  pendingAssertion: Assertion;
  rows: number;
  /**
   * The framework's score at each scan saved in the period, drawn on the control matrix's cover
   * when the bundle is finalized. Absent when no scan was saved in the period (and in bundles
   * staged before covers had a chart).
   */
  trend?: TrendChartInput;
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

function entries(files: Record<string, Buffer>, paths: readonly string[]): FileEntry[] {
  return paths.map((path) => ({ path, sha256: sha256(files[path]!), bytes: files[path]!.length }));
}

/**
 * What the bundle covers. `scan` names the saved scan the reports read and the digest of its
 * inventory, recomputed here from the snapshot: the operator audit log's `scan.saved` entry for
 * that scan id records the digest taken when the scan was saved, so an auditor can check that
 * the bundle was built from exactly the scan the log says was saved.
 */
function scopeOf(input: EvidenceInput, digest: string) {
  const inv = input.snapshot.inventory;
  const result = input.snapshot.result;
  return {
    tenantId: inv.tenantId,
    source: input.snapshot.source,
    scan: {
      id: input.snapshot.scanId,
      at: input.snapshot.at,
      afterPeriod: input.snapshot.afterPeriod,
      inventorySha256: digest,
      inventoryDigest: INVENTORY_DIGEST_METHOD,
      auditAction: SCAN_SAVED,
    },
    subscriptions: [...new Set(inv.vaults.map((v) => v.subscriptionId))].sort(),
    vaults: inv.vaults.map((v) => ({ name: v.name, id: v.id, readable: v.accessError === null })),
    assets: result.assets,
    // The organisation parameters the scan's rules were evaluated with, so every verdict in the
    // reports can be recomputed by hand (a scan saved before they were recorded used the defaults).
    parameters: parametersOf(result),
    notices: result.notices ?? [],
  };
}

function scopeLines(s: ReturnType<typeof scopeOf>): string[] {
  const a = s.assets;
  const lines = [
    `Source: ${s.source}; scan ${s.scan.id} at ${s.scan.at}`,
    `Inventory SHA-256 ${s.scan.inventorySha256} (canonical JSON): compare the ${s.scan.auditAction} entry for ${s.scan.id} in the operator audit log`,
    `${s.vaults.length} vault(s) in ${s.subscriptions.length} subscription(s); ${a.secrets} secrets, ${a.keys} keys, ${a.certificates} certificates`,
  ];
  const unreadable = s.vaults.filter((v) => !v.readable).length;
  if (unreadable > 0)
    lines.push(`${unreadable} vault(s) could not be read: their data plane is missing here`);
  return lines;
}

export interface StageOptions {
  bundleId: string;
  input: EvidenceInput;
  productVersion: string;
  tsa: TimestampAuthority;
  requestedBy: Assertion['requestedBy'];
  /** True for the CLI: the assertion is never signed and every cover says so. */
  local: boolean;
  /**
   * Real time for the embedded TSA (default `input.now`): a timestamp certifies when the data
   * existed, even when the evaluation ran "as of" another `now`.
   */
  stampAt?: number;
}

export async function stageBundle(opts: StageOptions): Promise<StagedBundle> {
  const { input, bundleId } = opts;
  const scope = scopeOf(input, inventorySha256(input.snapshot.inventory));
  const files: Record<string, Buffer> = { [SCOPE]: json(scope) };
  // One table at a time: its CSV is written and its rows beyond what a PDF draws are dropped.
  const tables: PdfTable[] = [];
  let rows = 0;
  for (const table of reportTables(input)) {
    files[`reports/${table.id}.csv`] = toCsvBuffer(table);
    tables.push({ ...table, rows: table.rows.slice(0, PDF_MAX_ROWS), totalRows: table.rows.length });
    rows += table.rows.length;
  }
  const generatedAt = new Date(input.now).toISOString();
  const dataManifest: DataManifest = {
    schema: 'certify.data-manifest/v1',
    bundleId,
    tenantId: input.snapshot.inventory.tenantId,
    framework: input.framework.id,
    period: input.period,
    generatedAt,
    scan: {
      id: input.snapshot.scanId,
      at: input.snapshot.at,
      source: input.snapshot.source,
      afterPeriod: input.snapshot.afterPeriod,
    },
    files: entries(files, Object.keys(files)),
  };
  files[DATA_MANIFEST] = json(dataManifest);
  const dataManifestSha256 = sha256(files[DATA_MANIFEST]);
  const stamp: TimestampResult = await opts.tsa.timestamp(
    Buffer.from(dataManifestSha256, 'hex'),
    opts.stampAt ?? input.now,
  );
  files[DATA_TIMESTAMP] = stamp.response;
  files[TSA_CERTS] = Buffer.from(stamp.certificatesPem);

  const warnings: string[] = [];
  if (opts.local) {
    warnings.push(
      'Produced by the Certify CLI for local use: the management assertion is NOT signed. Request the bundle in chat for a signed one.',
    );
  }
  if (input.snapshot.afterPeriod) {
    warnings.push(
      `No scan was saved during or before this period; the point-in-time reports show scan ${input.snapshot.scanId} of ${input.snapshot.at}, taken after the period ended.`,
    );
  }
  if (!stamp.authority.trustedThirdParty) {
    warnings.push(
      "The RFC 3161 timestamps come from Certify's embedded local time-stamping authority, not from a trusted third party.",
    );
  }
  const trend = trendOf(input.history, { framework: input.framework.id });
  const pending = pendingAssertion(input, {
    bundleId,
    productVersion: opts.productVersion,
    dataManifestSha256,
    requestedBy: opts.requestedBy,
    local: opts.local,
  });
  return {
    bundleId,
    files,
    dataManifestSha256,
    timestamp: {
      time: stamp.genTime,
      authority: stamp.authority.name,
      trustedThirdParty: stamp.authority.trustedThirdParty,
    },
    cover: {
      bundleId,
      tenantId: input.snapshot.inventory.tenantId,
      framework: input.framework.name,
      scope: scopeLines(scope),
      parameters: [
        ...parameterLines(scope.parameters),
        ...(input.snapshot.result.parameters === undefined
          ? ['The scan was saved before Certify recorded its parameters: it used the defaults.']
          : []),
      ],
      productVersion: `Certify ${opts.productVersion}`,
      period: input.period,
      generatedAt,
      timestamp: {
        time: stamp.genTime,
        authority: stamp.authority.name,
        trustedThirdParty: stamp.authority.trustedThirdParty,
      },
      manifest: dataManifest.files.map((f) => ({ file: f.path, sha256: f.sha256 })),
      warnings,
      disclaimer:
        'Technical evidence, not a compliance verdict: the auditor combines it with other evidence and makes the determination.',
    },
    tables,
    pendingAssertion: pending,
    rows,
    ...(trend.points.length === 0
      ? {}
      : { trend: { ...trendChartInput(trend), period: `the period ${input.period.label}` } }),
  };
}

/** The report whose cover shows the score over the period: the control matrix (`control-matrix-<framework>`). */
export const CHART_REPORT_PREFIX = 'control-matrix-';
/** The chart's width on the cover, in points (a little over half the A4 landscape content width). */
const COVER_CHART_POINTS = 400;
/** Pixels per point: about 230 dpi, sharp when the PDF is zoomed or printed. */
const COVER_CHART_SCALE = 3.2;

async function coverChart(trend: TrendChartInput): Promise<ReportPdfInput['chart']> {
  const svg = trendSvg(trend);
  const { png, width, height } = await svgToPng(svg, { width: COVER_CHART_POINTS * COVER_CHART_SCALE });
  return {
    png,
    alt: trendAlt(trend),
    width: COVER_CHART_POINTS,
    height: (height / width) * COVER_CHART_POINTS,
  };
}

const README = (bundleId: string) => `Certify evidence bundle ${bundleId}

What is here
  reports/*.csv        the data (RFC 4180, UTF-8); column meanings: docs/evidence.md of Certify
  reports/*.pdf        the same reports for people: cover page, tables, management assertion
  scope.json           tenant, source, scan (its id and inventory SHA-256, as in the operator
                       audit log's scan.saved entry), subscriptions and vaults covered, and
                       the organisation parameters the rules were evaluated with
  data-manifest.json   SHA-256 of the data files; data-manifest.tsr is its RFC 3161 timestamp
  assertion.json       the management assertion; assertion.jws its ES256 signature (detached)
  manifest.json        SHA-256 of every file above; manifest.jws its ES256 signature (detached),
                       manifest.tsr its RFC 3161 timestamp; SHA256SUMS the same hashes for sha256sum
  jwks.json            the public key of the Certify service that signed (compare it with the
                       service's /.well-known/jwks.json)
  tsa-certs.pem        the time-stamping authority's certificates

Verify
  npx certify verify ${bundleId}.zip
  or by hand, in the unzipped folder:
  sha256sum -c SHA256SUMS
  openssl ts -verify -data manifest.json -in manifest.tsr -CAfile tsa-certs.pem -untrusted tsa-certs.pem
  openssl ts -verify -data data-manifest.json -in data-manifest.tsr -CAfile tsa-certs.pem -untrusted tsa-certs.pem
`;

export interface FinalizeOptions {
  staged: StagedBundle;
  assertion: Assertion;
  signer: Signer;
  tsa: TimestampAuthority;
  now: number;
  /** Real time for the embedded TSA (default `now`). */
  stampAt?: number;
}

export interface FinalBundle {
  zip: Buffer;
  manifestSha256: string;
  files: number;
}

/** The released bundle: PDFs with the assertion block, signatures, timestamp, zipped. */
export async function finalizeBundle(opts: FinalizeOptions): Promise<FinalBundle> {
  const { staged, assertion } = opts;
  // One version for the key set, the manifest's kid and both signatures, even if the key rotates meanwhile.
  const signer = await pinSigner(opts.signer);
  const files: Record<string, Buffer> = {
    'README.txt': Buffer.from(README(staged.bundleId)),
    ...staged.files,
  };
  // A reading aid on the cover, not evidence (the CSVs are): a chart that cannot be drawn is left out
  // rather than holding back a signed bundle.
  const chart =
    staged.trend && staged.trend.points.length > 0
      ? await coverChart(staged.trend).catch(() => undefined)
      : undefined;
  for (const table of staged.tables) {
    const pdf = await renderReportPdf({
      ...(chart && table.id.startsWith(CHART_REPORT_PREFIX) ? { chart } : {}),
      cover: { ...staged.cover, title: table.title },
      table,
      totalRows: table.totalRows,
      assertion,
      csvFile: `reports/${table.id}.csv`,
      maxRows: PDF_MAX_ROWS,
    });
    files[`reports/${table.id}.pdf`] = Buffer.from(pdf);
  }
  files[ASSERTION] = json(assertion);
  files[ASSERTION_SIGNATURE] = Buffer.from(`${await signDetached(signer, files[ASSERTION])}\n`);
  files[JWKS_FILE] = json({ keys: [signer.publicJwk] });
  const manifest: Manifest = {
    schema: 'certify.manifest/v1',
    bundleId: staged.bundleId,
    generatedAt: new Date(opts.now).toISOString(),
    signer: { kid: signer.kid },
    files: entries(files, Object.keys(files).sort()),
  };
  files[MANIFEST] = json(manifest);
  const manifestSha256 = sha256(files[MANIFEST]);
  files[MANIFEST_SIGNATURE] = Buffer.from(`${await signDetached(signer, files[MANIFEST])}\n`);
  const stamp = await opts.tsa.timestamp(Buffer.from(manifestSha256, 'hex'), opts.stampAt ?? opts.now);
  files[MANIFEST_TIMESTAMP] = stamp.response;
  files[SHA256SUMS] = Buffer.from(manifest.files.map((f) => `${f.sha256}  ${f.path}\n`).join(''));

  const zip = new JSZip();
  const folder = zip.folder(staged.bundleId)!;
  // A fixed date per entry: the zip's bytes depend on the bundle, not on the moment of zipping.
  const date = new Date(opts.now);
  for (const [path, data] of Object.entries(files)) {
    const stored = path.endsWith('.pdf') || path.endsWith('.tsr');
    folder.file(path, data, { date, compression: stored ? 'STORE' : 'DEFLATE' });
  }
  const bytes = await zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: 6 },
    platform: 'UNIX',
  });
  return { zip: bytes, manifestSha256, files: Object.keys(files).length };
}
