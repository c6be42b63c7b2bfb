import type { RuleCase } from '../case.js';
import type { MatchState, RotationPolicy } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, rotationPolicy } from '../../support/builders.js';

// P012: population = enabled policies; a policy fails when any of its matches is `unverified`.
// `excluded` matches are neither verified nor unverified. Disabled policies are outside.
// appRegistrations is given as [] in applicable rows (see P010.ts).

const pol = (id: string, states: MatchState[], over: Partial<RotationPolicy> = {}): RotationPolicy =>
  rotationPolicy(id, {
    matches: states.map((state, i) => ({ secretId: assetUrl('secrets', 'kv-test', `${id}-m${i}`), state })),
    ...over,
  });
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
    name: 'only disabled policies (one with an unverified match) → not_applicable',
    inventory: inv([pol('p1', ['unverified'], { enabled: false })]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'all matches verified → pass',
    inventory: inv([pol('p1', ['verified']), pol('p2', ['verified', 'verified'])]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'excluded matches and empty match lists are not unverified → pass',
    inventory: inv([pol('p1', ['excluded']), pol('p2', []), pol('p3', ['verified', 'excluded'])]),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'one unverified among verified matches fails the policy',
    inventory: inv([pol('p1', ['verified', 'unverified', 'verified'])]),
    expect: { status: 'fail', evaluated: 1, failing: ['p1'], metric: null },
  },
  {
    name: 'failing policies in inventory order; disabled unverified policy not listed',
    inventory: inv([
      pol('p1', ['unverified']),
      pol('p2', ['verified']),
      pol('p3', ['unverified'], { enabled: false }),
      pol('p4', ['excluded', 'unverified']),
      pol('p5', ['excluded']),
    ]),
    expect: { status: 'fail', evaluated: 4, failing: ['p1', 'p4'], metric: null },
  },
  {
    name: 'enabled clean policy next to a disabled unverified one → pass 1',
    inventory: inv([pol('p1', ['unverified', 'unverified'], { enabled: false }), pol('p2', ['verified'])]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
];

export default cases;
