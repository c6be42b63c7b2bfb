/**
 * One evidence report as a PDF: a cover (scope, period, RFC 3161 time, warnings, the SHA-256
 * manifest of the bundle's data files), the report table, and the management assertion.
 *
 * The PDF is a reading copy: the CSV stays the evidence of record, so cells too wide for their
 * column are cut with an ellipsis and tables longer than `maxRows` stop there, and the PDF says
 * both plainly. The same input gives the same bytes: pdf-lib's document dates are taken from
 * `generatedAt`, its producer is fixed, and it writes no random /ID (its resource-name suffixes
 * come from a fixed-seed generator).
 */
import {
  PDFDocument,
  rgb,
  StandardFonts,
  type PDFFont,
  type PDFImage,
  type PDFPage,
  type RGB,
} from 'pdf-lib';
import { Metrics, pdfLiteral, sanitizeLine, sanitizeParagraphs, str } from './pdf/text.js';
import type { Assertion, Cell, Period, ReportTable } from './types.js';

export interface PdfCover {
  /** Report title, e.g. "Key Vault asset inventory". */
  title: string;
  bundleId: string;
  tenantId: string;
  /** Display name, e.g. "SOC 2 Type II (2017 TSC)". */
  framework: string;
  /** Scope lines: source, subscriptions, vault count, asset counts, scan id and time. */
  scope: string[];
  /**
   * The organisation parameters the scan was evaluated with, one line each (absent in a bundle
   * staged before they were recorded).
   */
  parameters?: string[];
  /** e.g. "Certify 0.1.0". */
  productVersion: string;
  period: Period;
  /** ISO; also the PDF's creation and modification date. */
  generatedAt: string;
  /** The RFC 3161 time of the bundle's data manifest and who issued it. */
  timestamp: { time: string; authority: string; trustedThirdParty: boolean };
  /** The SHA-256 manifest of the bundle's data files: every CSV with its hash. */
  manifest: { file: string; sha256: string }[];
  /** Plain warnings shown in a box on the cover. */
  warnings: string[];
  /** "Evidence, not a compliance verdict …" */
  disclaimer: string;
}

export interface ReportPdfInput {
  cover: PdfCover;
  table: ReportTable;
  assertion: Assertion;
  /** The CSV file holding all rows, named when the PDF shows only the first `maxRows`. */
  csvFile: string;
  /** Rows drawn in the PDF; the rest are only in the CSV and the PDF says so plainly. Default 2000. */
  maxRows?: number;
  /**
   * Rows in the CSV when `table.rows` was already cut to what the PDF draws (a staged bundle keeps
   * only those); defaults to `table.rows.length`.
   */
  totalRows?: number;
  /**
   * A picture for the cover (the score over the period, charts/), drawn `width` × `height` points
   * with `alt` printed beneath it: the words stay searchable and are read where the picture is not.
   */
  chart?: { png: Uint8Array; alt: string; width: number; height: number };
}

export const DEFAULT_MAX_ROWS = 2000;

export const LOCAL_TSA_SENTENCE =
  "This timestamp comes from Certify's embedded local time-stamping authority, not from a trusted third party.";

// A4 landscape: report tables are wide.
const PAGE_W = 841.89;
const PAGE_H = 595.28;
const MARGIN = 40;
const TOP = PAGE_H - MARGIN;
const BOTTOM = MARGIN + 6;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const FOOTER_Y = 22;
const LABEL_W = 120;

const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);
const ACCENT = rgb(0.09, 0.3, 0.55);
const WHITE = rgb(1, 1, 1);
const HEADER_FILL = rgb(0.2, 0.26, 0.35);
const ZEBRA = rgb(0.94, 0.95, 0.97);
const RULE = rgb(0.75, 0.77, 0.8);
const WARN_FILL = rgb(1, 0.96, 0.84);
const WARN_BAR = rgb(0.85, 0.55, 0.05);

