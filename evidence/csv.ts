/**
 * RFC 4180 CSV: the byte format the evidence manifest hashes, so it must be exactly
 * reproducible (no locale, no exponent, no BOM, CRLF everywhere).
 */
import type { Cell, ReportTable } from './types.js';

const NEEDS_QUOTES = /[",\r\n]/;

function field(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Plain decimal digits: `1e21` or `1e-7` would not read as numbers in every tool. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`CSV cell is not a finite number: ${n}`);
  if (Object.is(n, -0)) return '0';
  const s = String(n);
  if (!s.includes('e')) return s;
  // Move the decimal point of the shortest round-trip form, so the digits stay exactly those.
  const [mantissa = '', expText = '0'] = s.split('e');
  const negative = mantissa.startsWith('-');
  const unsigned = negative ? mantissa.slice(1) : mantissa;
  const dot = unsigned.indexOf('.');
  const digits = dot < 0 ? unsigned : unsigned.slice(0, dot) + unsigned.slice(dot + 1);
  const point = (dot < 0 ? unsigned.length : dot) + Number(expText);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}

function cell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  return field(v);
}

/** The header line, then one line per row, without line breaks. */
function* csvLines(table: ReportTable): Generator<string> {
  const width = table.columns.length;
  yield table.columns.map((c) => field(c.name)).join(',');
  for (let i = 0; i < table.rows.length; i++) {
    const row = table.rows[i]!;
    if (row.length !== width) {
      throw new Error(`${table.id}: row ${i + 1} has ${row.length} cells, expected ${width}`);
    }
    let line = '';
    for (let j = 0; j < width; j++) line += (j === 0 ? '' : ',') + cell(row[j]!);
    yield line;
  }
}

export function toCsv(table: ReportTable): string {
  return `${[...csvLines(table)].join('\r\n')}\r\n`;
}

/**
 * The same bytes as `toCsv` in UTF-8, encoded a few thousand lines at a time: a 100 k-asset
 * inventory never exists as one string and one buffer at once.
 */
export function toCsvBuffer(table: ReportTable): Buffer {
  const chunks: Buffer[] = [];
  let batch: string[] = [];
  for (const line of csvLines(table)) {
    batch.push(line);
    if (batch.length === 4096) {
      chunks.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
      batch = [];
    }
  }
  if (batch.length > 0) chunks.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}

/**
 * Reads RFC 4180 text back into fields (strings, as CSV has no types). Accepts LF as well as
 * CRLF, and no final line break; refuses a stray quote so a corrupted file is not half-read.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return records;
  for (;;) {
    let value = '';
    if (text.charCodeAt(i) === 34 /* " */) {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('CSV: unterminated quoted field');
        value += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const c = text.charCodeAt(i);
      if (i < n && c !== 44 && c !== 13 && c !== 10)
        throw new Error(`CSV: unexpected character after quoted field at ${i}`);
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 13 || c === 10) break;
        if (c === 34) throw new Error(`CSV: quote inside an unquoted field at ${j}`);
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    record.push(value);
    if (i >= n) {
      records.push(record);
      return records;
    }
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    records.push(record);
    record = [];
    if (i >= n) return records;
  }
}
