/**
 * The product's one write (core/keyvault-writer.ts) through the real SDK, HTTPS, the CONNECT
 * proxy and the test CA, against the fake Key Vault with `writableSecrets`. Needs
 * NODE_EXTRA_CA_CERTS=test/fixtures/fake-azure-tls/ca.pem (scripts/run-tests.mjs sets it).
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { azureSourceFromEnv } from '../../adapters/azure-source.js';
import { keyVaultWriterFromEnv } from '../../adapters/keyvault-writer.js';
import { PROVENANCE_TAG, PROVENANCE_URL_TAG, type SecretWrite } from '../../provenance/writer.js';
import { isCertifyError } from '../../base/errors.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { inventory, NOW, secret, vault, vaultArmId } from '../support/builders.js';
import { SECRETS } from '../support/secrets.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';

const SUB = '00000000-0000-0000-0000-0000000000aa';
const TENANT = '72f988bf-0000-4000-8000-00000000cafe';
const VALUE = SECRETS.keyVaultSecretValue;
const EXPIRES = new Date('2027-05-23T06:00:00.000Z');

function tenant(): Inventory {
  return inventory({
    tenantId: TENANT,
    vaults: [
      vault('kv-prod', { id: vaultArmId('kv-prod', SUB) }),
      vault('kv-locked', { id: vaultArmId('kv-locked', SUB) }),
    ],
    secrets: [
      secret('db-password', { vault: 'kv-prod', tags: { env: 'production' }, contentType: null }),
      secret('other', { vault: 'kv-prod' }),
      secret('hidden', { vault: 'kv-locked' }),
    ],
    keys: [],
    certificates: [],
    resources: [],
    dependencies: [],
    appRegistrations: [],
  });
}

function rotation(over: Partial<SecretWrite> = {}): SecretWrite {
  return {
    vault: 'kv-prod',
    name: 'db-password',
    value: VALUE,
    tags: { [PROVENANCE_TAG]: 'generated:v1', [PROVENANCE_URL_TAG]: 'https://certify.example/p/1' },
    expiresOn: EXPIRES,
    contentType: 'text/plain; charset=utf-8',
    ...over,
  };
}

/** The error `promise` rejects with, asserted to be a CertifyError. */
async function failureOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => assert.fail('the write should have failed'),
    (e: unknown) => e,
  );
  assert.ok(isCertifyError(error), `not a CertifyError: ${String(error)}`);
  return error;
}

/** Everything an error could show or log, to check that the value is not in it. */
function shown(error: Error & { problems?: readonly string[]; hint?: string }): string {
  return [
    error.message,
    ...(error.problems ?? []),
    error.hint ?? '',
    JSON.stringify(error),
    String(error.cause ?? ''),
  ].join('\n');
}

