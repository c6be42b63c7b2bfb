import type { RuleCase } from '../case.js';
import type { MatchState, RotationPolicy } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, rotationPolicy } from '../../support/builders.js';

// P010: population = enabled policies; ratio = policies with at least one `verified` match;
// pass when ≥ 0.60; failing = the other enabled policies. Disabled policies are outside.
// appRegistrations is given as [] in applicable rows, so the rows do not depend on whether the
// rule also lists appRegistrations among the sections it needs.

const pol = (id: string, states: MatchState[], over: Partial<RotationPolicy> = {}): RotationPolicy =>
  rotationPolicy(id, {
    matches: states.map((state, i) => ({ secretId: assetUrl('secrets', 'kv-test', `${id}-m${i}`), state })),
    ...over,
  });
const inv = (rotationPolicies: RotationPolicy[]) => inventory({ appRegistrations: [], rotationPolicies });
const T = 0.6;

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
    name: 'only disabled policies → not_applicable (empty population)',
    inventory: inv([pol('p1', ['unverified'], { enabled: false }), pol('p2', [], { enabled: false })]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'every enabled policy verified → pass, ratio 1',
    inventory: inv([pol('p1', ['verified']), pol('p2', ['verified', 'verified'])]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: '3 of 5 verified = 0.6 exactly at the threshold → pass, the others still listed',
    inventory: inv([
      pol('p1', ['verified']),
      pol('p2', ['unverified']),
      pol('p3', ['verified']),
      pol('p4', []),
      pol('p5', ['verified']),
    ]),
    expect: { status: 'pass', evaluated: 5, failing: ['p2', 'p4'], metric: { value: 0.6, threshold: T } },
  },
  {
    name: '2 of 5 verified = 0.4 → fail, unverified / excluded-only / no matches listed in order',
    inventory: inv([
      pol('p1', ['excluded']),
      pol('p2', ['verified']),
      pol('p3', ['unverified', 'excluded']),
      pol('p4', []),
      pol('p5', ['verified']),
    ]),
    expect: {
      status: 'fail',
      evaluated: 5,
      failing: ['p1', 'p3', 'p4'],
      metric: { value: 0.4, threshold: T },
    },
  },
  {
    name: 'a policy with a verified match among unverified ones counts as verified → pass',
    inventory: inv([pol('p1', ['unverified', 'verified', 'excluded'])]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'disabled policies are outside: 1 verified enabled + 2 unverified disabled → pass 1/1',
    inventory: inv([
      pol('p1', ['unverified'], { enabled: false }),
      pol('p2', ['verified']),
      pol('p3', [], { enabled: false }),
    ]),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'a disabled verified policy does not raise the ratio → fail 0/1',
    inventory: inv([pol('p1', ['verified'], { enabled: false }), pol('p2', ['unverified'])]),
    expect: { status: 'fail', evaluated: 1, failing: ['p2'], metric: { value: 0, threshold: T } },
  },
  {
    name: 'only excluded matches are not verified → fail',
    inventory: inv([pol('p1', ['excluded', 'excluded'])]),
    expect: { status: 'fail', evaluated: 1, failing: ['p1'], metric: { value: 0, threshold: T } },
  },
];

export default cases;
