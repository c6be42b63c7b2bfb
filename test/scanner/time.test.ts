import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isIsoTime, isExpired, isExpiringWithin, parseNow, toMs, DAY_MS } from '../../base/time.js';

describe('toMs', () => {
  it('agrees with Date.parse on generated times (fast path) and on other forms (fallback)', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const t = Date.UTC(1990, 0, 1) + (next() % 2 ** 31) * 1000 + (next() % 1000);
      const iso = new Date(t).toISOString();
      for (const form of [
        iso,
        iso.replace(/\.\d+Z$/, 'Z'),
        iso.replace(/(\.\d)\d+Z$/, '$1Z'),
        iso.replace(/Z$/, '+02:00'),
      ]) {
        assert.equal(toMs(form), Date.parse(form), form);
      }
    }
    assert.equal(toMs('2026-11-23T06:00:00.123456789Z'), Date.parse('2026-11-23T06:00:00.123Z'));
    assert.ok(Number.isNaN(toMs(null)));
  });
});

describe('isIsoTime', () => {
  const table: [string, boolean][] = [
    ['2026-01-02T00:00:00Z', true],
    ['2026-01-02T00:00Z', true],
    ['2026-01-02T00:00:00.5+01:00', true],
    ['2024-02-29T00:00:00Z', true],
    ['2026-02-29T00:00:00Z', false],
    ['2026-02-30T00:00:00Z', false],
    ['2026-04-31T00:00:00+02:00', false],
    ['2026-01-02T00:00:00', false],
    ['1/2/2026', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-01-02T24:00:00Z', true], // ISO 8601's end-of-day midnight
  ];
  for (const [text, ok] of table) it(`${text} → ${ok}`, () => assert.equal(isIsoTime(text), ok));

  it('parseNow names the offending value', () => {
    assert.throws(() => parseNow('2026-02-30T00:00:00Z'), /"2026-02-30T00:00:00Z" is not an ISO 8601 time/);
  });
});

describe('expiry terms', () => {
  const now = Date.parse('2026-11-23T06:00:00Z');
  it('expires == now is expired and not expiring; exactly N days is expiring', () => {
    assert.equal(isExpired(now, now), true);
    assert.equal(isExpiringWithin(now, now, 7), false);
    assert.equal(isExpiringWithin(now + 7 * DAY_MS, now, 7), true);
    assert.equal(isExpiringWithin(now + 7 * DAY_MS + 1, now, 7), false);
    assert.equal(isExpired(Number.NaN, now), false);
  });
});
