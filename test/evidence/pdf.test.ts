/**
 * The report PDF checked the way a reader and an auditor's tools see it: qpdf must find the file
 * structurally sound, and pdftotext must find the words (page by page where the layout matters).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { LOCAL_TSA_SENTENCE, renderReportPdf, type ReportPdfInput } from '../../evidence/pdf.js';
import { Metrics, pdfLiteral, sanitizeLine, sanitizeParagraphs } from '../../evidence/pdf/text.js';
import type { Assertion, Cell } from '../../evidence/types.js';

const dir = mkdtempSync(join(tmpdir(), 'certify-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH_A = 'a3f1'.repeat(16);
const HASH_M = '9c0d'.repeat(16);
const COLUMNS = ['Row', 'Vault', 'Name', 'Kind', 'Expires', 'Days', 'Enabled', 'Owner', 'Tags', 'Rule'];

function rows(n: number): Cell[][] {
  return Array.from({ length: n }, (_, i) => [
    `row-${String(i).padStart(4, '0')}`,
    `kv-prod-${i % 17}`,
    `secret-${i}-connection-string`,
    i % 2 ? 'secret' : 'certificate',
    '2026-12-01T00:00:00Z',
    (i % 400) - 30,
    i % 3 === 0,
    i % 5 === 0 ? null : `team-${i % 9}@contoso.com`,
    'env=prod;app=billing',
    'CERT-EXP-30',
  ]);
}

function assertion(status: Assertion['status']): Assertion {
  return {
    schema: 'certify.assertion/v1',
    bundleId: 'bnd-2026q3-7f3a',
    framework: 'SOC 2 Type II (2017 TSC)',
    period: { from: '2026-07-01T00:00:00.000Z', to: '2026-09-30T23:59:59.999Z', label: '2026-Q3' },
    statement:
      'I confirm that the Key Vault credentials listed in this bundle are, to the best of my knowledge, a complete ' +
      'record of the credentials in scope for the period, and that the exceptions shown were reviewed.',
    dataManifestSha256: HASH_M,
    status,
    requestedBy: status === 'pending' ? { id: 'u-7', name: 'Omar Haddad', channel: 'slack' } : null,
    signer: status === 'signed' ? { id: 'aad-u-42', name: 'Ana Ruiz', role: 'CISO', channel: 'teams' } : null,
    signedAt: status === 'signed' ? '2026-10-03T09:15:00.000Z' : null,
  };
}

function input(over: Partial<ReportPdfInput> = {}, n = 40): ReportPdfInput {
  return {
    cover: {
      title: 'Key Vault asset inventory',
      bundleId: 'bnd-2026q3-7f3a',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      framework: 'SOC 2 Type II (2017 TSC)',
      scope: [
        'Source: Azure (live)',
        'Subscriptions: 3',
        'Vaults: 17',
        'Scan s-0042 at 2026-09-30T22:00:00Z',
      ],
      productVersion: 'Certify 0.1.0',
      period: { from: '2026-07-01T00:00:00.000Z', to: '2026-09-30T23:59:59.999Z', label: '2026-Q3' },
      generatedAt: '2026-10-02T10:00:00.000Z',
      timestamp: {
        time: '2026-10-02T10:00:01Z',
        authority: 'CN=Certify Local TSA',
        trustedThirdParty: false,
      },
      manifest: [
        { file: 'reports/asset-inventory.csv', sha256: HASH_A },
        { file: 'reports/expiry.csv', sha256: 'b'.repeat(64) },
      ],
      warnings: ['This bundle was produced by the CLI; the management assertion is not signed.'],
      disclaimer: 'Evidence, not a compliance verdict. Your auditor decides what it shows.',
    },
    table: {
      id: 'asset-inventory',
      title: 'Key Vault asset inventory',
      description: 'Every secret, key and certificate in scan s-0042.',
      columns: COLUMNS.map((name) => ({ name, description: `${name}.` })),
      rows: rows(n),
      notes: ['The source did not collect rotation events.'],
    },
    assertion: assertion('signed'),
    csvFile: 'reports/asset-inventory.csv',
    ...over,
  };
}

let seq = 0;
async function render(i: ReportPdfInput): Promise<{ file: string; bytes: Uint8Array; pages: number }> {
  const bytes = await renderReportPdf(i);
  const file = join(dir, `report-${++seq}.pdf`);
  writeFileSync(file, bytes);
  const pages = (await PDFDocument.load(bytes)).getPageCount();
  return { file, bytes, pages };
}

/** Throws (failing the test) unless qpdf exits 0. */
function qpdfCheck(file: string): void {
  execFileSync('/usr/bin/qpdf', ['--check', file], { stdio: 'pipe' });
}

