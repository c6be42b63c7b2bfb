import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { jsonPieces } from '../../base/json-pieces.js';

const joined = (value: unknown, pieceChars?: number, compact = false) =>
  [...jsonPieces(value, { ...(pieceChars ? { pieceChars } : {}), compact })].join('');

/** A deterministic pseudo-random JSON-ish value, with the members JSON.stringify treats specially. */
function randomValue(seed: number, depth = 0): unknown {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const make = (d: number): unknown => {
    const r = next();
    if (d > 4 || r < 0.35) {
      const k = Math.floor(next() * 9);
      return [
        'plain',
        'quote " and \\ and \n',
        42,
        -0.5,
        true,
        null,
        undefined,
        Number.NaN,
        new Date(Date.UTC(2026, 0, 2)),
      ][k];
    }
    if (r < 0.7) return Array.from({ length: Math.floor(next() * 8) }, () => make(d + 1));
    const o: Record<string, unknown> = {};
    const n = Math.floor(next() * 7);
    for (let i = 0; i < n; i++)
      o[next() < 0.05 ? '__proto__x' : `k${i}-${Math.floor(next() * 100)}`] = make(d + 1);
    if (next() < 0.1) o.fn = () => 1;
    return o;
  };
  return make(depth);
}

describe('jsonPieces', () => {
  it('joins to exactly JSON.stringify(value, null, 2), whatever the piece size', () => {
    for (let seed = 1; seed <= 80; seed++) {
      const value = randomValue(seed);
      for (const pieceChars of [3, 64, 1000, 1 << 20]) {
        assert.equal(
          joined(value, pieceChars),
          JSON.stringify(value, null, 2) ?? '',
          `seed ${seed}, ${pieceChars}`,
        );
      }
    }
  });

  it('writes a large scan-like document in many pieces, none much larger than asked', () => {
    const doc = {
      schema: 'certify.scan/v1',
      rules: Array.from({ length: 5 }, (_, r) => ({
        id: `R${r}`,
        failing: Array.from(
          { length: 3000 },
          (_, i) => `https://v${i % 7}.vault.azure.net/secrets/s-${r}-${i}`,
        ),
        metric: null,
      })),
      empty: { list: [], object: {} },
    };
    const pieces = [...jsonPieces(doc, { pieceChars: 4096 })];
    assert.ok(pieces.length > 50, `${pieces.length} pieces`);
    assert.ok(Math.max(...pieces.map((p) => p.length)) < 3 * 4096);
    assert.equal(pieces.join(''), JSON.stringify(doc, null, 2));
    const compact = [...jsonPieces(doc, { pieceChars: 4096, compact: true })];
    assert.ok(compact.length > 50);
    assert.equal(compact.join(''), JSON.stringify(doc));
  });

  it('a key named __proto__ is a member like any other', () => {
    const value = JSON.parse('{"__proto__": [1, 2, 3], "b": ["x", "y"]}') as unknown;
    assert.equal(joined(value, 1), JSON.stringify(value, null, 2));
    assert.equal(joined(value, 1, true), JSON.stringify(value));
  });

  it('gives nothing for a value JSON has no text for', () => {
    assert.deepEqual([...jsonPieces(undefined)], []);
  });
});
