import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { parsePeriod, periodBetween } from '../../evidence/period.js';
import { isCertifyError } from '../../base/errors.js';

const NOW = Date.parse('2026-11-26T11:00:00Z');

describe('audit periods', () => {
  const cases: [string | undefined, string, string][] = [
    ['last-quarter', '2026-07-01T00:00:00.000Z', '2026-09-30T23:59:59.999Z'],
    ['2026-Q1', '2026-01-01T00:00:00.000Z', '2026-03-31T23:59:59.999Z'],
    ['2025q4', '2025-10-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z'],
    ['this-quarter', '2026-10-01T00:00:00.000Z', '2026-11-26T11:00:00.000Z'],
    ['last-month', '2026-10-01T00:00:00.000Z', '2026-10-31T23:59:59.999Z'],
    ['2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['ytd', '2026-01-01T00:00:00.000Z', '2026-11-26T11:00:00.000Z'],
    ['last-year', '2025-01-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z'],
    ['2025', '2025-01-01T00:00:00.000Z', '2025-12-31T23:59:59.999Z'],
    ['last-30d', '2026-10-27T11:00:00.000Z', '2026-11-26T11:00:00.000Z'],
    [undefined, '2026-08-28T11:00:00.000Z', '2026-11-26T11:00:00.000Z'],
    ['2026-07-01..2026-09-30', '2026-07-01T00:00:00.000Z', '2026-09-30T23:59:59.999Z'],
    ['2026-07-01T12:00:00Z..2026-07-02', '2026-07-01T12:00:00.000Z', '2026-07-02T23:59:59.999Z'],
    // A period still running is cut at now.
    ['2026-11-01..2026-12-31', '2026-11-01T00:00:00.000Z', '2026-11-26T11:00:00.000Z'],
  ];
  for (const [text, from, to] of cases) {
    it(`${text ?? '(default)'} → ${from} … ${to}`, () => {
      const p = parsePeriod(text, NOW);
      assert.equal(p.from, from);
      assert.equal(p.to, to);
    });
  }

  it('last quarter in January is Q4 of the year before', () => {
    const p = parsePeriod('last-quarter', Date.parse('2027-01-15T00:00:00Z'));
    assert.equal(p.from, '2026-10-01T00:00:00.000Z');
    assert.equal(p.to, '2026-12-31T23:59:59.999Z');
  });

  const bad: [string, RegExp][] = [
    ['yesterday-ish', /not a period I know/],
    ['2026-09-30..2026-07-01', /starts .* after it ends/],
    ['2027-01-01..2027-02-01', /starts in the future/],
    ['2026-02-30..2026-03-01', /not a calendar date/],
    ['2026-13', /no month 13/],
    ['last-0d', /at least 1/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${text} with a clear error`, () => {
      assert.throws(
        () => parsePeriod(text, NOW),
        (e: unknown) => isCertifyError(e) && e.code === 'BAD_INPUT' && message.test(e.message) && !!e.hint,
      );
    });
  }

  it('periodBetween reads the CLI flags', () => {
    const p = periodBetween('2026-07-01', '2026-09-30T12:00:00Z', NOW);
    assert.equal(p.to, '2026-09-30T12:00:00.000Z');
    assert.throws(() => periodBetween('July', '2026-09-30', NOW), /not an ISO 8601 date/);
  });
});
