import type { RuleCase } from '../case.js';
import { appRegistration, inventory, rotationPolicy } from '../../support/builders.js';

// P009: population = every password credential of every app registration; covered when an
// ENABLED policy's credential has the same appId AND keyId. Ratio ≥ 0.80 passes.
// Needs both appRegistrations and rotationPolicies: when either section is missing (not
// collected) the rule is not_applicable (rules.md, Terms: "input section was not collected").

const cred = (appId: string, keyId: string): string => `app:${appId}/password:${keyId}`;
const covering = (id: string, appId: string, keyId: string, enabled = true) =>
  rotationPolicy(id, { credential: { appId, keyId }, enabled });
const T = 0.8;

const cases: RuleCase[] = [
  {
    name: 'appRegistrations not collected → not_applicable',
    inventory: inventory({ rotationPolicies: [covering('p1', 'app-1', 'k1')] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'rotationPolicies not collected (assumed: needed input missing) → not_applicable',
    inventory: inventory({ appRegistrations: [appRegistration('app-1', ['k1', 'k2'])] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'both sections missing → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no app registrations collected-empty → not_applicable (empty population)',
    inventory: inventory({ appRegistrations: [], rotationPolicies: [covering('p1', 'app-1', 'k1')] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'app registrations without password credentials → not_applicable (empty population)',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', []), appRegistration('app-2', [])],
      rotationPolicies: [],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'every credential covered → pass, ratio 1',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', ['k1', 'k2'])],
      rotationPolicies: [covering('p1', 'app-1', 'k1'), covering('p2', 'app-1', 'k2')],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: '4 of 5 covered = 0.8 exactly at the threshold → pass, the uncovered one still listed',
    inventory: inventory({
      appRegistrations: [
        appRegistration('app-1', ['k1', 'k2', 'k3']),
        appRegistration('app-2', ['k4', 'k5']),
      ],
      rotationPolicies: [
        covering('p1', 'app-1', 'k1'),
        covering('p3', 'app-1', 'k3'),
        covering('p4', 'app-2', 'k4'),
        covering('p5', 'app-2', 'k5'),
      ],
    }),
    expect: {
      status: 'pass',
      evaluated: 5,
      failing: [cred('app-1', 'k2')],
      metric: { value: 0.8, threshold: T },
    },
  },
  {
    name: '3 of 5 covered = 0.6 → fail, uncovered in inventory order',
    inventory: inventory({
      appRegistrations: [
        appRegistration('app-1', ['k1', 'k2', 'k3']),
        appRegistration('app-2', ['k4', 'k5']),
      ],
      rotationPolicies: [
        covering('p5', 'app-2', 'k5'),
        covering('p3', 'app-1', 'k3'),
        covering('p4', 'app-2', 'k4'),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 5,
      failing: [cred('app-1', 'k1'), cred('app-1', 'k2')],
      metric: { value: 0.6, threshold: T },
    },
  },
  {
    name: 'a disabled policy does not cover its credential → fail',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', ['k1'])],
      rotationPolicies: [covering('p1', 'app-1', 'k1', false)],
    }),
    expect: {
      status: 'fail',
      evaluated: 1,
      failing: [cred('app-1', 'k1')],
      metric: { value: 0, threshold: T },
    },
  },
  {
    name: 'an enabled policy next to a disabled one for the same credential covers it → pass',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', ['k1'])],
      rotationPolicies: [covering('p-off', 'app-1', 'k1', false), covering('p-on', 'app-1', 'k1')],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'same keyId under another appId, or same appId with another keyId, does not cover → fail',
    inventory: inventory({
      appRegistrations: [appRegistration('app-a', ['k1']), appRegistration('app-b', ['k2'])],
      rotationPolicies: [
        covering('p1', 'app-b', 'k1'),
        covering('p2', 'app-a', 'k2'),
        covering('p3', 'app-b', 'k3'),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 2,
      failing: [cred('app-a', 'k1'), cred('app-b', 'k2')],
      metric: { value: 0, threshold: T },
    },
  },
  {
    name: 'policies collected but none found → every credential uncovered → fail',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', ['k1', 'k2'])],
      rotationPolicies: [],
    }),
    expect: {
      status: 'fail',
      evaluated: 2,
      failing: [cred('app-1', 'k1'), cred('app-1', 'k2')],
      metric: { value: 0, threshold: T },
    },
  },
  {
    name: 'coverage only asks for an enabled policy: no verified match and no targetVault still cover → pass',
    inventory: inventory({
      appRegistrations: [appRegistration('app-1', ['k1'])],
      rotationPolicies: [
        rotationPolicy('p1', { credential: { appId: 'app-1', keyId: 'k1' }, targetVault: null, matches: [] }),
      ],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: { value: 1, threshold: T } },
  },
  {
    name: 'one policy covers exactly one credential; empty app counted as nothing → 1 of 2 fails',
    inventory: inventory({
      appRegistrations: [appRegistration('app-0', []), appRegistration('app-1', ['k1', 'k2'])],
      rotationPolicies: [covering('p1', 'app-1', 'k2')],
    }),
    expect: {
      status: 'fail',
      evaluated: 2,
      failing: [cred('app-1', 'k1')],
      metric: { value: 0.5, threshold: T },
    },
  },
];

export default cases;
