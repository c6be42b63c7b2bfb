import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, cert, inventory, vault } from '../../support/builders.js';

// C007: population = enabled certificates with both `notBefore` and `expires` (either null or
// absent: not in the population). A certificate fails when `expires − notBefore` exceeds
// `certificateMaxValidityMonths` (default 12) calendar months: `expires` later than the same
// day and time of day N months after `notBefore` (UTC; a day the target month lacks becomes
// its last day) by more than the one-day grace for a backdated not-before. Exactly N months,
// and N months plus up to one day, pass. `now` plays no part.

const DAY = 86_400_000;
const id = (name: string, v = 'kv-test') => assetUrl('certificates', v, name);
const valid = (notBefore: string, expires: string) => ({ notBefore, expires });
const months = (certificateMaxValidityMonths: number) => ({
  ...DEFAULT_PARAMETERS,
  certificateMaxValidityMonths,
});

const cases: RuleCase[] = [
  {
    name: 'no certificates → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only disabled certificates (valid for 5 years) → not_applicable',
    inventory: inventory({
      certificates: [
        cert('old', { enabled: false, ...valid('2024-01-01T00:00:00Z', '2029-01-01T00:00:00Z') }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'certificates without notBefore or without expires are outside the population → not_applicable',
    inventory: inventory({
      certificates: [
        cert('no-start', { notBefore: null, expires: '2031-01-01T00:00:00Z' }),
        cert('no-end', { notBefore: '2026-01-01T00:00:00Z', expires: null }),
        cert('neither', { notBefore: null, expires: null }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'a 90-day and a 1-year certificate → pass',
    inventory: inventory({
      certificates: [
        cert('lets-encrypt', valid('2026-10-01T08:00:00Z', '2026-12-30T08:00:00Z')),
        cert('digicert', valid('2026-03-10T00:00:00Z', '2027-03-10T00:00:00Z')),
      ],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 12 calendar months (2026-01-15T10:00 → 2027-01-15T10:00) → pass',
    inventory: inventory({
      certificates: [cert('twelve', valid('2026-01-15T10:00:00Z', '2027-01-15T10:00:00Z'))],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '12 calendar months + 1 day (the grace) → pass; + 1 day + 1 ms → fail',
    inventory: inventory({
      certificates: [
        cert('twelve-grace', valid('2026-01-15T10:00:00Z', '2027-01-16T10:00:00Z')),
        cert('twelve-plus', valid('2026-01-15T10:00:00Z', '2027-01-16T10:00:00.001Z')),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('twelve-plus')], metric: null },
  },
  {
    name: 'months, not days: 12 months across 29 February is 366 days → pass; two days more → fail',
    inventory: inventory({
      certificates: [
        cert('leap', valid('2027-03-01T00:00:00Z', '2028-03-01T00:00:00Z')),
        cert('leap-plus', valid('2027-03-01T00:00:00Z', '2028-03-03T00:00:00Z')),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('leap-plus')] },
  },
  {
    name: 'a day the target month lacks: 2028-02-29 + 12 months is 2029-02-28 → 03-01 12:00 passes (grace), 03-01 12:00:01 fails',
    inventory: inventory({
      certificates: [
        cert('mar-01', valid('2028-02-29T12:00:00Z', '2029-03-01T12:00:00Z')),
        cert('mar-01-plus', valid('2028-02-29T12:00:00Z', '2029-03-01T12:00:01Z')),
      ],
    }),
    expect: { status: 'fail', evaluated: 2, failing: [id('mar-01-plus')] },
  },
  {
    // Recorded from the service (shared/fixtures/wire/kv-certificates.json): a certificate issued
    // with validity_months 12 has nbf 10 minutes before its creation and exp 12 months after it.
    name: 'a Key Vault certificate of validity_months 12 (nbf backdated 10 min) spans 12 months + 10 min → pass, as Azure Policy judges it',
    inventory: inventory({
      certificates: [cert('kv-issued', valid('2022-07-13T20:44:46Z', '2023-07-13T20:54:46Z'))],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'the typical self-signed 2-year certificate → fail',
    inventory: inventory({
      certificates: [cert('mtls', valid('2025-06-01T00:00:00Z', '2027-06-01T00:00:00Z'))],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('mtls')] },
  },
  {
    name: 'now plays no part: a long-expired 3-year certificate still fails, a not-yet-valid 1-year one passes',
    inventory: inventory({
      certificates: [
        cert('expired-long', valid('2020-01-01T00:00:00Z', '2023-01-01T00:00:00Z')),
        cert('future', valid('2027-06-01T00:00:00Z', '2028-06-01T00:00:00Z')),
      ],
    }),
    now: NOW + 400 * DAY,
    expect: { status: 'fail', evaluated: 2, failing: [id('expired-long')] },
  },
  {
    name: 'failing certificates in inventory order; disabled and incomplete ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      certificates: [
        cert('z-long', { vault: 'kv-b', ...valid('2026-01-01T00:00:00Z', '2028-01-01T00:00:00Z') }),
        cert('ok', { vault: 'kv-a', ...valid('2026-05-01T00:00:00Z', '2027-05-01T00:00:00Z') }),
        cert('off', {
          vault: 'kv-a',
          enabled: false,
          ...valid('2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
        }),
        cert('no-start', {
          vault: 'kv-a',
          ...valid('2026-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
          notBefore: null,
        }),
        cert('a-long', { vault: 'kv-a', ...valid('2026-02-01T00:00:00Z', '2027-02-03T00:00:00Z') }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-long', 'kv-b'), id('a-long', 'kv-a')] },
  },
  {
    name: 'certificateMaxValidityMonths 24: 2 years + 1 day passes, 2 years + 1 day + 1 ms fails',
    inventory: inventory({
      certificates: [
        cert('two-years', valid('2025-06-01T00:00:00Z', '2027-06-02T00:00:00Z')),
        cert('two-years-plus', valid('2025-06-01T00:00:00Z', '2027-06-02T00:00:00.001Z')),
      ],
    }),
    parameters: months(24),
    expect: { status: 'fail', evaluated: 2, failing: [id('two-years-plus')] },
  },
  {
    name: 'certificateMaxValidityMonths 3: 90 days from 1 January is exactly 3 months → pass',
    inventory: inventory({
      certificates: [cert('ninety-days', valid('2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z'))],
    }),
    parameters: months(3),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'certificateMaxValidityMonths 3 from 1 March: the limit is 1 June (92 days) + 1 day; 90 days passes, 93 days + 1 ms fails',
    inventory: inventory({
      certificates: [
        cert('ninety', valid('2026-03-01T00:00:00Z', '2026-05-30T00:00:00Z')),
        cert('ninety-three', valid('2026-03-01T00:00:00Z', '2026-06-02T00:00:00.001Z')),
      ],
    }),
    parameters: months(3),
    expect: { status: 'fail', evaluated: 2, failing: [id('ninety-three')] },
  },
  {
    name: 'certificateMaxValidityMonths 6 from 31 August: the limit is 28 February (29 in a leap year), plus the day of grace',
    inventory: inventory({
      certificates: [
        cert('feb-28', valid('2026-08-31T09:00:00Z', '2027-03-01T09:00:00Z')),
        cert('feb-28-plus', valid('2026-08-31T09:00:00Z', '2027-03-01T09:00:01Z')),
        cert('leap-29', valid('2027-08-31T09:00:00Z', '2028-03-01T09:00:00Z')),
      ],
    }),
    parameters: months(6),
    expect: { status: 'fail', evaluated: 3, failing: [id('feb-28-plus')] },
  },
];

export default cases;
