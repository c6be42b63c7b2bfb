import type { RuleCase } from '../case.js';
import { NOW, assetUrl, daysFromNow, inventory, secret, vault } from '../../support/builders.js';

// P008: population = enabled, non-managed secrets; a secret fails when now − updated > 90 days
// (strictly: exactly 90 days passes, 90 days + 1 ms fails). `created` does not matter.

const DAY = 86_400_000;
const at = (ms: number): string => new Date(NOW + ms).toISOString();
const id = (name: string, v = 'kv-test') => assetUrl('secrets', v, name);

const cases: RuleCase[] = [
  {
    name: 'no secrets → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, failing: [], metric: null },
  },
  {
    name: 'only managed and disabled stale secrets → not_applicable',
    inventory: inventory({
      secrets: [
        secret('m', { managed: true, updated: daysFromNow(-400) }),
        secret('d', { enabled: false, updated: daysFromNow(-400) }),
      ],
    }),
    expect: { status: 'not_applicable', evaluated: 0, failing: [] },
  },
  {
    name: 'recently updated secrets → pass',
    inventory: inventory({ secrets: [secret('a'), secret('b', { updated: daysFromNow(-60) })] }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'exactly 90 days since update → pass (not > 90 days)',
    inventory: inventory({ secrets: [secret('ninety', { updated: daysFromNow(-90) })] }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: '90 days + 1 ms since update → fail',
    inventory: inventory({ secrets: [secret('ninety-plus', { updated: at(-90 * DAY - 1) })] }),
    expect: { status: 'fail', evaluated: 1, failing: [id('ninety-plus')], metric: null },
  },
  {
    name: 'old `created` but recent `updated` → pass',
    inventory: inventory({
      secrets: [secret('rotated', { created: daysFromNow(-800), updated: daysFromNow(-10) })],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
  {
    name: 'stale secrets listed in inventory order; managed/disabled stale ones skipped',
    inventory: inventory({
      vaults: [vault('kv-b'), vault('kv-a')],
      secrets: [
        secret('z-stale', { vault: 'kv-b', created: daysFromNow(-500), updated: daysFromNow(-365) }),
        secret('fresh', { vault: 'kv-a' }),
        secret('managed', { vault: 'kv-a', managed: true, updated: daysFromNow(-200) }),
        secret('disabled', { vault: 'kv-a', enabled: false, updated: daysFromNow(-200) }),
        secret('a-stale', { vault: 'kv-a', created: daysFromNow(-200), updated: daysFromNow(-91) }),
      ],
    }),
    expect: { status: 'fail', evaluated: 3, failing: [id('z-stale', 'kv-b'), id('a-stale', 'kv-a')] },
  },
  {
    name: 'uses the given now: updated 1 day before NOW, evaluated at NOW + 91 d → fail',
    inventory: inventory({ secrets: [secret('s')] }),
    now: NOW + 91 * DAY,
    expect: { status: 'fail', evaluated: 1, failing: [id('s')] },
  },
  {
    name: 'uses the given now: updated 100 days before NOW, evaluated at NOW − 20 d (80 days) → pass',
    inventory: inventory({ secrets: [secret('s', { updated: daysFromNow(-100) })] }),
    now: NOW - 20 * DAY,
    expect: { status: 'pass', evaluated: 1, failing: [] },
  },
];

export default cases;
