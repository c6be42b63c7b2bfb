import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { canonicalJson, writeCanonicalJson } from '../../base/canonical-json.js';

/** The definition, written the slow obvious way: rebuild every object with its keys sorted. */
function reference(value: unknown): string {
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep);
    if (v === null || typeof v !== 'object') return v;
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(v).sort()) out[key] = sortDeep((v as Record<string, unknown>)[key]);
    return out;
  };
  return JSON.stringify(sortDeep(JSON.parse(JSON.stringify(value)) as unknown));
}

const digestText = (value: unknown) => {
  let text = '';
  writeCanonicalJson(value, (t) => (text += t), { nonFinite: 'null', name: 'test' });
  return text;
};

describe('canonical JSON', () => {
  it('sorts keys at every depth, whatever order consecutive records were built in', () => {
    const records = [
      { b: 1, a: 'x', tags: { z: '1', y: '2' }, list: [{ d: 1, c: 2 }, null, 'q'] },
      { a: 'x', b: 1, tags: { y: '2', z: '1' }, list: [] },
      { tags: {}, b: 2, a: 'y', list: [{ c: 2 }] },
      { a: 'only a', extra: true },
      { a: 'x', b: 1, tags: { y: '2', z: '1' }, list: [], extra: false },
    ];
    for (const r of records) assert.equal(canonicalJson(r), reference(r));
    assert.equal(canonicalJson(records), reference(records));
  });

  it('a key named __proto__ is an own member, never the inherited prototype', () => {
    const parsed = JSON.parse('{"b": {"__proto__": {"x": 1}}, "a": {"c": 1}}') as unknown;
    assert.equal(canonicalJson(parsed), '{"a":{"c":1},"b":{"__proto__":{"x":1}}}');
    // A sibling holding the key must not make an object without it read its prototype.
    const siblings = JSON.parse('[{"a": 1}, {"__proto__": 2, "a": 3}]') as unknown;
    assert.equal(canonicalJson(siblings), '[{"a":1},{"__proto__":2,"a":3}]');
    assert.equal(
      canonicalJson({ n: { a: 1 }, m: JSON.parse('{"__proto__": 1}') as unknown }),
      '{"m":{"__proto__":1},"n":{"a":1}}',
    );
  });

  it('follows JSON.stringify for toJSON, undefined, functions and boxed values', () => {
    const value = {
      when: new Date(Date.UTC(2026, 10, 23)),
      gone: undefined,
      fn: () => 1,
      boxed: Object(5) as unknown,
      list: [undefined, () => 1, 'ok'],
    };
    assert.equal(
      canonicalJson(value),
      '{"boxed":5,"list":[null,null,"ok"],"when":"2026-11-23T00:00:00.000Z"}',
    );
  });

  it('refuses a non-finite number where asked to, and writes null where not', () => {
    assert.throws(() => canonicalJson({ a: { b: Number.NaN } }), /NaN is not a JSON number/);
    assert.equal(digestText({ a: { b: Number.POSITIVE_INFINITY } }), '{"a":{"b":null}}');
  });

  it('writes records already in canonical order as they are, and the rest sorted', () => {
    const sorted = { a: 1, b: { c: 'x', d: [1, 'two', null, { e: true, f: 0.5 }] }, g: null };
    assert.equal(canonicalJson(sorted), JSON.stringify(sorted));
    assert.equal(canonicalJson({ g: null, b: sorted.b, a: 1 }), reference(sorted));
    const nestedUnsorted = { a: 1, b: { d: 1, c: 2 } };
    assert.equal(canonicalJson(nestedUnsorted), '{"a":1,"b":{"c":2,"d":1}}');
    const withUndefined = { a: undefined, b: [undefined, 1] };
    assert.equal(canonicalJson(withUndefined), '{"b":[null,1]}');
    const withProto = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    assert.equal(canonicalJson(withProto), '{"__proto__":1,"a":2}');
    // Array-index keys, which objects list first whatever the order they were added in.
    const indexed = { b: 1, '10': 'ten', '2': 'two', a: { '1': 1, x: 2 } };
    assert.equal(canonicalJson(indexed), '{"10":"ten","2":"two","a":{"1":1,"x":2},"b":1}');
  });

  it('writes a large object member by member and still canonically', () => {
    const big: Record<string, unknown> = {};
    for (let i = 999; i >= 0; i--) big[`k${i}`] = { z: i, a: [i, `${i}`] };
    assert.equal(canonicalJson(big), reference(big));
  });
});