const CELL_PAD = 4;
/** No column wider than this, so one long value cannot starve the others. */
const COLUMN_CAP = 260;
const MIN_COLUMN = 28;
const HEADER_MAX_LINES = 3;

interface Face {
  font: PDFFont;
  m: Metrics;
}

interface Run {
  s: string;
  x: number;
  y: number;
}

/** Coordinates and colour components: two decimals are far below what a printer resolves. */
function num(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const r = Math.round(n * 100) / 100;
  return Number.isInteger(r) ? String(r) : r.toFixed(2).replace(/0$/, '');
}

function color(c: RGB): string {
  return `${num(c.red)} ${num(c.green)} ${num(c.blue)}`;
}

interface PageInk {
  page: PDFPage;
  /** Content-stream operators, one JS char per byte. */
  ops: string[];
  fonts: Map<PDFFont, string>;
}

/**
 * Pages and a cursor flowing down them. Each page's content stream is written directly as PDF
 * operators: through pdf-lib's `drawText`, every call with a `font` option registers another font
 * resource on the page (found by a linear search), and every number and string goes through
 * generic formatting and hex encoding; on a 2,000-row table that cost about a third of the render
 * time and a sixth of the file size.
 */
class Canvas {
  readonly pages: PageInk[] = [];
  private ink!: PageInk;
  y = TOP;

  constructor(private readonly pdf: PDFDocument) {}

  addPage(): void {
    this.ink = { page: this.pdf.addPage([PAGE_W, PAGE_H]), ops: [], fonts: new Map() };
    this.pages.push(this.ink);
    this.y = TOP;
  }

  /** Starts a new page unless `height` still fits above the bottom margin. */
  ensure(height: number): void {
    if (this.y - height < BOTTOM) this.addPage();
  }

  private fontKey(ink: PageInk, font: PDFFont): string {
    let key = ink.fonts.get(font);
    if (key === undefined) {
      key = ink.page.node.newFontDictionary(font.name, font.ref).toString();
      ink.fonts.set(font, key);
    }
    return key;
  }

  /** Draws sanitised strings, all in one face, size and colour, in one text object. */
  runs(face: Face, size: number, fill: RGB, runs: Run[], ink: PageInk = this.ink): void {
    const parts: string[] = [];
    for (const r of runs) {
      if (r.s !== '') parts.push(`1 0 0 1 ${num(r.x)} ${num(r.y)} Tm ${pdfLiteral(r.s)} Tj`);
    }
    if (parts.length === 0) return;
    ink.ops.push(`BT ${this.fontKey(ink, face.font)} ${num(size)} Tf ${color(fill)} rg`, ...parts, 'ET');
  }

  text(face: Face, size: number, fill: RGB, s: string, x: number, y: number, ink?: PageInk): void {
    this.runs(face, size, fill, [{ s, x, y }], ink);
  }

  rect(x: number, y: number, w: number, h: number, fill: RGB): void {
    this.ink.ops.push(`${color(fill)} rg ${num(x)} ${num(y)} ${num(w)} ${num(h)} re f`);
  }

