import type { RuleCase } from '../case.js';
import type { Dependency } from '../../../scanner/inventory/types.js';
import { assetUrl, dependency, inventory, resource } from '../../support/builders.js';

// VM005: population = dependencies with confidence < 0.70 (needs `dependencies`); a dependency
// fails when `reviewed` is not true. Failing id: `<resourceId> -> <credentialId>`.
// resources is given as [] in applicable rows so the rows do not depend on whether the rule
// also needs `resources` (the "Dependencies" section heading).

const RID = resource('checkout', []).id;
const sid = (name: string) => assetUrl('secrets', 'kv-test', name);
const dep = (name: string, confidence: number, reviewed: boolean) =>
  dependency(RID, sid(name), { confidence, reviewed });
const depId = (name: string) => `${RID} -> ${sid(name)}`;
const inv = (dependencies: Dependency[]) => inventory({ resources: [], dependencies });

const cases: RuleCase[] = [
  {
    name: 'dependencies not collected → not_applicable',
    inventory: inventory({ resources: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no dependencies (collected, none) → not_applicable',
    inventory: inv([]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only confident dependencies (0.70 exactly, 0.95), unreviewed → not_applicable',
    inventory: inv([dep('a', 0.7, false), dep('b', 0.95, false), dep('c', 1, false)]),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'low-confidence dependencies all reviewed → pass',
    inventory: inv([dep('a', 0.5, true), dep('b', 0.69, true), dep('c', 0.9, false)]),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'confidence 0.69 unreviewed fails',
    inventory: inv([dep('a', 0.69, false)]),
    expect: { status: 'fail', evaluated: 1, failing: [depId('a')], metric: null },
  },
  {
    name: '0.70 unreviewed is outside; 0.69 unreviewed fails',
    inventory: inv([dep('edge', 0.7, false), dep('low', 0.69, false)]),
    expect: { status: 'fail', evaluated: 1, failing: [depId('low')], metric: null },
  },
  {
    name: 'mixed: unreviewed low-confidence ones listed in inventory order',
    inventory: inv([
      dep('z', 0, false),
      dep('ok', 0.3, true),
      dep('sure', 0.99, false),
      dep('a', 0.4, false),
    ]),
    expect: { status: 'fail', evaluated: 3, failing: [depId('z'), depId('a')], metric: null },
  },
];

export default cases;