function text(file: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('/usr/bin/pdftotext', ['-layout', ...range, file, '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Whitespace-insensitive: pdftotext -layout pads columns with runs of spaces. */
function flat(s: string): string {
  return s.replace(/\s+/g, ' ');
}

describe('renderReportPdf: a full report', () => {
  it('renders 2,000 of 2,500 rows, with headers and page numbers on every page', async () => {
    const i = input({ maxRows: 2000 }, 2500);
    let t0 = performance.now();
    await renderReportPdf(i);
    const cold = performance.now() - t0;
    t0 = performance.now();
    const bytes = await renderReportPdf(i);
    const ms = performance.now() - t0;
    console.log(
      `2,000 rows x 10 columns: ${cold.toFixed(0)} ms cold, ${ms.toFixed(0)} ms warm (${bytes.length} bytes)`,
    );

    const { file, pages } = await render(i);
    qpdfCheck(file);
    const all = text(file);
    assert.match(all, /Key Vault asset inventory/);
    assert.match(all, /SOC 2 Type II \(2017 TSC\)/);
    assert.match(all, /72f988bf-86f1-41af-91ab-2d7cd011db47/);
    assert.match(flat(all), /2026-07-01T00:00:00\.000Z to 2026-09-30T23:59:59\.999Z \(2026-Q3\)/);
    assert.match(flat(all), /Time 2026-10-02T10:00:01Z/);
    assert.match(flat(all), /Authority CN=Certify Local TSA/);
    assert.ok(all.includes(HASH_A), 'manifest hash');
    assert.match(all, /reports\/expiry\.csv/);
    assert.ok(flat(all).includes(LOCAL_TSA_SENTENCE));
    assert.match(all, /This bundle was produced by the CLI; the management assertion is not signed\./);
    assert.match(all, /Evidence, not a compliance verdict/);
    assert.match(
      flat(all),
      /This PDF shows the first 2000 of 2500 rows\. All 2500 rows are in reports\/asset-inventory\.csv\./,
    );
    assert.match(all, /500 more rows are not shown here; they are only in reports\/asset-inventory\.csv\./);
    assert.match(all, /row-1999/);
    assert.doesNotMatch(all, /row-2000/);

    let tablePages = 0;
    for (let p = 1; p <= pages; p++) {
      const t = text(file, p);
      assert.match(t, new RegExp(`Page ${p} of ${pages}\\b`), `footer on page ${p}`);
      assert.match(t, /bnd-2026q3-7f3a/, `bundle id on page ${p}`);
      if (!/row-\d{4}/.test(t)) continue;
      tablePages++;
      const header = t.split('\n').find((l) => /\bRow\b/.test(l)) ?? '';
      for (const c of COLUMNS) assert.match(header, new RegExp(`\\b${c}\\b`), `column ${c} on page ${p}`);
    }
    assert.ok(tablePages > 10, `${tablePages} table pages`);

    const last = flat(text(file, pages));
    assert.match(last, /Management assertion/);
    assert.match(last, /Status SIGNED/);
    assert.match(last, /Signer Ana Ruiz/);
    assert.match(last, /Role CISO/);
    assert.match(last, /User id aad-u-42/);
    assert.match(last, /Channel teams/);
    assert.match(last, /Signed at 2026-10-03T09:15:00\.000Z/);
    assert.ok(last.includes(HASH_M));
    assert.match(last, /I confirm that the Key Vault credentials/);
  });

  it('shows a pending assertion as awaiting signature, and a trusted TSA without the local sentence', async () => {
    const base = input();
    const { file } = await render({
      ...base,
      cover: {
        ...base.cover,
        timestamp: { time: '2026-10-02T10:00:02Z', authority: 'DigiCert', trustedThirdParty: true },
      },
      assertion: assertion('pending'),
    });
    qpdfCheck(file);
    const all = flat(text(file));
    assert.match(all, /Status PENDING signature/);
    assert.match(all, /Awaiting signature/);
    assert.match(all, /Requested by Omar Haddad/);
    assert.doesNotMatch(all, /Signer /);
    assert.match(all, /Authority DigiCert/);
    assert.ok(!all.includes(LOCAL_TSA_SENTENCE));
  });

  it('says plainly when the CLI produced the assertion unsigned', async () => {
    const { file } = await render(input({ assertion: assertion('unsigned-local') }));
    qpdfCheck(file);
    assert.match(flat(text(file)), /Status NOT SIGNED - produced locally by the CLI/);
  });

  it('does not mention a cut when every row is shown', async () => {
    const { file } = await render(input({}, 12));
    const all = flat(text(file));
    assert.match(all, /12 rows, all shown\./);
    assert.doesNotMatch(all, /This PDF shows the first/);
  });
});

describe('renderReportPdf: edge cases', () => {
  it('renders an empty table with its header and "No rows"', async () => {
    const base = input({}, 0);
    const { file, pages } = await render(base);
    qpdfCheck(file);
    const all = text(file);
    assert.match(all, /No rows/);
    for (const c of COLUMNS) assert.match(all, new RegExp(`\\b${c}\\b`));
    assert.match(all, new RegExp(`Page ${pages} of ${pages}`));

    const none = await render({ ...base, table: { ...base.table, columns: [], rows: [] } });
    qpdfCheck(none.file);
    assert.match(text(none.file), /No rows/);
  });

  it('renders awkward text without throwing: emoji, CJK, RTL, control characters, a 5,000-character cell', async () => {
    const awkward =
      'Key 🔑 vault 密钥保管库 خزنة المفاتيح \u0000\u0007\u001b[31m\u007f\u0085 \ud800 e\u0301 → “quoted” … — ✓';
    const huge = 'x'.repeat(2500) + ' ' + 'y'.repeat(2499);
    const base = input({}, 3);
    const i: ReportPdfInput = {
      ...base,
      cover: {
        ...base.cover,
        title: `Inventory ${awkward}`,
        bundleId: `bnd-${awkward}`,
        tenantId: awkward,
        framework: awkward,
        scope: [awkward, huge],
        productVersion: awkward,
        period: { from: awkward, to: awkward, label: awkward },
        generatedAt: 'not a date',
        timestamp: { time: awkward, authority: awkward, trustedThirdParty: false },
        manifest: [{ file: `reports/${awkward}.csv`, sha256: huge }],
        warnings: [awkward, huge, 'line one\nline two\r\nline three'],
        disclaimer: awkward,
      },
      table: {
        ...base.table,
        title: awkward,
        description: huge,
        notes: [awkward],
        columns: [...COLUMNS.map((name) => ({ name, description: '' })), { name: awkward, description: '' }],
        rows: [
          [huge, awkward, 'ok', 'tab\there', 'new\nline', Number.NaN, true, null, '\u202eevil', '👨‍👩‍👧', 'x'],
          ['short'],
          [],
        ],
      },
      assertion: { ...assertion('signed'), statement: `${awkward}\n\n${huge}`, signedAt: awkward },
      csvFile: awkward,
      maxRows: Number.NaN,
    };
    const { file, bytes } = await render(i);
    assert.ok(bytes.length > 1000);
    qpdfCheck(file);
    const all = text(file);
    assert.match(all, /Key \? vault \?{5} /, 'unencodable characters become ?');
    assert.match(all, /-> "quoted" \.\.\. -- v/, 'typography becomes ASCII');
    assert.match(all, /é/, 'a decomposed accent is composed, not dropped');
    assert.match(all, /Long values are cut with "\.\.\." in this PDF/);
    assert.match(all, /x{20,}\.\.\./, 'the 5,000-character cell is cut with an ellipsis');
    assert.match(all, /line one\s+line two\s+line three/);
  });

  it('wraps a long manifest onto further cover pages, keeping its column headings', async () => {
    const base = input();
    const manifest = Array.from({ length: 90 }, (_, i) => ({
      file: `reports/part-${String(i).padStart(2, '0')}.csv`,
      sha256: i.toString(16).padStart(2, '0').repeat(32),
    }));
    const { file } = await render({ ...base, cover: { ...base.cover, manifest } });
    qpdfCheck(file);
    const p1 = text(file, 1);
    const p2 = text(file, 2);
    assert.match(p1, /reports\/part-00\.csv\s+0{64}/);
    assert.match(p2, /File\s+SHA-256/);
    assert.match(text(file), /reports\/part-89\.csv\s+(59){32}/);
  });

  it('gives identical bytes for identical input, with dates from generatedAt and a fixed producer', async () => {
    const a = await renderReportPdf(input({}, 300));
    const b = await renderReportPdf(input({}, 300));
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'same input, same bytes');

    const base = input({}, 300);
    const c = await renderReportPdf({
      ...base,
      cover: { ...base.cover, generatedAt: '2026-10-03T10:00:00.000Z' },
    });
    assert.ok(!Buffer.from(a).equals(Buffer.from(c)));

    const doc = await PDFDocument.load(a, { updateMetadata: false });
    assert.equal(doc.getCreationDate()?.toISOString(), '2026-10-02T10:00:00.000Z');
    assert.equal(doc.getModificationDate()?.toISOString(), '2026-10-02T10:00:00.000Z');
    assert.equal(doc.getProducer(), 'Certify');
    assert.equal(doc.getCreator(), 'Certify');
    assert.equal(doc.getTitle(), 'Key Vault asset inventory');
  });
});

describe('pdf text helpers', () => {
  it('only ever emits characters the standard fonts can encode', async () => {
    const pdf = await PDFDocument.create();
    const fonts = await Promise.all(
      [StandardFonts.Helvetica, StandardFonts.HelveticaBold, StandardFonts.Courier].map((f) =>
        pdf.embedFont(f),
      ),
    );
    let all = '';
    for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 0x3f)
      all += sanitizeLine(String.fromCodePoint(cp));
    all += sanitizeLine('\ud800\udfff\udc00');
    for (const font of fonts) assert.doesNotThrow(() => font.encodeText(all));

    // The hand-written literal strings must hold exactly the bytes pdf-lib's own encoder picks.
    const chars = [...new Set(all)].join('');
    const expected = Buffer.from(fonts[0]!.encodeText(chars).asString(), 'hex');
    const literal = pdfLiteral(chars).slice(1, -1).replace(/\\(.)/g, '$1');
    assert.deepEqual(Buffer.from(literal, 'latin1'), expected);
    assert.equal(pdfLiteral('a(b)c\\d'), '(a\\(b\\)c\\\\d)');
  });

  it('maps typography to ASCII and keeps Latin-1', () => {
    assert.equal(sanitizeLine('a → b – c — d “e” ‘f’ g…'), 'a -> b - c -- d "e" \'f\' g...');
    assert.equal(sanitizeLine('Zürich café naïve €5 ™'), 'Zürich café naïve €5 ™');
    assert.equal(sanitizeLine('a\tb\nc'), 'a b c');
    assert.equal(sanitizeLine(null), '');
    assert.equal(sanitizeLine(42), '42');
    assert.deepEqual(sanitizeParagraphs('one\ntwo'), ['one', 'two']);
  });

  it('wraps and cuts by measured width, always making progress', async () => {
    const pdf = await PDFDocument.create();
    const m = new Metrics(await pdf.embedFont(StandardFonts.Helvetica));
    const lines = m.wrap('alpha beta gamma ' + 'z'.repeat(300), 10, 100);
    assert.ok(lines.length > 3);
    for (const l of lines) assert.ok(m.width(l, 10) <= 100.001, l);
    assert.deepEqual(m.wrap('', 10, 100), ['']);
    assert.ok(m.wrap('wide', 10, 0.5).length === 4, 'one character per line when nothing fits');
    const cut = m.fit('z'.repeat(300), 10, 100);
    assert.ok(cut.endsWith('...') && m.width(cut, 10) <= 100.001);
    assert.equal(m.fit('short', 10, 100), 'short');
    assert.equal(m.fit('anything', 10, 1), '');
  });
});
