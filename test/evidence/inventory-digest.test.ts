/** The inventory digest is the canonical JSON of the inventory as the snapshot stores it. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import { canonicalJson } from '../../store/audit-log.js';
import { inventorySha256 } from '../../evidence/inventory-digest.js';
import { demoSource } from '../../scanner/sources/demo/index.js';

const stored = (value: unknown) =>
  createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(value))))
    .digest('hex');

describe('inventory digest', () => {
  it('equals SHA-256 of canonicalJson of the JSON round trip, for awkward values too', () => {
    const awkward = {
      z: 1,
      a: [1, undefined, () => 0, Number.NaN, -0, 1e21, 'é\u2028"\\', null, [], {}],
      m: {
        b: undefined,
        c: Infinity,
        d: new Date(Date.UTC(2026, 0, 2)),
        e: { toJSON: () => ({ y: 2, x: 1 }) },
      },
      '10': 'integer-like key',
      ä: true,
      B: false,
      s: Symbol('dropped'),
      n: Object(3) as number,
    };
    assert.equal(inventorySha256(awkward), stored(awkward));
  });

  it('is the same from the inventory in memory and from its stored form, with key order irrelevant', async () => {
    const inventory = await demoSource({ profile: 'showcase', size: 80, seed: 1 }).collect({
      now: Date.parse('2026-09-01T00:00:00Z'),
    });
    const digest = inventorySha256(inventory);
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(digest, stored(inventory));
    const reordered = Object.fromEntries(Object.entries(inventory).reverse());
    assert.equal(inventorySha256(reordered), digest);
    assert.notEqual(inventorySha256({ ...inventory, tenantId: `${inventory.tenantId}x` }), digest);
  });

  it('refuses a bigint, as JSON does', () => {
    assert.throws(() => inventorySha256({ n: 1n }), TypeError);
  });
});