  /** An embedded picture, `w` × `h` points with its lower left corner at (x, y). */
  image(picture: PDFImage, x: number, y: number, w: number, h: number): void {
    const name = this.ink.page.node.newXObject('Image', picture.ref).toString();
    this.ink.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(y)} cm ${name} Do Q`);
  }

  rule(x1: number, x2: number, y: number, stroke = RULE, thickness = 0.5, ink: PageInk = this.ink): void {
    ink.ops.push(`${color(stroke)} RG ${num(thickness)} w ${num(x1)} ${num(y)} m ${num(x2)} ${num(y)} l S`);
  }

  /** Compresses each page's operators into its content stream. */
  finish(): void {
    const context = this.pdf.context;
    for (const ink of this.pages) {
      const stream = context.flateStream(ink.ops.join('\n'));
      ink.page.node.addContentStream(context.register(stream));
    }
  }
}

interface Fonts {
  regular: Face;
  bold: Face;
  mono: Face;
}

interface ParagraphStyle {
  face: Face;
  size: number;
  color?: RGB;
  indent?: number;
  width?: number;
  /** Drawn behind each line, so a box splits cleanly across pages. */
  band?: { fill: RGB; bar: RGB };
}

function paragraph(c: Canvas, text: unknown, style: ParagraphStyle): void {
  const { face, size } = style;
  const indent = style.indent ?? 0;
  const width = style.width ?? CONTENT_W - indent;
  const lh = size * 1.4;
  for (const p of sanitizeParagraphs(text)) {
    for (const line of face.m.wrap(p, size, width - (style.band ? 20 : 0))) {
      c.ensure(lh);
      if (style.band) {
        c.rect(MARGIN + indent, c.y - lh, width, lh, style.band.fill);
        c.rect(MARGIN + indent, c.y - lh, 3, lh, style.band.bar);
      }
      const x = MARGIN + indent + (style.band ? 12 : 0);
      c.text(face, size, style.color ?? INK, line, x, c.y - size * 1.05);
      c.y -= lh;
    }
  }
}

/** A heading, moved to the next page rather than left alone at the bottom of this one. */
function heading(c: Canvas, f: Fonts, text: string, size = 11): void {
  c.ensure(size * 1.4 + 30);
  c.y -= size * 0.5;
  paragraph(c, text, { face: f.bold, size, color: ACCENT });
  c.y -= 1;
}

/** A label and a wrapped value beside it. */
function field(c: Canvas, f: Fonts, label: string, value: unknown, valueFace?: Face): void {
  const size = 9;
  const lh = size * 1.35;
  const face = valueFace ?? f.regular;
  const lines = sanitizeParagraphs(value).flatMap((p) => face.m.wrap(p, size, CONTENT_W - LABEL_W));
  lines.forEach((line, i) => {
    c.ensure(lh);
    const y = c.y - size * 1.05;
    if (i === 0 || c.y === TOP) c.text(f.bold, size, MUTED, label, MARGIN, y);
    c.text(face, size, INK, line, MARGIN + LABEL_W, y);
    c.y -= lh;
  });
}

function bullet(c: Canvas, f: Fonts, text: unknown, size = 9): void {
  const lh = size * 1.4;
  sanitizeParagraphs(text).forEach((p, pi) => {
    f.regular.m.wrap(p, size, CONTENT_W - 14).forEach((line, i) => {
      c.ensure(lh);
      const y = c.y - size * 1.05;
      if (pi === 0 && i === 0) c.text(f.regular, size, INK, '-', MARGIN + 3, y);
      c.text(f.regular, size, INK, line, MARGIN + 14, y);
      c.y -= lh;
    });
  });
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function periodText(period: Period | undefined): string {
  const p = period ?? ({} as Partial<Period>);
  const label = str(p.label);
  return `${str(p.from)} to ${str(p.to)}${label ? ` (${label})` : ''}`;
}

interface CoverChart {
  picture: PDFImage;
  alt: string;
  width: number;
  height: number;
}

/** The cover's chart at its size (narrowed to the page if need be) and its text alternative beneath. */
function drawChart(c: Canvas, f: Fonts, chart: CoverChart): void {
  const w = Math.min(chart.width, CONTENT_W);
  const h = chart.height * (w / chart.width);
  heading(c, f, 'Score over the period');
  c.ensure(h + 4);
  c.image(chart.picture, MARGIN, c.y - h, w, h);
  c.y -= h + 4;
  paragraph(c, chart.alt, { face: f.regular, size: 8.5, color: MUTED, width: Math.max(w, CONTENT_W / 2) });
}

function drawCover(c: Canvas, f: Fonts, cover: PdfCover, chart: CoverChart | null): void {
  c.addPage();
  c.text(f.bold, 10, ACCENT, sanitizeLine(cover.productVersion || 'Certify'), MARGIN, c.y - 10);
  c.text(f.regular, 10, MUTED, 'Evidence report', MARGIN + 160, c.y - 10);
  c.y -= 22;
  c.rule(MARGIN, PAGE_W - MARGIN, c.y, ACCENT, 1);
  c.y -= 12;
  paragraph(c, cover.title, { face: f.bold, size: 22 });
  c.y -= 6;

  field(c, f, 'Framework', cover.framework);
  field(c, f, 'Bundle id', cover.bundleId);
  field(c, f, 'Tenant', cover.tenantId);
  field(c, f, 'Period', periodText(cover.period));
  field(c, f, 'Generated at', cover.generatedAt);
  field(c, f, 'Produced by', cover.productVersion);
  if (chart !== null) drawChart(c, f, chart);

  heading(c, f, 'Scope');
  const scope = list(cover.scope);
  if (scope.length === 0) paragraph(c, 'No scope recorded.', { face: f.regular, size: 9, color: MUTED });
  for (const line of scope) bullet(c, f, line);

  const parameters = list(cover.parameters);
  if (parameters.length > 0) {
    heading(c, f, 'Organisation parameters');
    for (const line of parameters) bullet(c, f, line);
  }

  heading(c, f, 'Time stamp (RFC 3161)');
  const ts = cover.timestamp ?? { time: '', authority: '', trustedThirdParty: false };
  field(c, f, 'Time', ts.time);
  field(c, f, 'Authority', ts.authority);
  paragraph(
    c,
    ts.trustedThirdParty === true
      ? 'The time-stamp token over the data manifest was issued by a trusted third-party authority.'
      : LOCAL_TSA_SENTENCE,
    { face: ts.trustedThirdParty === true ? f.regular : f.bold, size: 9 },
  );

  const warnings = list(cover.warnings);
  if (warnings.length > 0) {
    heading(c, f, 'Warnings');
    const band = { fill: WARN_FILL, bar: WARN_BAR };
    c.ensure(30);
    for (const w of warnings) {
      paragraph(c, w, { face: f.bold, size: 9, band });
    }
  }

  // Before the manifest: a long manifest may run onto a second page, and the disclaimer must not
  // be left alone there.
  c.y -= 4;
  paragraph(c, cover.disclaimer, { face: f.regular, size: 8.5, color: MUTED });

  drawManifest(c, f, cover);
}

function drawManifest(c: Canvas, f: Fonts, cover: PdfCover): void {
  heading(c, f, 'SHA-256 manifest of the data files');
  const entries = list(cover.manifest);
  if (entries.length === 0) {
    paragraph(c, 'No data files listed.', { face: f.regular, size: 9, color: MUTED });
    return;
  }
  const size = 8;
  const lh = size * 1.35;
  const hashW = f.mono.m.width('0'.repeat(64), size) + 8;
  const fileW = CONTENT_W - hashW - 12;
  const hashX = MARGIN + fileW + 12;
  const head = (): void => {
    c.text(f.bold, size, MUTED, 'File', MARGIN, c.y - size);
    c.text(f.bold, size, MUTED, 'SHA-256', hashX, c.y - size);
    c.y -= lh;
  };
  c.ensure(lh * 2);
  head();
  for (const e of entries) {
    const entry = (e ?? {}) as { file?: unknown; sha256?: unknown };
    const file = f.regular.m.wrap(sanitizeLine(entry.file), size, fileW);
    const hash = f.mono.m.wrap(sanitizeLine(entry.sha256), size, hashW);
    const n = Math.max(file.length, hash.length);
    for (let i = 0; i < n; i++) {
      const before = c.pages.length;
      c.ensure(lh);
      // A manifest continued on a new cover page keeps its column headings.
      if (c.pages.length !== before) head();
      const y = c.y - size;
      c.text(f.regular, size, INK, file[i] ?? '', MARGIN, y);
      c.text(f.mono, size, INK, hash[i] ?? '', hashX, y);
      c.y -= lh;
    }
  }
}

interface PreparedTable {
  size: number;
  rowH: number;
  widths: number[];
  header: string[][];
  headerH: number;
  /** Cut to the column width. */
  cells: string[][];
  rightAlign: boolean[][];
  truncated: boolean;
}

function cellText(cell: Cell | undefined): string {
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return sanitizeLine(cell);
}

/**
 * Column widths from content: each column asks for its widest value (capped), and when the asks
 * exceed the page, narrow columns keep theirs and the rest share what is left equally.
 */
function prepareTable(f: Fonts, columns: string[], rows: Cell[][]): PreparedTable {
  const n = columns.length;
  const size = n > 0 && CONTENT_W / n < 50 ? 6.5 : 7.5;
  const texts = rows.map((row) => {
    const r = Array.isArray(row) ? row : [];
    const out = new Array<string>(n);
    for (let j = 0; j < n; j++) out[j] = cellText(r[j]);
    return out;
  });
  const want = columns.map((name, j) => {
    let w = f.bold.m.width(name, size, COLUMN_CAP);
    for (const row of texts) w = Math.max(w, f.regular.m.width(row[j] ?? '', size, COLUMN_CAP));
    return Math.max(MIN_COLUMN, Math.min(COLUMN_CAP, w + 2 * CELL_PAD));
  });
  const widths = fitWidths(want, CONTENT_W);
  const header = columns.map((name, j) => {
    const lines = f.bold.m.wrap(name, size, (widths[j] ?? 0) - 2 * CELL_PAD);
    if (lines.length <= HEADER_MAX_LINES) return lines;
    const kept = lines.slice(0, HEADER_MAX_LINES - 1);
    kept.push(
      f.bold.m.fit(lines.slice(HEADER_MAX_LINES - 1).join(' '), size, (widths[j] ?? 0) - 2 * CELL_PAD),
    );
    return kept;
  });
  const lineH = size * 1.3;
  const headerH = Math.max(1, ...header.map((h) => h.length)) * lineH + 6;
  let truncated = false;
  const cells = texts.map((row) =>
    row.map((s, j) => {
      const cut = f.regular.m.fit(s, size, (widths[j] ?? 0) - 2 * CELL_PAD);
      if (cut !== s) truncated = true;
      return cut;
    }),
  );
  const rightAlign = rows.map((row) =>
    columns.map((_, j) => typeof (Array.isArray(row) ? row[j] : null) === 'number'),
  );
  return { size, rowH: size * 1.5, widths, header, headerH, cells, rightAlign, truncated };
}

function fitWidths(want: number[], total: number): number[] {
  const sum = want.reduce((a, b) => a + b, 0);
  if (sum <= total) return want;
  const widths = want.slice();
  let open = want.map((_, i) => i);
  let left = total;
  for (;;) {
    const share = left / Math.max(open.length, 1);
    const small = open.filter((i) => (want[i] ?? 0) <= share);
    if (small.length === 0) {
      for (const i of open) widths[i] = share;
      return widths;
    }
    for (const i of small) left -= want[i] ?? 0;
    open = open.filter((i) => (want[i] ?? 0) > share);
  }
}

function drawTable(c: Canvas, f: Fonts, t: PreparedTable, shown: number, total: number): void {
  const tableW = t.widths.reduce((a, b) => a + b, 0);
  const xs: number[] = [];
  let x = MARGIN;
  for (const w of t.widths) {
    xs.push(x);
    x += w;
  }
  const lineH = t.size * 1.3;
  const drawHeader = (): void => {
    c.rect(MARGIN, c.y - t.headerH, tableW, t.headerH, HEADER_FILL);
    const runs: Run[] = [];
    t.header.forEach((lines, j) => {
      lines.forEach((s, k) => runs.push({ s, x: (xs[j] ?? 0) + CELL_PAD, y: c.y - 3 - t.size - k * lineH }));
    });
    c.runs(f.bold, t.size, WHITE, runs);
    c.y -= t.headerH;
  };

  c.ensure(t.headerH + t.rowH * 3);
  drawHeader();
  if (shown === 0) {
    const none = total === 0 ? 'No rows in this report.' : 'No rows shown here (maxRows is 0).';
    c.text(f.regular, 9, MUTED, none, MARGIN + CELL_PAD, c.y - 12);
    c.y -= 18;
    return;
  }
  let runs: Run[] = [];
  const flush = (): void => {
    c.runs(f.regular, t.size, INK, runs);
    runs = [];
  };
  for (let i = 0; i < shown; i++) {
    if (c.y - t.rowH < BOTTOM) {
      flush();
      c.addPage();
      drawHeader();
    }
    if (i % 2 === 1) c.rect(MARGIN, c.y - t.rowH, tableW, t.rowH, ZEBRA);
    const baseline = c.y - t.rowH + t.size * 0.45;
    const row = t.cells[i] ?? [];
    const right = t.rightAlign[i] ?? [];
    for (let j = 0; j < row.length; j++) {
      const s = row[j] ?? '';
      if (s === '') continue;
      const x0 = xs[j] ?? 0;
      const rx = right[j] ? x0 + (t.widths[j] ?? 0) - CELL_PAD - f.regular.m.width(s, t.size) : x0 + CELL_PAD;
      runs.push({ s, x: rx, y: baseline });
    }
    c.y -= t.rowH;
  }
  flush();
  c.rule(MARGIN, MARGIN + tableW, c.y);
}

function drawReport(c: Canvas, f: Fonts, input: ReportPdfInput, maxRows: number): void {
  const table = input.table ?? ({} as Partial<ReportTable>);
  const columns = list(table.columns).map((col) => sanitizeLine((col as { name?: unknown } | null)?.name));
  const rows = list(table.rows) as Cell[][];
  const total = Math.max(rows.length, Number.isInteger(input.totalRows) ? (input.totalRows as number) : 0);
  const shown = Math.min(rows.length, maxRows);
  const csv = sanitizeLine(input.csvFile);

  c.addPage();
  paragraph(c, table.title || input.cover?.title, { face: f.bold, size: 16 });
  c.y -= 4;
  paragraph(c, table.description, { face: f.regular, size: 9 });
  const notes = list(table.notes);
  if (notes.length > 0) {
    heading(c, f, 'Notes', 10);
    for (const note of notes) bullet(c, f, note);
  }
  c.y -= 6;

  const prepared = prepareTable(f, columns, rows.slice(0, shown));
  const count =
    shown < total
      ? `This PDF shows the first ${shown} of ${total} rows. All ${total} rows are in ${csv}.`
      : `${total} ${total === 1 ? 'row' : 'rows'}, all shown.`;
  paragraph(c, count, { face: shown < total ? f.bold : f.regular, size: 9 });
  if (prepared.truncated) {
    paragraph(c, `Long values are cut with "..." in this PDF; ${csv || 'the CSV'} holds them in full.`, {
      face: f.regular,
      size: 9,
      color: MUTED,
    });
  }
  c.y -= 6;

  if (columns.length === 0) {
    paragraph(c, 'No rows in this report (it has no columns).', { face: f.regular, size: 9, color: MUTED });
  } else {
    drawTable(c, f, prepared, shown, total);
  }
  if (shown < total) {
    c.y -= 4;
    paragraph(c, `${total - shown} more rows are not shown here; they are only in ${csv}.`, {
      face: f.bold,
      size: 9,
    });
  }
}

function statusLine(status: unknown): string {
  switch (status) {
    case 'pending':
      return 'PENDING signature';
    case 'signed':
      return 'SIGNED';
    case 'unsigned-local':
      return 'NOT SIGNED - produced locally by the CLI';
    default:
      return `UNKNOWN (${sanitizeLine(status)})`;
  }
}

function drawAssertion(c: Canvas, f: Fonts, a: Assertion | undefined): void {
  const assertion = a ?? ({} as Partial<Assertion>);
  c.y -= 12;
  // Keep the block on one page when it can fit on one: a signature separated from the statement
  // it signs reads badly. Longer statements simply flow on.
  const statementLines = sanitizeParagraphs(assertion.statement).flatMap((p) =>
    f.regular.m.wrap(p, 9.5, CONTENT_W - 12),
  ).length;
  const height = 30 + 9 * 9 * 1.35 + 9 * 1.4 + statementLines * 9.5 * 1.4;
  c.ensure(Math.min(height, TOP - BOTTOM));
  heading(c, f, 'Management assertion', 14);
  field(c, f, 'Status', statusLine(assertion.status), f.bold);
  if (assertion.status === 'pending') {
    field(c, f, 'Signature', 'Awaiting signature');
    if (assertion.requestedBy) {
      const r = assertion.requestedBy;
      field(c, f, 'Requested by', `${str(r.name)} (${str(r.id)}, ${str(r.channel)})`);
    }
  } else if (assertion.status === 'signed') {
    const s = assertion.signer ?? { name: '', role: '', id: '', channel: '' };
    field(c, f, 'Signer', s.name);
    field(c, f, 'Role', s.role);
    field(c, f, 'User id', s.id);
    field(c, f, 'Channel', s.channel);
    field(c, f, 'Signed at', assertion.signedAt);
  } else if (assertion.status === 'unsigned-local') {
    field(c, f, 'Signature', 'None: the CLI cannot collect a manager signature.');
  }
  field(c, f, 'Data manifest', assertion.dataManifestSha256, f.mono);
  c.y -= 4;
  paragraph(c, 'Statement', { face: f.bold, size: 9, color: MUTED });
  paragraph(c, assertion.statement, { face: f.regular, size: 9.5, indent: 12 });
}

function drawFooters(c: Canvas, f: Fonts, bundleId: string): void {
  const total = c.pages.length;
  const id = f.regular.m.fit(`Bundle ${bundleId}`, 7.5, CONTENT_W - 120);
  c.pages.forEach((ink, i) => {
    c.rule(MARGIN, PAGE_W - MARGIN, FOOTER_Y + 10, RULE, 0.5, ink);
    const label = `Page ${i + 1} of ${total}`;
    c.text(f.regular, 7.5, MUTED, id, MARGIN, FOOTER_Y, ink);
    c.text(f.regular, 7.5, MUTED, label, PAGE_W - MARGIN - f.regular.m.width(label, 7.5), FOOTER_Y, ink);
  });
}

function dateOf(iso: unknown): Date {
  const t = Date.parse(str(iso));
  return new Date(Number.isFinite(t) ? t : 0);
}

/** Renders one report. Never throws on odd text; the same input always gives the same bytes. */
export async function renderReportPdf(input: ReportPdfInput): Promise<Uint8Array> {
  const cover = input.cover;
  // updateMetadata would stamp the wall-clock time and pdf-lib's own producer string.
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const when = dateOf(cover.generatedAt);
  pdf.setTitle(str(cover.title));
  pdf.setSubject(`Evidence bundle ${str(cover.bundleId)}`);
  pdf.setProducer('Certify');
  pdf.setCreator('Certify');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);

  const face = async (name: StandardFonts): Promise<Face> => {
    const font = await pdf.embedFont(name);
    return { font, m: new Metrics(font) };
  };
  const f: Fonts = {
    regular: await face(StandardFonts.Helvetica),
    bold: await face(StandardFonts.HelveticaBold),
    mono: await face(StandardFonts.Courier),
  };
  const requested = input.maxRows;
  const maxRows =
    typeof requested === 'number' && Number.isFinite(requested) && requested >= 0
      ? Math.floor(requested)
      : DEFAULT_MAX_ROWS;

  const chart = input.chart;
  const picture =
    chart && chart.width > 0 && chart.height > 0
      ? { picture: await pdf.embedPng(chart.png), alt: chart.alt, width: chart.width, height: chart.height }
      : null;
  const c = new Canvas(pdf);
  drawCover(c, f, cover, picture);
  drawReport(c, f, input, maxRows);
  drawAssertion(c, f, input.assertion);
  drawFooters(c, f, sanitizeLine(cover.bundleId));
  c.finish();
  return pdf.save({ useObjectStreams: true });
}
