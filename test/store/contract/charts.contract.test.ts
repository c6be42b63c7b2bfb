/**
 * The ChartStore contract, over the embedded store and PostgreSQL: a chart saved under its
 * token's SHA-256 is read back whole by every replica until it expires, and expired ones go.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'vitest';
import { createChartStore, type ChartStore } from '../../../store/charts.js';
import { createPgChartStore } from '../../../store/pg/charts.js';
import { byKind, STORE_KINDS } from './harness.js';

const T0 = Date.parse('2026-12-03T06:00:00Z');
const DAY = 86_400_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const png = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, n, 255, 1, 2, 3]);

const open = byKind({
  // Pruned at every save, so the contract sees the same removal on both kinds.
  embedded: (dir): ChartStore => createChartStore(dir, { pruneEveryMs: 0 }),
  postgres: (pool): ChartStore => createPgChartStore(pool),
});

describe.each(STORE_KINDS)('ChartStore contract ($name)', (kind) => {
  it('reads a chart back whole on every replica until it expires', async () => {
    const [a, b] = await kind.open(2);
    const one = open(a!);
    const two = open(b!);
    const chart = {
      png: png(1),
      alt: 'Overall score over 30 days, 2 scans',
      createdAt: T0,
      expiresAt: T0 + 30 * DAY,
    };
    assert.equal(await two.get(sha('a'), T0), null);
    await one.save(sha('a'), chart);
    assert.deepEqual(await two.get(sha('a'), T0), chart);
    assert.deepEqual(await one.get(sha('a'), T0 + 30 * DAY - 1), chart);
    assert.equal(await two.get(sha('a'), T0 + 30 * DAY), null, 'expired at its expiry');
    assert.equal(await two.get(sha('b'), T0), null, 'unknown');
  });

  it('removes expired charts when one is saved, and keeps the others', async () => {
    const [a] = await kind.open();
    const charts = open(a!);
    await charts.save(sha('old'), { png: png(1), alt: 'old', createdAt: T0, expiresAt: T0 + DAY });
    await charts.save(sha('kept'), { png: png(2), alt: 'kept', createdAt: T0, expiresAt: T0 + 40 * DAY });
    await charts.save(sha('new'), {
      png: png(3),
      alt: 'new',
      createdAt: T0 + 2 * DAY,
      expiresAt: T0 + 32 * DAY,
    });
    // Read "before" the expiry: only a removed chart is missing then.
    assert.equal(await charts.get(sha('old'), T0), null);
    assert.equal((await charts.get(sha('kept'), T0))?.alt, 'kept');
    assert.equal((await charts.get(sha('new'), T0))?.alt, 'new');
  });

  it('refuses a key that is not a SHA-256 in hex, and a chart that expires before it exists', async () => {
    const [a] = await kind.open();
    const charts = open(a!);
    await assert.rejects(charts.get('../../etc/passwd', T0), RangeError);
    await assert.rejects(
      charts.save(sha('x').toUpperCase(), { png: png(1), alt: '', createdAt: T0, expiresAt: T0 + 1 }),
      RangeError,
    );
    await assert.rejects(
      charts.save(sha('x'), { png: png(1), alt: '', createdAt: T0, expiresAt: T0 }),
      RangeError,
    );
  });
});
