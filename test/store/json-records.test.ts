/**
 * JSON records (store/json-records.ts): a document written as many small records, never one string
 * of the whole, and read back record by record into what JSON.parse would have made of it.
 */
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'vitest';
import {
  gunzipJson,
  gzipJsonRecordsBuffer,
  JsonRecordReader,
  jsonRecords,
  RECORDS_FORMAT,
  type RecordLimits,
} from '../../store/json-records.js';
import { withStringLimit } from '../support/string-limit.js';
import { canonicalText } from '../../base/canonical-json.js';

/** What JSON makes of `value`: the exact result a reader must give. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** Reads records as the stores do, one line at a time. */
function read(lines: Iterable<string>): unknown {
  const reader = new JsonRecordReader();
  for (const line of lines) {
    assert.ok(line.endsWith('\n') && line.indexOf('\n') === line.length - 1, `one line: ${line}`);
    reader.line(line.slice(0, -1));
  }
  return reader.value();
}

const proto = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as unknown;

/** Every kind of JSON value, nested, with large arrays and objects at several depths. */
const tricky = {
  schema: 'certify.inventory/v1',
  empty: { array: [], object: {} },
  text: ['Zoë ✓ 🔑', 'line\nbreak', '"quoted" \\ back', '\u0000\u2028', ''],
  numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, -0],
  scalars: [null, true, false],
  omitted: { gone: undefined, fn: () => 1, kept: 1 },
  holes: [1, undefined, () => 2, 3],
  when: new Date('2026-11-23T06:00:00Z'),
  own: { toJSON: () => ({ made: 'by toJSON' }) },
  numericKeys: { b: 1, 10: 'ten', 2: 'two', a: 2 },
  proto,
  secrets: Array.from({ length: 57 }, (_, i) => ({
    id: `https://kv-${i % 4}.vault.azure.net/secrets/s-${i}`,
    enabled: i % 3 !== 0,
    tags: i % 5 === 0 ? {} : { owner: `team-${i % 7}`, env: 'prod' },
  })),
  rules: Array.from({ length: 6 }, (_, r) => ({
    id: `R${r}`,
    failing: Array.from({ length: r * 23 }, (_, k) => `id-${r}-${k}`),
    nested: [[Array.from({ length: r * 9 }, (_, k) => ({ k }))]],
  })),
  wide: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`key-${i}`, i % 2 ? [i, { i }] : `v${i}`])),
};

