import type { RuleCase } from '../case.js';
import { DEFAULT_PARAMETERS } from '../../../scanner/rules/parameters.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P008: population = enabled, non-managed secrets; a secret fails when now − created > 90 days
// (`secretMaxAgeDays`; strictly: exactly 90 days passes, 90 days + 1 ms fails). `created` is that
// of the current version, the value's age; `updated` does not matter: it also moves on tag and
// attribute edits, which rotate nothing.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);
const maxAge = (secretMaxAgeDays: number) => ({ ...DEFAULT_PARAMETERS, secretMaxAgeDays });

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed and disabled old secrets → not_applicable',
    inventory: inventory({
      secrets: [
        secret('m', { managed: true, created: daysFromNow(-400), updated: daysFromNow(-400) }),
        secret('d', { enabled: false, created: daysFromNow(-400), updated: daysFromNow(-400) }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'current versions created within 90 days → pass',
    inventory: inventory({
      secrets: [secret('a'), secret('b', { created: daysFromNow(-60), updated: daysFromNow(-60) })],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 90 days since the current version was created → pass (not > 90 days)',
    inventory: inventory({ secrets: [secret('ninety', { created: daysFromNow(-90) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '90 days + 1 ms since the current version was created → fail',
    inventory: inventory({ secrets: [secret('ninety-plus', { created: at(-90 * DAY - 1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('ninety-plus')], metric: null },
  },
  {
    name: 'value created 800 days ago, tags edited 10 days ago (`updated` recent) → fail',
    inventory: inventory({
      secrets: [secret('retagged', { created: daysFromNow(-800), updated: daysFromNow(-10) })],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [id('retagged')] },
  },
  {
    name: 'value created 10 days ago, never edited since → pass',
    inventory: inventory({
      secrets: [secret('rotated', { created: daysFromNow(-10), updated: daysFromNow(-10) })],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'old secrets listed in inventory order; managed/disabled old ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-old', { vault: 'kv-b', created: daysFromNow(-365), updated: daysFromNow(-365) }),
        secret('fresh', { vault: 'kv-a' }),
        secret('managed', { vault: 'kv-a', managed: true, created: daysFromNow(-200) }),
        secret('disabled', { vault: 'kv-a', enabled: false, created: daysFromNow(-200) }),
        secret('a-old', { vault: 'kv-a', created: daysFromNow(-91), updated: daysFromNow(-2) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-old', 'kv-b'), id('a-old', 'kv-a')] },
  },
  {
    name: 'uses the given now: created 30 days before NOW, evaluated at NOW + 61 d (91 days) → fail',
    inventory: inventory({ secrets: [secret('s')] }),
    now: NOW + 61 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: created 100 days before NOW, evaluated at NOW − 20 d (80 days) → pass',
    inventory: inventory({ secrets: [secret('s', { created: daysFromNow(-100) })] }),
    now: NOW - 20 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'secretMaxAgeDays 30: exactly 30 days passes, 30 days + 1 ms fails',
    inventory: inventory({
      secrets: [
        secret('thirty', { created: daysFromNow(-30) }),
        secret('thirty-plus', { created: at(-30 * DAY - 1) }),
      ],
    }),
    parameters: maxAge(30),
    expect: { status: 'fail', evaluated: 2, failing: [id('thirty-plus')] },
  },
  {
    name: 'secretMaxAgeDays 365: a value created 200 days ago passes',
    inventory: inventory({ secrets: [secret('yearly', { created: daysFromNow(-200) })] }),
    parameters: maxAge(365),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'secretMaxAgeDays 365: exactly 365 days passes, 365 days + 1 ms fails',
    inventory: inventory({
      secrets: [
        secret('year', { created: daysFromNow(-365) }),
        secret('year-plus', { created: at(-365 * DAY - 1) }),
      ],
    }),
    parameters: maxAge(365),
    expect: { status: 'fail', evaluated: 2, failing: [id('year-plus')] },
  },
];

export default cases;
