import type { RuleCase } from '../case.js';
import type { RotationPolicy } from '../../../scanner/inventory/types.js';
import { inventory, rotationPolicy } from '../../support/builders.js';

// P013: population = enabled policies; a policy fails when `targetVault` is null or empty.
// Disabled policies are outside. appRegistrations is given as [] in applicable rows (see P010.ts).

const pol = (id: string, targetVault: string | null, enabled = true): RotationPolicy =>
  rotationPolicy(id, { targetVault, enabled });
const inv = (rotationPolicies: RotationPolicy[]) => inventory({ appRegistrations: [], rotationPolicies });

const cases: RuleCase[] = [
  {
    name: 'rotationPolicies not collected → not_applicable',
    inventory: inventory({ appRegistrations: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no policies (collected, none) → not_applicable',
    inventory: inv([]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only disabled policies (targetVault null) → not_applicable',
    inventory: inv([pol('p1', null, false), pol('p2', '', false)]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'every enabled policy has a target vault → pass',
    inventory: inv([pol('p1', 'kv-test'), pol('p2', 'kv-prod')]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'null targetVault fails',
    inventory: inv([pol('p1', null)]),
    expect: { status: 'fail', evaluated: 1, failing: ['p1'], metric: null },
  },
  {
    name: 'empty-string targetVault fails',
    inventory: inv([pol('p1', '')]),
    expect: { status: 'fail', evaluated: 1, failing: ['p1'], metric: null },
  },
  {
    name: 'null and empty both listed in inventory order; disabled null policy not listed',
    inventory: inv([pol('p1', ''), pol('p2', 'kv-test'), pol('p3', null, false), pol('p4', null)]),
    expect: { status: 'fail', evaluated: 3, failing: ['p1', 'p4'], metric: null },
  },
  {
    name: 'enabled policy with a vault next to a disabled one without → pass',
    inventory: inv([pol('p1', null, false), pol('p2', 'kv-test')]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
];

export default cases;
