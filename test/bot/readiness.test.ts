import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { cronPeriodMs, readiness, type ReadinessInput } from '../../bot/readiness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2025-06-11T12:00:00Z');
const base: ReadinessInput = {
  now: NOW,
  startedAt: NOW - HOUR,
  storeProblem: null,
  signerProblem: null,
  lastScanAt: NOW - 3 * HOUR,
  periodMs: DAY,
};

describe('readiness', () => {
  const cases: [string, Partial<ReadinessInput>, boolean, RegExp[]][] = [
    ['everything fine', {}, true, []],
    ['store unreachable', { storeProblem: 'EACCES' }, false, [/^store: EACCES/]],
    ['signing key unusable', { signerProblem: 'bad key' }, false, [/^signing key: bad key/]],
    ['scan just under two periods old', { lastScanAt: NOW - 2 * DAY }, true, []],
    ['scan over two periods old', { lastScanAt: NOW - 2 * DAY - 1 }, false, [/latest is 2880 min old/]],
    ['fresh install, started recently', { lastScanAt: null, startedAt: NOW - DAY }, true, []],
    [
      'fresh install, no scan two periods after start',
      { lastScanAt: null, startedAt: NOW - 3 * DAY },
      false,
      [/none saved/],
    ],
    ['a schedule that never fires', { lastScanAt: null, startedAt: 0, periodMs: null }, true, []],
    [
      'several problems at once',
      { storeProblem: 'down', signerProblem: 'gone', lastScanAt: NOW - 5 * DAY },
      false,
      [/^store/, /^signing key/, /^scheduled scans/],
    ],
  ];
  for (const [name, change, ready, problems] of cases) {
    it(name, () => {
      const r = readiness({ ...base, ...change });
      assert.equal(r.ready, ready);
      assert.equal(r.problems.length, problems.length, r.problems.join('; '));
      problems.forEach((p, i) => assert.match(r.problems[i]!, p));
    });
  }
});

describe('cronPeriodMs', () => {
  const cases: [string, number | null][] = [
    ['0 6 * * *', DAY],
    ['*/15 * * * *', 15 * 60_000],
    ['0 * * * *', HOUR],
    ['30 2 * * mon', 7 * DAY],
    ['0 6 * * 1-5', DAY], // Wednesday noon: Tuesday 06:00 − Wednesday 06:00
    ['0 0 1 * *', 31 * DAY], // June 1 − May 1
    ['0 0 1 1 *', 366 * DAY], // 2024 was a leap year
    ['0 0 30 2 *', null], // February 30th never comes
  ];
  for (const [cron, period] of cases) {
    it(`${cron} → ${period === null ? 'never' : `${period / 60_000} min`}`, () => {
      assert.equal(cronPeriodMs(cron, NOW), period);
    });
  }
  it('counts the run at the current minute', () => {
    assert.equal(cronPeriodMs('0 12 * * *', NOW), DAY);
  });
});
