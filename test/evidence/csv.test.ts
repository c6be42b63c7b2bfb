import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { formatNumber, parseCsv, toCsv } from '../../evidence/csv.js';
import type { Cell, ReportTable } from '../../evidence/types.js';

function table(names: string[], rows: Cell[][]): ReportTable {
  return {
    id: 't',
    title: 'T',
    description: 'test',
    columns: names.map((name) => ({ name, description: name })),
    rows,
    notes: [],
  };
}

describe('toCsv', () => {
  it('writes RFC 4180: header, CRLF, quoting only where needed', () => {
    const csv = toCsv(
      table(
        ['a', 'b,c', 'd'],
        [
          ['plain', 'with, comma', 'say "hi"'],
          ['line\nbreak', 'cr\rhere', 'crlf\r\nthere'],
          [null, true, false],
          [0, -0, 1.5],
        ],
      ),
    );
    assert.equal(
      csv,
      'a,"b,c",d\r\n' +
        'plain,"with, comma","say ""hi"""\r\n' +
        '"line\nbreak","cr\rhere","crlf\r\nthere"\r\n' +
        ',true,false\r\n' +
        '0,0,1.5\r\n',
    );
  });

  it('writes numbers as plain digits, never with an exponent or grouping', () => {
    assert.equal(formatNumber(1e21), '1000000000000000000000');
    assert.equal(formatNumber(1234567), '1234567');
    assert.equal(formatNumber(1e-7), '0.0000001');
    assert.equal(formatNumber(-2.5e-8), '-0.000000025');
    assert.equal(formatNumber(0.1 + 0.2), '0.30000000000000004');
    assert.throws(() => formatNumber(Number.NaN), /finite/);
    assert.throws(() => formatNumber(Infinity), /finite/);
  });

  it('has no BOM and keeps unicode as it is', () => {
    const csv = toCsv(table(['名前'], [['Zoë ✓ 🔑']]));
    assert.notEqual(csv.charCodeAt(0), 0xfeff);
    assert.equal(csv, '名前\r\nZoë ✓ 🔑\r\n');
    assert.equal(Buffer.from(csv, 'utf8').toString('utf8'), csv);
  });

  it('refuses a row of the wrong width', () => {
    assert.throws(() => toCsv(table(['a', 'b'], [['x']])), /row 1 has 1 cells, expected 2/);
  });

  it('writes only the header for an empty table', () => {
    assert.equal(toCsv(table(['a', 'b'], [])), 'a,b\r\n');
  });
});

describe('parseCsv', () => {
  it('round-trips awkward values', () => {
    const awkward = [
      'comma, inside',
      '"quoted"',
      'both "a", b',
      'multi\r\nline\nvalue',
      '',
      ' leading and trailing spaces ',
      'ünïcødé — 日本語 — 🔐',
      ',',
      '""',
      '\n',
    ];
    const rows: Cell[][] = awkward.map((v, i) => [i, v, null]);
    const parsed = parseCsv(toCsv(table(['n', 'value', 'empty'], rows)));
    assert.deepEqual(parsed, [['n', 'value', 'empty'], ...awkward.map((v, i) => [String(i), v, ''])]);
  });

  it('accepts LF line ends and a missing final line break', () => {
    assert.deepEqual(parseCsv('a,b\nc,"d\ne"'), [
      ['a', 'b'],
      ['c', 'd\ne'],
    ]);
    assert.deepEqual(parseCsv('a,\r\n,b\r\n'), [
      ['a', ''],
      ['', 'b'],
    ]);
    assert.deepEqual(parseCsv(''), []);
  });

  it('refuses malformed quoting', () => {
    assert.throws(() => parseCsv('"open'), /unterminated/);
    assert.throws(() => parseCsv('a"b,c'), /quote inside/);
    assert.throws(() => parseCsv('"a"b,c'), /after quoted field/);
  });
});

describe('formatNumber', () => {
  it('reads back as the same number', () => {
    for (const n of [
      1e21,
      1.5e22,
      123456789e20,
      1e-7,
      1.234e-10,
      -5e-324,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      0.5,
      -42,
    ]) {
      const s = formatNumber(n);
      assert.doesNotMatch(s, /e/i);
      assert.equal(Number(s), n, s.slice(0, 40));
    }
  });
});
