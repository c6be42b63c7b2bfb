import type { RuleCase } from '../case.js';
import type { MatchState, RotationPolicy } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, rotationPolicy } from '../../support/builders.js';

// P014: population = enabled policies; a policy fails when it has no `verified` match.
// Disabled policies are outside. appRegistrations is given as [] in applicable rows (see P010.ts).

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
    name: 'only disabled policies without verified matches → not_applicable',
    inventory: inv([pol('p1', [], { enabled: false }), pol('p2', ['unverified'], { enabled: false })]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'every enabled policy has a verified match → pass',
    inventory: inv([pol('p1', ['verified']), pol('p2', ['excluded', 'verified'])]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'a verified match among unverified ones is enough for P014 → pass',
    inventory: inv([pol('p1', ['unverified', 'verified'])]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'no matches at all fails',
    inventory: inv([pol('p1', [])]),
    expect: { status: 'fail', evaluated: 1, failing: ['p1'], metric: null },
  },
  {
    name: 'only excluded / only unverified fail, in inventory order; disabled one not listed',
    inventory: inv([
      pol('p1', ['excluded']),
      pol('p2', ['verified']),
      pol('p3', [], { enabled: false }),
      pol('p4', ['unverified', 'unverified']),
      pol('p5', ['excluded', 'unverified']),
    ]),
    expect: { status: 'fail', evaluated: 4, failing: ['p1', 'p4', 'p5'], metric: null },
  },
  {
    name: 'enabled verified policy next to a disabled unmatched one → pass',
    inventory: inv([pol('p1', [], { enabled: false }), pol('p2', ['verified'])]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
];

export default cases;
