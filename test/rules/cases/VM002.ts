import type { RuleCase } from '../case.js';
import type { Resource, ResourceSetting } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, resource } from '../../support/builders.js';

// VM002: population = all settings of all resources; a setting fails when kind is `plain` and
// looksLikeCredential is true. keyVaultReference settings are in the population and pass.
// Failing id: `<resourceId>/settings/<name>`.

const ref = (name: string, secretName = 'db-password'): ResourceSetting => ({
  name,
  kind: 'keyVaultReference',
  secretId: assetUrl('secrets', 'kv-test', secretName),
});
const plain = (name: string, looksLikeCredential: boolean): ResourceSetting => ({
  name,
  kind: 'plain',
  looksLikeCredential,
  pattern: looksLikeCredential ? 'AccountKey=' : null,
});
const settingId = (r: Resource, name: string) => `${r.id}/settings/${name}`;
const checkout = (...settings: ResourceSetting[]) => resource('checkout', settings);
const billing = (...settings: ResourceSetting[]) => resource('billing', settings);

const cases: RuleCase[] = [
  {
    name: 'resources not collected → not_applicable',
    inventory: inventory(),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no resources (collected, none) → not_applicable',
    inventory: inventory({ resources: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'resources without settings → not_applicable (empty population)',
    inventory: inventory({ resources: [checkout(), billing()] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'references and harmless plain settings → pass, all counted',
    inventory: inventory({
      resources: [checkout(ref('DB'), plain('MODE', false)), billing(ref('API', 'api'))],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'a broken reference is still not a plain credential → pass',
    inventory: inventory({ resources: [checkout(ref('GONE', 'does-not-exist'))] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'a plain setting that looks like a credential fails',
    inventory: inventory({ resources: [checkout(plain('STORAGE_CONNECTION', true))] }),
    expect: {
      status: 'fail',
      evaluated: 1,
      failing: [settingId(checkout(), 'STORAGE_CONNECTION')],
      metric: null,
    },
  },
  {
    name: 'failing settings in resource then setting order',
    inventory: inventory({
      resources: [
        checkout(plain('A', true), ref('DB'), plain('MODE', false), plain('B', true)),
        billing(plain('C', true), ref('API', 'api')),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 6,
      failing: [settingId(checkout(), 'A'), settingId(checkout(), 'B'), settingId(billing(), 'C')],
      metric: null,
    },
  },
];

export default cases;