describe('Key Vault writer against the writable fake', () => {
  let fake: FakeAzure;
  let undo: () => void;
  const env = () => ({ ...process.env, CERTIFY_AZURE_MAX_RETRIES: '2' });

  beforeAll(async () => {
    fake = await startFakeAzure({
      inventory: tenant(),
      writableSecrets: true,
      forbiddenVaults: ['kv-locked'],
    });
    undo = fake.applyEnv();
  });
  afterAll(async () => {
    undo();
    await fake.close();
  });

  let written: Awaited<ReturnType<ReturnType<typeof keyVaultWriterFromEnv>['write']>>;

  it('writes a new version and returns its versioned id', async () => {
    const writer = keyVaultWriterFromEnv(env());
    assert.equal(writer.kind, 'azure');
    written = await writer.write(rotation());
    assert.equal(written.vaultUrl, 'https://kv-prod.vault.azure.net');
    assert.match(written.version, /^[0-9a-f]{32}$/);
    assert.equal(written.id, `https://kv-prod.vault.azure.net/secrets/db-password/${written.version}`);
  });

  it('sent exactly one accepted PUT, with the tags, expiry and content type', () => {
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    // The SDK's first request to a vault is a bodyless challenge answered 401; it stores nothing.
    const accepted = puts.filter((r) => r.status === 200);
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]!.path, '/secrets/db-password');
    assert.equal(accepted[0]!.write, true);
    assert.ok(accepted[0]!.query['api-version']);
    assert.ok(puts.every((r) => r.status === 200 || r.status === 401));
    assert.equal(fake.stats().writes, 1);

    const writes = fake.secretWrites();
    assert.equal(writes.length, 1);
    const w = writes[0]!;
    assert.equal(w.vault, 'kv-prod');
    assert.equal(w.name, 'db-password');
    assert.equal(w.version, written.version);
    assert.equal(w.value, VALUE);
    assert.deepEqual(w.tags, rotation().tags);
    assert.equal(w.expires, '2027-05-23T06:00:00Z');
    assert.equal(w.contentType, 'text/plain; charset=utf-8');
    assert.equal(w.enabled, true);
    // The request log keeps paths and queries only: never the value.
    assert.ok(!JSON.stringify(fake.requests).includes(VALUE));
  });

  it('a later scan shows the new version: its tags replace the old ones, its expiry and content type', async () => {
    const inv = await azureSourceFromEnv(env()).collect({ now: NOW });
    const got = inv.secrets.find((s) => s.name === 'db-password')!;
    assert.deepEqual(got.tags, rotation().tags);
    assert.equal(got.expires, '2027-05-23T06:00:00Z');
    assert.equal(got.contentType, 'text/plain; charset=utf-8');
    assert.equal(got.enabled, true);
    assert.equal(Date.parse(got.updated), Math.floor(fake.secretWrites()[0]!.at / 1000) * 1000);
    // Untouched secrets are served as before.
    assert.deepEqual(inv.secrets.find((s) => s.name === 'other')!.tags, { env: 'production' });
    assert.match(inv.vaults.find((v) => v.name === 'kv-locked')!.accessError ?? '', /403/);
  });

  it('the versions listing shows the old version and the new one with its tags; the value stays unreadable', async () => {
    const client = new SecretClient('https://kv-prod.vault.azure.net', new DefaultAzureCredential());
    const versions = [];
    for await (const p of client.listPropertiesOfSecretVersions('db-password')) versions.push(p);
    assert.equal(versions.length, 2);
    const latest = versions.find((v) => v.version === written.version)!;
    assert.deepEqual(latest.tags, rotation().tags);
    assert.equal(latest.expiresOn?.toISOString(), EXPIRES.toISOString());
    assert.deepEqual(versions.find((v) => v.version !== written.version)!.tags, { env: 'production' });
    await assert.rejects(client.getSecret('db-password'), { statusCode: 403 });
    await assert.rejects(client.getSecret('db-password', { version: written.version }), { statusCode: 403 });
  });

  it('creates a secret that did not exist; no expiry means no exp', async () => {
    const writer = keyVaultWriterFromEnv(env());
    const r = await writer.write(
      rotation({ name: 'api-key', expiresOn: null, tags: { [PROVENANCE_TAG]: 'x' } }),
    );
    assert.match(r.id, /^https:\/\/kv-prod\.vault\.azure\.net\/secrets\/api-key\/[0-9a-f]{32}$/);
    assert.equal(fake.secretWrites().at(-1)!.expires, null);
    const inv = await azureSourceFromEnv(env()).collect({ now: NOW });
    const got = inv.secrets.find((s) => s.name === 'api-key')!;
    assert.deepEqual(got.tags, { [PROVENANCE_TAG]: 'x' });
    assert.equal(got.expires, null);
  });

  it('a vault that refuses us: SOURCE_FAILED naming vault, secret and 403, never the value', async () => {
    const before = fake.secretWrites().length;
    const error = await failureOf(keyVaultWriterFromEnv(env()).write(rotation({ vault: 'kv-locked' })));
    assert.equal(error.code, 'SOURCE_FAILED');
    assert.match(error.message, /kv-locked/);
    assert.match(error.message, /db-password/);
    assert.match(error.message, /403/);
    assert.match(error.message, /firewall/);
    assert.ok(!shown(error).includes(VALUE));
    assert.equal(fake.secretWrites().length, before);
    const refused = fake.requests.filter(
      (r) => r.host === 'kv-locked.vault.azure.net' && r.method === 'PUT' && r.status === 403,
    );
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.write, true);
  });

  it('invalid names or fields: BAD_INPUT before any request', async () => {
    const writer = keyVaultWriterFromEnv(env());
    const count = fake.requests.length;
    for (const bad of [
      { vault: 'kv' },
      { vault: '1kv-prod' },
      { vault: 'kv-prod-' },
      { vault: 'kv--prod' },
      { vault: 'kv-prod-is-far-too-long-x' },
      { vault: 'kv.prod' },
      { name: '' },
      { name: 'db_password' },
      { name: 'db/password' },
      { name: 'x'.repeat(128) },
      { tags: { [PROVENANCE_TAG]: 'y'.repeat(257) } },
      { value: '' },
    ] satisfies Partial<SecretWrite>[]) {
      const error = await failureOf(writer.write(rotation(bad)));
      assert.equal(error.code, 'BAD_INPUT', JSON.stringify(bad));
      assert.ok(!shown(error).includes(VALUE));
    }
    assert.equal(fake.requests.length, count);
  });

  it('a vault that does not exist: SOURCE_FAILED, could not be reached', async () => {
    const error = await failureOf(
      keyVaultWriterFromEnv({
        ...env(),
        CERTIFY_AZURE_MAX_RETRIES: '1',
        CERTIFY_AZURE_REQUEST_TIMEOUT_SECONDS: '3',
      }).write(rotation({ vault: 'kv-nowhere' })),
    );
    assert.equal(error.code, 'SOURCE_FAILED');
    assert.match(error.message, /kv-nowhere.*could not be reached.*db-password/);
    assert.ok(!shown(error).includes(VALUE));
  });
});