/** A gzip member's first bytes: magic, deflate, no flags (what zlib writes). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);

describe('JSON records', () => {
  it('round-trip any JSON exactly, key order included, whatever the chunk size', () => {
    for (const chunkChars of [1, 10, 30, 100, 500, undefined]) {
      for (const value of [tricky, tricky.secrets, 'just a string', 42, null, [], {}, [[[]]]]) {
        const lines = [...jsonRecords(value, { chunkChars, maxRecordChars: 10_000 })];
        const back = read(lines);
        assert.deepStrictEqual(back, asJson(value), `chunkChars ${chunkChars}`);
        assert.equal(JSON.stringify(back), JSON.stringify(value), `key order, chunkChars ${chunkChars}`);
      }
    }
    const back = read(jsonRecords(tricky, { chunkChars: 10 })) as { proto: object };
    assert.equal(Object.getPrototypeOf(back.proto), Object.prototype, '"__proto__" stays a field');
    assert.deepEqual(Object.keys(back.proto), ['__proto__', 'a']);
    assert.equal(read(jsonRecords(undefined)), undefined);
  });

  it('write a canonical part with its keys sorted, and hand out exactly its canonical JSON', () => {
    const canonicalOf = (v: unknown) => canonicalText(v, { nonFinite: 'null', name: 'test' });
    const awkward = {
      ...tricky,
      nonFinite: [NaN, Infinity, { n: -Infinity }],
      z: { b: 1, a: [{ d: 1, c: 2 }] },
    };
    const cases: { value: unknown; at: (string | number)[] }[] = [
      { value: { head: 'h', part: awkward, after: [1, 2] }, at: ['part'] },
      { value: { head: 'h', part: { small: 1, a: 0 } }, at: ['part'] },
      { value: { head: 'h', part: 7 }, at: ['part'] },
      { value: { outer: [0, { part: awkward.secrets }] }, at: ['outer', 1, 'part'] },
      { value: awkward, at: [] },
      { value: awkward, at: ['rules'] },
    ];
    for (const chunkChars of [1, 10, 30, 100, 500, undefined]) {
      for (const { value, at } of cases) {
        let text = '';
        const lines = [
          ...jsonRecords(value, { chunkChars, maxRecordChars: 10_000 }, { at, put: (t) => (text += t) }),
        ];
        const where = `chunkChars ${chunkChars}, at ${JSON.stringify(at)}`;
        const back = read(lines);
        assert.deepStrictEqual(back, asJson(value), where);
        const part = (v: unknown) =>
          at.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], v);
        assert.equal(text, canonicalOf(part(value)), where);
        // The part read back hashes alike (its digest is recomputed from the file).
        assert.equal(canonicalOf(part(back)), text, where);
        if (at.length > 0) {
          const { [at[0] as string]: _rest, ...others } = value as Record<string, unknown>;
          const { [at[0] as string]: _back, ...othersBack } = back as Record<string, unknown>;
          assert.equal(
            JSON.stringify(othersBack),
            JSON.stringify(others),
            `the rest keeps its order, ${where}`,
          );
        }
      }
    }
    // Sorted in the records themselves (but for index-like keys, which JavaScript lists first).
    const sorted = read(
      jsonRecords({ part: awkward }, { chunkChars: 30 }, { at: ['part'], put: () => {} }),
    ) as {
      part: { z: object; secrets: object[] };
    };
    assert.deepEqual(Object.keys(sorted.part.z), ['a', 'b']);
    assert.deepEqual(Object.keys(sorted.part.secrets[1]!), ['enabled', 'id', 'tags']);
    let nothing = '';
    const absent = [
      ...jsonRecords({ a: [1] }, { chunkChars: 1 }, { at: ['missing'], put: (t) => (nothing += t) }),
    ];
    assert.deepStrictEqual(read(absent), { a: [1] });
    assert.equal(nothing, '', 'no part, no text');
  });

  it('write a large document in many records, none longer than maxRecordChars', () => {
    const limits: RecordLimits = { chunkChars: 1000, maxRecordChars: 300 };
    const lines = [...jsonRecords(tricky, limits)];
    assert.ok(lines.length > 50, `${lines.length} records`);
    assert.equal(lines[0], `{"format":"${RECORDS_FORMAT}"}\n`);
    assert.equal(lines.at(-1), `{"end":${lines.length - 2}}\n`);
    const longest = Math.max(...lines.map((l) => l.length));
    assert.ok(longest <= 300, `a record of ${longest} characters`);
    assert.deepStrictEqual(read(lines), asJson(tricky));
    // A single string longer than the limit is a record of its own: it cannot be cut.
    const long = { a: [1, 2], s: 'x'.repeat(500), b: [3] };
    const cut = [...jsonRecords(long, { maxRecordChars: 100 })];
    assert.deepEqual(
      cut.filter((l) => l.length > 100),
      [`{"assign":[],"fields":{"s":"${'x'.repeat(500)}"}}\n`],
    );
    assert.deepStrictEqual(read(cut), long);
  });

  it('never make or read a string longer than the limit (V8’s ~537 M characters, made small)', async () => {
    const LIMIT = 2_000;
    assert.ok(JSON.stringify(tricky).length > 5 * LIMIT);
    const { value: body, longestStringified } = await withStringLimit(LIMIT, () =>
      gzipJsonRecordsBuffer(tricky, { chunkChars: 500, maxRecordChars: LIMIT }),
    );
    assert.ok(longestStringified <= LIMIT, `JSON.stringify made ${longestStringified} characters`);
    const { value: back, longestParsed } = await withStringLimit(LIMIT, () =>
      gunzipJson(Readable.from([body])),
    );
    assert.ok(longestParsed <= LIMIT, `JSON.parse read ${longestParsed} characters`);
    assert.deepStrictEqual(back, asJson(tricky));
  });

  it('split a chunk that is longer than allowed, down to a single element', () => {
    // Few values, long strings: the weight lets a chunk through that the length does not.
    const value = { items: Array.from({ length: 40 }, (_, i) => ({ name: `${i}`.padEnd(60, '·') })) };
    const lines = [...jsonRecords(value, { chunkChars: 10_000, maxRecordChars: 200 })];
    assert.ok(lines.every((l) => l.length <= 200));
    assert.deepStrictEqual(read(lines), value);
  });

  it('read gzip’d records in pieces, a character split between two, and one JSON text as before them', async () => {
    // Larger than zlib's output pieces (256 KB), with characters of 2 to 4 bytes everywhere.
    const big = { list: Array.from({ length: 50_000 }, (_, i) => `Zoë ✓ 🔑 ${i}`) };
    const records = await gzipJsonRecordsBuffer(big, { chunkChars: 777 });
    assert.ok(gunzipSync(records).length > 600_000);
    assert.deepStrictEqual(await gunzipJson(Readable.from([records])), big);
    const legacy = gzipSync(Buffer.from(JSON.stringify(big)));
    assert.deepStrictEqual(await gunzipJson(Readable.from([legacy])), big);
    assert.deepStrictEqual(await gunzipJson(Readable.from([gzipSync('"text"')])), 'text');
  });

  it('write several gzip members, compressed at once, that gunzip, zcat and the reader take as one file', async () => {
    // Many more members than buffers in flight, so each buffer is written again; and two strings
    // longer than a member's buffer (a member of their own), between ordinary records.
    const big = {
      list: Array.from({ length: 20_000 }, (_, i) => ({ id: `asset-${i}`, note: 'Zoë ✓ 🔑' })),
      long: ['Zoë ✓ 🔑'.repeat(10_000), 'x', 'é'.repeat(60_000)],
      after: Array.from({ length: 3_000 }, (_, i) => `after-${i}`),
    };
    const records = await gzipJsonRecordsBuffer(big, { chunkChars: 2_000, memberChars: 50_000 });
    // Each member starts with gzip's magic bytes and deflate's method: count the headers.
    let members = 0;
    for (let i = records.indexOf(GZIP_HEADER); i !== -1; i = records.indexOf(GZIP_HEADER, i + 1)) members++;
    assert.ok(members >= 10, `${members} members`);
    assert.deepStrictEqual(await gunzipJson(Readable.from([records])), big);
    const viaZcat = execFileSync('zcat', { input: records, maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
    assert.equal(viaZcat, [...jsonRecords(big, { chunkChars: 2_000 })].join(''));
  });

  it('refuse records cut short, out of place or of a newer format, saying so', async () => {
    const lines = [...jsonRecords(tricky, { chunkChars: 50 })];
    const gz = (ls: readonly string[]) => Readable.from([gzipSync(ls.join(''))]);
    await assert.rejects(gunzipJson(gz(lines.slice(0, -1))), /the records stop after \d+, before their end/);
    await assert.rejects(gunzipJson(gz(lines.slice(0, 1))), /stop after 0/);
    await assert.rejects(
      gunzipJson(gz([...lines.slice(0, -2), lines.at(-1)!])),
      /the end counts \d+ records/,
    );
    await assert.rejects(gunzipJson(gz([lines[0]!, lines[2]!])), /record 2: no array or object at \[\]/);
    await assert.rejects(gunzipJson(gz([...lines, lines[1]!])), /follows the end/);
    await assert.rejects(
      gunzipJson(gz([...lines.slice(0, -1), lines.at(-1)!.slice(0, -3)])),
      /end in the middle of one/,
    );
    await assert.rejects(
      gunzipJson(gz(['{"format":"certify.json-records/v2"}\n', '{"end":0}\n'])),
      /the format is "certify.json-records\/v2"; this Certify reads certify.json-records\/v1/,
    );
    await assert.rejects(gunzipJson(Readable.from([Buffer.from('not gzip')])), /incorrect header check/);
  });
});
