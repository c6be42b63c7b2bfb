import type { RuleCase } from '../case.js';
import type { ResourceSetting } from '../../../scanner/inventory/types.js';
import { assetUrl, dependency, inventory, resource, secret, vault } from '../../support/builders.js';

// VM003: population = enabled, non-managed secrets (needs `resources`; dependencies are read
// when present); a secret fails when no setting references it and no dependency has it as
// credentialId. Ids compare case-insensitively, without version segment or trailing slash.

const ref = (name: string, secretId: string): ResourceSetting => ({
  name,
  kind: 'keyVaultReference',
  secretId,
});
const plain = (name: string): ResourceSetting => ({
  name,
  kind: 'plain',
  looksLikeCredential: true,
  pattern: null,
});
const sid = (name: string, vault = 'kv-test') => assetUrl('secrets', vault, name);
const app = (...settings: ResourceSetting[]) => resource('checkout', settings);

const cases: RuleCase[] = [
  {
    name: 'vault on an emulator host: secrets referenced by its URI (setting, dependency) are used → pass',
    inventory: inventory({
      vaults: [vault('kv-test', { vaultUri: 'https://127.0.0.1:8443/' })],
      secrets: [secret('db'), secret('api')],
      resources: [app(ref('DB', 'https://127.0.0.1:8443/secrets/db'))],
      dependencies: [dependency(app().id, 'https://127.0.0.1:8443/secrets/api/0123abcd')],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'resources not collected → not_applicable (even with dependencies)',
    inventory: inventory({
      secrets: [secret('orphan')],
      dependencies: [dependency(app().id, sid('other'))],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no secrets → not_applicable (empty population)',
    inventory: inventory({ resources: [app(ref('DB', sid('db')))], dependencies: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only disabled and managed secrets, unreferenced → not_applicable',
    inventory: inventory({
      secrets: [secret('old', { enabled: false }), secret('tls', { managed: true })],
      resources: [],
      dependencies: [],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'secret referenced by a setting (exact id) → pass',
    inventory: inventory({ secrets: [secret('db')], resources: [app(ref('DB', sid('db')))] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'references differing in case, with a version, with a trailing slash → pass',
    inventory: inventory({
      secrets: [secret('db'), secret('api'), secret('queue')],
      resources: [
        app(
          ref('DB', 'https://KV-TEST.vault.azure.net/secrets/DB'),
          ref('API', `${sid('api')}/abc123`),
          ref('QUEUE', `${sid('queue')}/`),
        ),
      ],
    }),
    expect: { status: 'pass', evaluated: 3, failing: [], metric: null },
  },
  {
    name: 'secret used only through a dependency credentialId → pass',
    inventory: inventory({
      secrets: [secret('db'), secret('api')],
      resources: [],
      dependencies: [dependency(app().id, sid('db')), dependency(app().id, `${sid('API')}/v7`)],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'dependencies not collected: a secret with no referencing setting fails',
    inventory: inventory({ secrets: [secret('orphan')], resources: [app(plain('ORPHAN'))] }),
    expect: { status: 'fail', evaluated: 1, failing: [sid('orphan')], metric: null },
  },
  {
    name: 'resources collected but empty: every enabled secret is unreferenced',
    inventory: inventory({ secrets: [secret('a'), secret('b')], resources: [] }),
    expect: { status: 'fail', evaluated: 2, failing: [sid('a'), sid('b')], metric: null },
  },
  {
    name: 'same name in another vault does not count as a reference',
    inventory: inventory({
      secrets: [secret('db')],
      resources: [app(ref('DB', sid('db', 'kv-other')))],
      dependencies: [dependency(app().id, sid('db', 'kv-third'))],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [sid('db')], metric: null },
  },
  {
    name: 'mixed: unreferenced enabled secrets in inventory order; disabled and managed ones outside',
    inventory: inventory({
      secrets: [
        secret('z-orphan'),
        secret('by-setting'),
        secret('disabled-orphan', { enabled: false }),
        secret('managed-orphan', { managed: true }),
        secret('by-dependency'),
        secret('a-orphan'),
      ],
      resources: [app(ref('S', sid('by-setting')), plain('P'))],
      dependencies: [dependency(app().id, sid('by-dependency'))],
    }),
    expect: { status: 'fail', evaluated: 4, failing: [sid('z-orphan'), sid('a-orphan')], metric: null },
  },
];

export default cases;