describe('Key Vault writer against the default (read-only) fake', () => {
  let fake: FakeAzure;
  let undo: () => void;
  beforeAll(async () => {
    fake = await startFakeAzure({ inventory: tenant() });
    undo = fake.applyEnv();
  });
  afterAll(async () => {
    undo();
    await fake.close();
  });

  it('refuses the write with 403 ForbiddenByRbac and stores nothing', async () => {
    const error = await failureOf(keyVaultWriterFromEnv(process.env).write(rotation()));
    assert.equal(error.code, 'SOURCE_FAILED');
    assert.match(
      error.message,
      /^Key Vault kv-prod refused to write db-password: 403 Forbidden .*Key Vault Secrets Officer role or a set-secret access policy/,
    );
    assert.ok(!shown(error).includes(VALUE));
    assert.deepEqual(fake.secretWrites(), []);
    const writes = fake.requests.filter((r) => r.write);
    assert.equal(writes.length, 1);
    assert.equal(writes[0]!.status, 403);
    assert.equal(fake.stats().writes, 1);
    const inv = await azureSourceFromEnv(process.env).collect({ now: NOW });
    assert.deepEqual(inv.secrets.find((s) => s.name === 'db-password')!.tags, { env: 'production' });
  });
});

describe('Key Vault writer when Key Vault throttles', () => {
  it('retries a 429 with the scanner retry policy; the throttled attempt stores nothing', async () => {
    const fake = await startFakeAzure({
      inventory: tenant(),
      writableSecrets: true,
      throttle: { everyNth: 2, retryAfter: 'ms' },
    });
    const undo = fake.applyEnv();
    try {
      const writer = keyVaultWriterFromEnv(process.env);
      const first = await writer.write(rotation());
      const second = await writer.write(rotation());
      assert.notEqual(first.version, second.version);
      assert.deepEqual(
        fake.secretWrites().map((w) => w.version),
        [first.version, second.version],
      );
      const throttled = fake.requests.filter((r) => r.method === 'PUT' && r.status === 429);
      assert.equal(throttled.length, 1);
      assert.equal(throttled[0]!.write, true);
    } finally {
      undo();
      await fake.close();
    }
  });
});
