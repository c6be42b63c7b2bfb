import type { RuleCase } from '../case.js';
import type { Resource, ResourceSetting } from '../../../scanner/inventory/types.js';
import { assetUrl, inventory, resource, secret, vault } from '../../support/builders.js';

// VM001: population = settings of kind keyVaultReference (every resource); a setting fails when
// the referenced secret (vault + name) is not in the inventory. Ids are compared
// case-insensitively, without a trailing version segment and without a trailing slash
// (inventory.md). The question is presence only: a disabled or managed secret is present.
// Failing id: `<resourceId>/settings/<name>`.

const ref = (name: string, secretId: string): ResourceSetting => ({
  name,
  kind: 'keyVaultReference',
  secretId,
});
const plain = (name: string, looksLikeCredential = false): ResourceSetting => ({
  name,
  kind: 'plain',
  looksLikeCredential,
  pattern: null,
});
const sid = (name: string, vault = 'kv-test') => assetUrl('secrets', vault, name);
const settingId = (r: Resource, name: string) => `${r.id}/settings/${name}`;

const checkout = (...settings: ResourceSetting[]) => resource('checkout', settings);
const billing = (...settings: ResourceSetting[]) => resource('billing', settings);

const DB = secret('db-password');

const cases: RuleCase[] = [
  {
    name: 'vault on an emulator host (127.0.0.1:port): a reference to its URI resolves → pass',
    inventory: inventory({
      vaults: [vault('kv-test', { vaultUri: 'https://127.0.0.1:8443/' })],
      secrets: [DB],
      resources: [
        checkout(
          ref('DB', 'https://127.0.0.1:8443/secrets/db-password'),
          ref('DB2', 'https://127.0.0.1:8443/secrets/DB-Password/0123abcd'),
        ),
      ],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'vault behind a private DNS name resolves by its URI; another port is another vault → fail',
    inventory: inventory({
      vaults: [vault('kv-test', { vaultUri: 'https://secrets.internal.contoso:8443' })],
      secrets: [DB],
      resources: [
        checkout(
          ref('OK', 'https://SECRETS.internal.contoso:8443/secrets/db-password'),
          ref('PORT', 'https://secrets.internal.contoso:9443/secrets/db-password'),
          ref('SCHEME', 'http://secrets.internal.contoso:8443/secrets/db-password'),
        ),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 3,
      failing: [
        `${resource('checkout', []).id}/settings/PORT`,
        `${resource('checkout', []).id}/settings/SCHEME`,
      ],
    },
  },
  {
    name: 'resources not collected → not_applicable',
    inventory: inventory({ secrets: [DB] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'no resources (collected, none) → not_applicable',
    inventory: inventory({ secrets: [DB], resources: [] }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'only plain settings and a resource without settings → not_applicable (no reference)',
    inventory: inventory({
      secrets: [DB],
      resources: [checkout(plain('A'), plain('B', true)), billing()],
    }),
    expect: { status: 'not_applicable', evaluated: 0, metric: null },
  },
  {
    name: 'reference to a secret present, exact id → pass',
    inventory: inventory({ secrets: [DB], resources: [checkout(ref('DB', sid('db-password')))] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'reference differing only in case → pass',
    inventory: inventory({
      secrets: [DB],
      resources: [checkout(ref('DB', 'https://KV-TEST.vault.azure.net/Secrets/DB-Password'))],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'reference with a trailing slash → pass',
    inventory: inventory({ secrets: [DB], resources: [checkout(ref('DB', `${sid('db-password')}/`))] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'reference with a version segment /secrets/name/abc123 → pass',
    inventory: inventory({ secrets: [DB], resources: [checkout(ref('DB', `${sid('db-password')}/abc123`))] }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'reference with a version segment and a trailing slash → pass',
    inventory: inventory({
      secrets: [DB],
      resources: [checkout(ref('DB', `${sid('db-password')}/0123456789abcdef0123456789abcdef/`))],
    }),
    expect: { status: 'pass', evaluated: 1, failing: [], metric: null },
  },
  {
    name: 'reference to a disabled secret and to a managed secret: both present → pass',
    inventory: inventory({
      secrets: [secret('old', { enabled: false }), secret('tls', { managed: true })],
      resources: [checkout(ref('OLD', sid('old')), ref('TLS', sid('tls')))],
    }),
    expect: { status: 'pass', evaluated: 2, failing: [], metric: null },
  },
  {
    name: 'reference to an absent secret fails',
    inventory: inventory({ secrets: [DB], resources: [checkout(ref('API', sid('api-key')))] }),
    expect: { status: 'fail', evaluated: 1, failing: [settingId(checkout(), 'API')], metric: null },
  },
  {
    name: 'no secrets at all: every reference is broken',
    inventory: inventory({ resources: [checkout(ref('DB', sid('db-password')))] }),
    expect: { status: 'fail', evaluated: 1, failing: [settingId(checkout(), 'DB')], metric: null },
  },
  {
    name: 'same secret name in another vault does not satisfy the reference',
    inventory: inventory({
      secrets: [secret('db-password', { vault: 'kv-other' })],
      resources: [checkout(ref('DB', sid('db-password')))],
    }),
    expect: { status: 'fail', evaluated: 1, failing: [settingId(checkout(), 'DB')], metric: null },
  },
  {
    name: 'mixed: plain settings outside; broken references listed in resource then setting order',
    inventory: inventory({
      secrets: [DB, secret('api-key')],
      resources: [
        checkout(ref('GONE1', sid('gone-1')), plain('MODE'), ref('DB', `${sid('db-password')}/v2`)),
        billing(ref('API', sid('API-KEY')), ref('GONE2', sid('gone-2', 'kv-missing')), plain('PW', true)),
      ],
    }),
    expect: {
      status: 'fail',
      evaluated: 4,
      failing: [settingId(checkout(), 'GONE1'), settingId(billing(), 'GONE2')],
      metric: null,
    },
  },
];

export default cases;
