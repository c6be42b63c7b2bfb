/**
 * The fake Azure cloud, driven by the REAL Azure SDKs through its CONNECT proxy. Needs
 * NODE_EXTRA_CA_CERTS=test/fixtures/fake-azure-tls/ca.pem (scripts/run-tests.mjs sets it).
 */
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { DefaultAzureCredential } from '@azure/identity';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
} from '@azure/core-rest-pipeline';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Inventory, Secret } from '../../scanner/inventory/types.js';
import {
  appRegistration,
  assetUrl,
  cert,
  daysFromNow,
  inventory,
  key,
  resource,
  secret,
  vault,
  vaultArmId,
} from '../support/builders.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';
import { COMMITTED_TLS_DIR, hostMatches, tlsMaterial } from '../support/fake-azure/tls.js';

const SUB_A = '00000000-0000-0000-0000-0000000000aa';
const SUB_B = '00000000-0000-0000-0000-0000000000bb';
const TENANT = '72f988bf-0000-4000-8000-00000000cafe';
const FAST = { retryOptions: { maxRetries: 5, retryDelayInMs: 5, maxRetryDelayInMs: 20 } };

/** Whole seconds, as Key Vault keeps times. */
const seconds = (iso: string | null) =>
  iso === null ? undefined : new Date(Math.floor(Date.parse(iso) / 1000) * 1000);

function buildInventory(): Inventory {
  const big = 'kv-big';
  const secrets: Secret[] = Array.from({ length: 60 }, (_, i) =>
    secret(`secret-${String(i).padStart(2, '0')}`, {
      vault: big,
      notBefore: i % 3 === 0 ? daysFromNow(-10) : null,
      expires: i % 2 === 0 ? daysFromNow(100 + i) : null,
      contentType: i % 4 === 0 ? null : 'text/plain',
      tags: i % 5 === 0 ? {} : { env: 'production' },
      managed: i === 7,
      enabled: i !== 9,
    }),
  );
  const vaults = [
    vault(big, {
      id: vaultArmId(big, SUB_A, 'rg-data'),
      resourceGroup: 'rg-data',
      privateEndpointConnections: 2,
    }),
    vault('kv-a2', {
      id: vaultArmId('kv-a2', SUB_A),
      purgeProtectionEnabled: false,
      softDeleteRetentionDays: null,
      privateEndpointConnections: 0,
      networkDefaultAction: 'Allow',
      publicNetworkAccess: 'Enabled',
    }),
    vault('kv-a3', {
      id: vaultArmId('kv-a3', SUB_A),
      softDeleteEnabled: false,
      softDeleteRetentionDays: null,
      purgeProtectionEnabled: false,
      sku: 'standard',
    }),
    vault('kv-a4', { id: vaultArmId('kv-a4', SUB_A), softDeleteRetentionDays: 7, rbacAuthorization: false }),
    vault('kv-locked', { id: vaultArmId('kv-locked', SUB_A), accessError: 'HTTP 403: ForbiddenByFirewall' }),
    vault('kv-b1', { id: vaultArmId('kv-b1', SUB_B), subscriptionId: SUB_B }),
  ];
  return inventory({
    tenantId: TENANT,
    vaults,
    secrets: [
      ...secrets,
      secret('only-secret', { vault: 'kv-a2' }),
      secret('hidden', { vault: 'kv-locked' }),
    ],
    keys: [
      key('rsa-2048', { vault: big, keyType: 'RSA', keySize: 2048, rotationPolicy: null }),
      key('rsa-hsm-3072', {
        vault: big,
        keyType: 'RSA-HSM',
        keySize: 3072,
        rotationPolicy: { rotateAfterDays: 90, rotateBeforeExpiryDays: null },
      }),
      key('rsa-4096', {
        vault: big,
        keyType: 'RSA',
        keySize: 4096,
        rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: 30 },
      }),
      key('rsa-unknown', {
        vault: big,
        keyType: 'RSA',
        keySize: null,
        rotationPolicy: { rotateAfterDays: null, rotateBeforeExpiryDays: null },
      }),
      key('ec-256', { vault: big, keyType: 'EC', keySize: null, curve: 'P-256' }),
      key('ec-384', { vault: big, keyType: 'EC-HSM', keySize: null, curve: 'P-384' }),
      key('ec-521', { vault: big, keyType: 'EC', keySize: null, curve: 'P-521' }),
      key('ec-256k', { vault: big, keyType: 'EC', keySize: null, curve: 'P-256K' }),
      key('aes', { vault: big, keyType: 'oct-HSM', keySize: null, curve: null }),
      key('tls-cert', { vault: big, keyType: 'RSA', keySize: 2048, managed: true, rotationPolicy: null }),
    ],
    certificates: [
      cert('tls-cert', {
        vault: big,
        issuer: 'DigiCert',
        subject: 'CN=api.contoso.com, O=Contoso Ltd, C=US',
        tags: { owner: 'web' },
      }),
      cert('ec-cert', {
        vault: big,
        keyType: 'EC',
        keySize: null,
        curve: 'P-384',
        issuer: 'Self',
        subject: 'CN=mtls.internal',
      }),
    ],
    resources: [
      resource(
        'app-checkout',
        [
          { name: 'DB_PASSWORD', kind: 'keyVaultReference', secretId: assetUrl('secrets', big, 'secret-01') },
          { name: 'API_KEY', kind: 'keyVaultReference', secretId: assetUrl('secrets', big, 'secret-02') },
          { name: 'CACHE_KEY', kind: 'keyVaultReference', secretId: assetUrl('secrets', big, 'secret-03') },
          { name: 'STORAGE_CONNECTION', kind: 'plain', looksLikeCredential: true, pattern: 'AccountKey=' },
          { name: 'SQL_CONNECTION_STRING', kind: 'plain', looksLikeCredential: true, pattern: 'Password=' },
          {
            name: 'SERVICEBUS_CONNECTION',
            kind: 'plain',
            looksLikeCredential: true,
            pattern: 'SharedAccessKey=',
          },
          { name: 'GITHUB_TOKEN', kind: 'plain', looksLikeCredential: true, pattern: 'ghp_' },
          { name: 'ASPNETCORE_ENVIRONMENT', kind: 'plain', looksLikeCredential: false },
          { name: 'FEATURE_FLAGS_URL', kind: 'plain', looksLikeCredential: false },
        ],
        { id: `/subscriptions/${SUB_A}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/app-checkout` },
      ),
      resource(
        'func-mailer',
        [{ name: 'FUNCTIONS_WORKER_RUNTIME', kind: 'plain', looksLikeCredential: false }],
        {
          id: `/subscriptions/${SUB_A}/resourceGroups/rg-apps/providers/Microsoft.Web/sites/func-mailer`,
        },
      ),
      resource('app-b', [], {
        id: `/subscriptions/${SUB_B}/resourceGroups/rg-b/providers/Microsoft.Web/sites/app-b`,
      }),
    ],
    appRegistrations: Array.from({ length: 7 }, (_, i) =>
      appRegistration(
        `11111111-0000-4000-8000-00000000000${i}`,
        i === 3 ? [] : [`aaaaaaaa-0000-4000-8000-00000000000${i}`],
      ),
    ),
  });
}

/** GET through the fake's proxy without the SDK (to see raw statuses and headers). */
async function rawGet(
  fake: FakeAzure,
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  const proxy = new URL(fake.proxyUrl);
  const connect = httpRequest({
    host: proxy.hostname,
    port: proxy.port,
    method: 'CONNECT',
    path: `${u.hostname}:${u.port || 443}`,
  });
  connect.end();
  const [res, socket] = await new Promise<[{ statusCode?: number }, Socket]>((resolve, reject) => {
    connect.once('connect', (r, s: Socket) => resolve([r, s]));
    connect.once('error', reject);
  });
  if (res.statusCode !== 200) {
    socket.destroy();
    return { status: res.statusCode ?? 0, headers: {}, body: '' };
  }
  const ca = readFileSync(fake.caFile);
  const agent = new HttpsAgent();
  agent.createConnection = () => tlsConnect({ socket, servername: u.hostname, ca });
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: u.hostname, path: `${u.pathname}${u.search}`, method, headers, agent },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A raw CONNECT: the proxy's status for `target`. */
async function connectStatus(fake: FakeAzure, target: string): Promise<number> {
  const proxy = new URL(fake.proxyUrl);
  const connect = httpRequest({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target });
  connect.end();
  return new Promise((resolve, reject) => {
    connect.once('connect', (r, s: Socket) => {
      s.destroy();
      resolve(r.statusCode ?? 0);
    });
    connect.once('error', reject);
  });
}

const inv = buildInventory();
const uri = (name: string) => `https://${name}.vault.azure.net/`;
let fake: FakeAzure;
let restoreEnv: () => void;
let credential: DefaultAzureCredential;

beforeAll(async () => {
  const committedCa = readFileSync(`${COMMITTED_TLS_DIR}/ca.pem`, 'utf8');
  const trusted = process.env.NODE_EXTRA_CA_CERTS
    ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8')
    : '';
  assert.ok(
    trusted.includes(committedCa.trim()),
    'run with NODE_EXTRA_CA_CERTS=test/fixtures/fake-azure-tls/ca.pem (scripts/run-tests.mjs sets it)',
  );
  fake = await startFakeAzure({ inventory: inv });
  restoreEnv = fake.applyEnv();
  credential = new DefaultAzureCredential();
});

afterAll(async () => {
  restoreEnv?.();
  await fake?.close();
});

describe('Key Vault data plane', () => {
  test('lists exactly the inventory secrets, with the service paging and an empty page', async () => {
    const client = new SecretClient(uri('kv-big'), credential);
    const pages: string[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage()) pages.push(page.map((p) => p.name));
    assert.deepEqual(
      pages.map((p) => p.length),
      [25, 0, 25, 10],
    );
    const expected = inv.secrets
      .filter((s) => s.vault === 'kv-big')
      .map((s) => s.name)
      .sort();
    assert.deepEqual(pages.flat(), expected);

    const small: number[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 10 }))
      small.push(page.length);
    assert.deepEqual(small, [10, 10, 10, 0, 10, 10, 10]);
    const lists = fake.requests.filter(
      (r) => r.host === 'kv-big.vault.azure.net' && r.path === '/secrets' && r.status === 200,
    );
    assert.ok(lists.some((r) => r.query.maxresults === '10' && r.query.$skiptoken));
  });

  test('secret metadata round-trips: Unix-second times, optional fields only when set', async () => {
    const client = new SecretClient(uri('kv-big'), credential);
    const byName = new Map<string, Secret>(inv.secrets.map((s) => [s.name, s]));
    let n = 0;
    for await (const p of client.listPropertiesOfSecrets()) {
      const s = byName.get(p.name)!;
      assert.equal(p.id, s.id);
      assert.equal(p.enabled, s.enabled);
      assert.deepEqual(p.createdOn, seconds(s.created));
      assert.deepEqual(p.updatedOn, seconds(s.updated));
      assert.deepEqual(p.notBefore, seconds(s.notBefore));
      assert.deepEqual(p.expiresOn, seconds(s.expires));
      assert.equal(p.contentType, s.contentType ?? undefined);
      assert.deepEqual(p.tags ?? {}, s.tags);
      assert.equal(p.managed ?? false, s.managed);
      assert.equal(p.recoveryLevel, 'Recoverable');
      n++;
    }
    assert.equal(n, 60);
  });

  test('the first request of a fresh client gets the real 401 challenge', async () => {
    const raw = await rawGet(fake, 'https://kv-a2.vault.azure.net/secrets?api-version=7.6');
    assert.equal(raw.status, 401);
    assert.equal(
      raw.headers['www-authenticate'],
      `Bearer authorization="https://login.windows.net/${TENANT}", resource="https://vault.azure.net"`,
    );
    assert.equal(JSON.parse(raw.body).error.code, 'Unauthorized');

    const before = fake.requests.length;
    const names: string[] = [];
    for await (const p of new SecretClient(uri('kv-a2'), credential).listPropertiesOfSecrets())
      names.push(p.name);
    assert.deepEqual(names, ['only-secret']);
    const mine = fake.requests.slice(before).filter((r) => r.host === 'kv-a2.vault.azure.net');
    assert.deepEqual(
      mine.map((r) => r.status),
      [401, 200],
    );
    // The challenge's tenant reached the CLI: az ... --resource https://vault.azure.net --tenant <tenant>
    const call = fake.azCalls().find((a) => a.includes('https://vault.azure.net'));
    assert.ok(call);
    assert.equal(call[call.indexOf('--tenant') + 1], TENANT);
  });

  test('a token for the wrong audience is refused, as Key Vault does', async () => {
    const raw = await rawGet(fake, 'https://kv-a2.vault.azure.net/secrets?api-version=7.6', {
      authorization: 'Bearer fake-https://management.azure.com-token',
    });
    assert.equal(raw.status, 401);
    assert.match(JSON.parse(raw.body).error.message, /AKV10022/);
  });

  test('keys: JWK n has exactly keySize bits, EC coordinates the curve length, oct no material', async () => {
    const client = new KeyClient(uri('kv-big'), credential);
    const listed: string[] = [];
    for await (const p of client.listPropertiesOfKeys()) listed.push(p.name);
    assert.deepEqual(listed, inv.keys.map((k) => k.name).sort());
    const bits = (n: Uint8Array) => (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
    for (const k of inv.keys) {
      const got = await client.getKey(k.name);
      assert.equal(got.id, `${k.id}/${got.properties.version}`);
      assert.match(got.properties.version ?? '', /^[0-9a-f]{32}$/);
      assert.equal(got.keyType, k.keyType);
      assert.equal(got.properties.managed ?? false, k.managed);
      if (k.keyType.startsWith('RSA')) {
        assert.equal(bits(got.key!.n!), k.keySize ?? 2048, k.name);
        assert.deepEqual([...got.key!.e!], [1, 0, 1]);
      } else if (k.keyType.startsWith('EC')) {
        const len = { 'P-256': 32, 'P-384': 48, 'P-521': 66, 'P-256K': 32 }[k.curve!];
        assert.equal(got.key!.crv, k.curve);
        assert.equal(got.key!.x!.length, len);
        assert.equal(got.key!.y!.length, len);
      } else {
        assert.equal(got.key!.n, undefined);
        assert.equal(got.key!.k, undefined);
      }
    }
    // The same key by explicit version, and a wrong version.
    const rsa = await client.getKey('rsa-2048');
    assert.equal((await client.getKey('rsa-2048', { version: rsa.properties.version! })).id, rsa.id);
    await assert.rejects(client.getKey('rsa-2048', { version: '0'.repeat(32) }), {
      statusCode: 404,
      code: 'KeyNotFound',
    });
  });

  test('rotation policies: Rotate triggers in ISO days; a key without a policy gets the default', async () => {
    const client = new KeyClient(uri('kv-big'), credential);
    const after = await client.getKeyRotationPolicy('rsa-hsm-3072');
    assert.equal(after.id, `${assetUrl('keys', 'kv-big', 'rsa-hsm-3072')}/rotationpolicy`);
    assert.deepEqual(
      after.lifetimeActions?.map((a) => [a.action, a.timeAfterCreate, a.timeBeforeExpiry]),
      [
        ['Rotate', 'P90D', undefined],
        ['Notify', undefined, 'P30D'],
      ],
    );
    const beforeExpiry = await client.getKeyRotationPolicy('rsa-4096');
    assert.deepEqual(beforeExpiry.lifetimeActions?.[0], {
      action: 'Rotate',
      timeAfterCreate: undefined,
      timeBeforeExpiry: 'P30D',
    });
    assert.ok(beforeExpiry.expiresIn);
    const notifyOnly = await client.getKeyRotationPolicy('rsa-unknown');
    assert.ok(notifyOnly.id);
    assert.deepEqual(
      notifyOnly.lifetimeActions?.map((a) => a.action),
      ['Notify'],
    );
    const none = await client.getKeyRotationPolicy('rsa-2048');
    assert.equal(none.id, undefined);
    assert.equal(none.createdOn, undefined);
    assert.deepEqual(
      none.lifetimeActions?.map((a) => [a.action, a.timeBeforeExpiry]),
      [['Notify', 'P30D']],
    );
  });

  test('certificates: list x5t, full bundle with policy and a parseable DER', async () => {
    const client = new CertificateClient(uri('kv-big'), credential);
    const listed = new Map<string, Uint8Array | undefined>();
    for await (const p of client.listPropertiesOfCertificates()) listed.set(p.name!, p.x509Thumbprint);
    assert.deepEqual([...listed.keys()], ['ec-cert', 'tls-cert']);
    for (const c of inv.certificates) {
      const got = await client.getCertificate(c.name);
      assert.equal(got.properties.id, `${c.id}/${got.properties.version}`);
      assert.equal(got.keyId, `${assetUrl('keys', 'kv-big', c.name)}/${got.properties.version}`);
      assert.equal(got.secretId, `${assetUrl('secrets', 'kv-big', c.name)}/${got.properties.version}`);
      assert.equal(got.policy?.issuerName, c.issuer);
      assert.equal(got.policy?.subject, c.subject);
      assert.equal(got.policy?.keyType, c.keyType);
      assert.equal(got.policy?.keySize, c.keyType === 'RSA' ? c.keySize : undefined);
      assert.equal(got.policy?.keyCurveName, c.curve ?? undefined);
      assert.deepEqual(got.properties.expiresOn, seconds(c.expires));
      assert.deepEqual(got.properties.tags ?? {}, c.tags);
      const der = Buffer.from(got.cer!);
      const thumb = createHash('sha1').update(der).digest();
      assert.deepEqual(Buffer.from(got.properties.x509Thumbprint!), thumb);
      assert.deepEqual(Buffer.from(listed.get(c.name)!), thumb);
      const x509 = new X509Certificate(der);
      assert.equal(x509.subject.replace(/\n/g, ', '), c.subject);
      assert.equal(new Date(x509.validTo).getTime(), seconds(c.expires)!.getTime());
      const details = x509.publicKey.asymmetricKeyDetails!;
      if (c.keyType === 'RSA') assert.equal(details.modulusLength, c.keySize);
      else assert.equal(details.namedCurve, 'secp384r1');
    }
  });

  test('a secret VALUE is never served: 403, and the attempt is recorded', async () => {
    const client = new SecretClient(uri('kv-big'), credential);
    const before = fake.stats().valueReads;
    await assert.rejects(client.getSecret('secret-01'), { statusCode: 403, code: 'Forbidden' });
    await assert.rejects(client.getSecret('secret-01', { version: 'abc' }), { statusCode: 403 });
    assert.equal(fake.stats().valueReads, before + 2);
    const reads = fake.requests.filter((r) => r.valueRead);
    assert.ok(reads.every((r) => r.status === 403 && r.path.startsWith('/secrets/secret-01')));
  });

  test('a vault with accessError answers every data-plane request 403 ForbiddenByFirewall', async () => {
    const client = new SecretClient(uri('kv-locked'), credential);
    await assert.rejects(
      (async () => {
        for await (const _ of client.listPropertiesOfSecrets()) assert.fail('nothing may be listed');
      })(),
      { statusCode: 403, code: 'Forbidden' },
    );
    const raw = await rawGet(fake, 'https://kv-locked.vault.azure.net/keys?api-version=7.6', {
      authorization: 'Bearer fake-x',
    });
    assert.equal(raw.status, 403);
    assert.equal(JSON.parse(raw.body).error.innererror.code, 'ForbiddenByFirewall');
  });
});

describe('ARM', () => {
  test('subscriptions: the distinct subscriptions of vaults and apps', async () => {
    const ids: string[] = [];
    for await (const s of new SubscriptionClient(credential).subscriptions.list()) {
      ids.push(s.subscriptionId!);
      assert.equal(s.state, 'Enabled');
      assert.ok(s.displayName);
    }
    assert.deepEqual(ids, [SUB_A, SUB_B]);
  });

  test('vaults.listBySubscription pages with absolute nextLinks and maps the inventory faithfully', async () => {
    const client = new KeyVaultManagementClient(credential, SUB_A);
    const pages: string[][] = [];
    const all = [];
    for await (const page of client.vaults.listBySubscription().byPage()) {
      pages.push(page.map((v) => v.name!));
      all.push(...page);
    }
    assert.deepEqual(pages, [['kv-big', 'kv-a2'], ['kv-a3', 'kv-a4'], ['kv-locked']]);
    const byName = new Map(all.map((v) => [v.name, v]));
    const big = byName.get('kv-big')!;
    assert.equal(big.id, vaultArmId('kv-big', SUB_A, 'rg-data'));
    assert.equal(big.type, 'Microsoft.KeyVault/vaults');
    assert.equal(big.properties.vaultUri, uri('kv-big'));
    assert.equal(big.properties.tenantId, TENANT);
    assert.deepEqual(big.properties.sku, { family: 'A', name: 'premium' });
    assert.equal(big.properties.enablePurgeProtection, true);
    assert.equal(big.properties.privateEndpointConnections?.length, 2);
    assert.equal(big.properties.networkAcls?.defaultAction, 'Deny');
    assert.equal(big.properties.publicNetworkAccess, 'Disabled');
    const a2 = byName.get('kv-a2')!;
    assert.equal(a2.properties.enablePurgeProtection, undefined, 'omitted when false');
    assert.equal(a2.properties.softDeleteRetentionInDays, undefined, 'omitted when unknown');
    assert.equal(a2.properties.privateEndpointConnections, undefined);
    assert.equal(a2.properties.networkAcls?.defaultAction ?? 'Allow', 'Allow');
    assert.equal(byName.get('kv-a3')!.properties.enableSoftDelete, false);
    assert.equal(byName.get('kv-a4')!.properties.softDeleteRetentionInDays, 7);
    assert.equal(byName.get('kv-a4')!.properties.enableRbacAuthorization, false);
    const next = fake.requests.filter(
      (r) => r.path.endsWith('/Microsoft.KeyVault/vaults') && r.query.$skiptoken,
    );
    assert.equal(next.length, 2);
  });

  test('web apps and their app settings: references in every form, fake credentials with the pattern', async () => {
    const client = new WebSiteManagementClient(credential, SUB_A);
    const sites = [];
    for await (const s of client.webApps.list()) sites.push([s.name, s.kind]);
    assert.deepEqual(sites, [
      ['app-checkout', 'app'],
      ['func-mailer', 'functionapp'],
    ]);
    const settings = (await client.webApps.listApplicationSettings('rg-apps', 'app-checkout')).properties!;
    assert.deepEqual(
      Object.keys(settings),
      inv.resources![0]!.settings.map((s) => s.name),
    );
    const version =
      /^@Microsoft\.KeyVault\(SecretUri=https:\/\/kv-big\.vault\.azure\.net\/secrets\/secret-01\/[0-9a-f]{32}\)$/;
    assert.match(settings.DB_PASSWORD!, version);
    assert.equal(
      settings.API_KEY,
      '@Microsoft.KeyVault(SecretUri=https://kv-big.vault.azure.net/secrets/secret-02)',
    );
    assert.equal(settings.CACHE_KEY, '@Microsoft.KeyVault(VaultName=kv-big;SecretName=secret-03)');
    assert.match(
      settings.STORAGE_CONNECTION!,
      /^DefaultEndpointsProtocol=https;AccountName=\w+;AccountKey=[A-Za-z0-9+/]{80,}={0,2};/,
    );
    assert.match(settings.SQL_CONNECTION_STRING!, /User Id=app;Password=\S{10,};/);
    assert.match(
      settings.SERVICEBUS_CONNECTION!,
      /SharedAccessKeyName=\w+;SharedAccessKey=[A-Za-z0-9+/=]{40,}$/,
    );
    assert.match(settings.GITHUB_TOKEN!, /^ghp_[\w-]{20,}$/);
    assert.equal(settings.ASPNETCORE_ENVIRONMENT, 'production');
    assert.equal(settings.FEATURE_FLAGS_URL, 'https://example.com');
    await assert.rejects(client.webApps.listApplicationSettings('rg-apps', 'nope'), { statusCode: 404 });
  });

  test('ARM writes are refused: the identity is a reader', async () => {
    const raw = await rawGet(
      fake,
      `https://management.azure.com${vaultArmId('kv-a2', SUB_A)}?api-version=2026-02-01`,
      { authorization: 'Bearer fake-https://management.azure.com-token' },
      'DELETE',
    );
    assert.equal(raw.status, 403);
    assert.equal(JSON.parse(raw.body).error.code, 'AuthorizationFailed');
    assert.equal(fake.requests.at(-1)!.write, true);
  });
});

describe('Microsoft Graph', () => {
  async function listApps(
    f: FakeAzure,
  ): Promise<{ pages: number; apps: Record<string, unknown>[]; error?: unknown }> {
    const pipeline = createPipelineFromOptions({});
    pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential, scopes: 'https://graph.microsoft.com/.default' }),
    );
    const client = createDefaultHttpClient();
    let next: string | undefined =
      'https://graph.microsoft.com/v1.0/applications?$select=id,appId,displayName,passwordCredentials&$top=999';
    const apps: Record<string, unknown>[] = [];
    let pages = 0;
    while (next) {
      const res = await pipeline.sendRequest(client, createPipelineRequest({ url: next }));
      const body = JSON.parse(res.bodyAsText ?? '{}') as {
        value?: Record<string, unknown>[];
        '@odata.nextLink'?: string;
      };
      if (res.status !== 200) return { pages, apps, error: { status: res.status, body } };
      pages++;
      apps.push(...(body.value ?? []));
      next = body['@odata.nextLink'];
    }
    void f;
    return { pages, apps };
  }

  test('applications are paged by @odata.nextLink and carry the selected fields only', async () => {
    const { pages, apps } = await listApps(fake);
    assert.equal(pages, 3);
    assert.deepEqual(
      apps.map((a) => a.appId),
      inv.appRegistrations!.map((a) => a.appId),
    );
    const first = apps[0] as {
      id: string;
      displayName: string;
      passwordCredentials: Record<string, unknown>[];
    };
    assert.deepEqual(Object.keys(first).sort(), ['appId', 'displayName', 'id', 'passwordCredentials']);
    assert.match(first.id, /^[0-9a-f-]{36}$/);
    const cred = first.passwordCredentials[0]!;
    assert.equal(cred.keyId, inv.appRegistrations![0]!.passwordCredentials[0]!.keyId);
    assert.equal(cred.hint, 'abc');
    assert.equal(
      Date.parse(cred.endDateTime as string),
      Date.parse(inv.appRegistrations![0]!.passwordCredentials[0]!.endDateTime!),
    );
    assert.ok(Date.parse(cred.startDateTime as string) < Date.parse(cred.endDateTime as string));
  });
});

describe('proxy', () => {
  test('tunnels only the impersonated hosts; everything else is refused and recorded', async () => {
    assert.equal(await connectStatus(fake, 'example.com:443'), 403);
    assert.equal(await connectStatus(fake, 'management.azure.com:80'), 403);
    assert.equal(await connectStatus(fake, 'kv-nope.vault.azure.net:443'), 502);
    assert.equal(await connectStatus(fake, 'kv-big.vault.azure.net:443'), 200);
    assert.equal(await connectStatus(fake, 'login.microsoftonline.com:443'), 200);
    const refused = fake.requests.filter((r) => r.service === 'proxy').map((r) => [r.host, r.status]);
    assert.deepEqual(refused, [
      ['example.com', 403],
      ['management.azure.com', 403],
      ['kv-nope.vault.azure.net', 502],
    ]);
    const login = await rawGet(fake, 'https://login.microsoftonline.com/common/oauth2/v2.0/token');
    assert.equal(login.status, 404);
  });
});

describe('options', () => {
  test('429 with Retry-After (seconds) and retry-after-ms is retried by the SDK until it succeeds', async () => {
    for (const retryAfter of ['seconds', 'ms'] as const) {
      const f = await startFakeAzure({ inventory: inv, throttle: { everyNth: 2, retryAfter } });
      const restore = f.applyEnv();
      try {
        // Authenticated requests 1 (served), 2 (429, then retried: 3, served).
        const client = new SecretClient(uri('kv-a2'), new DefaultAzureCredential(), FAST);
        for (let i = 0; i < 2; i++) {
          const names: string[] = [];
          for await (const p of client.listPropertiesOfSecrets()) names.push(p.name);
          assert.deepEqual(names, ['only-secret']);
        }
        const throttled = f.requests.filter((r) => r.status === 429);
        assert.equal(throttled.length, 1, retryAfter);
        const retried = f.requests.at(-1)!;
        assert.equal(retried.status, 200);
        assert.ok(
          retried.at - throttled[0]!.at >= (retryAfter === 'seconds' ? 900 : 40),
          'the SDK waited as told',
        );
        assert.equal(f.stats().throttled, throttled.length);
      } finally {
        restore();
        await f.close();
      }
    }
  });

  test('a 429 without Retry-After (as real Key Vault sometimes sends) surfaces from the SDK', async () => {
    const f = await startFakeAzure({ inventory: inv, throttle: { everyNth: 1, retryAfter: 'none' } });
    const restore = f.applyEnv();
    try {
      const client = new SecretClient(uri('kv-a2'), new DefaultAzureCredential(), FAST);
      await assert.rejects(client.listPropertiesOfSecrets().next(), { statusCode: 429, code: 'Throttled' });
    } finally {
      restore();
      await f.close();
    }
  });

  test('random 5xx are deterministic per seed and retried by the SDK', async () => {
    const statuses: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const f = await startFakeAzure({ inventory: inv, failures: { rate: 0.5, seed: 7 } });
      const restore = f.applyEnv();
      try {
        const client = new KeyClient(uri('kv-big'), new DefaultAzureCredential(), {
          retryOptions: { maxRetries: 12, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
        });
        for (const k of inv.keys) await client.getKey(k.name);
        statuses.push(f.requests.map((r) => r.status));
        assert.ok(f.stats().failed > 0);
        assert.ok(f.requests.every((r) => [200, 401, 500, 503].includes(r.status)));
      } finally {
        restore();
        await f.close();
      }
    }
    assert.deepEqual(statuses[0], statuses[1]);
  });

  test('latency delays every answer without serialising concurrent requests', async () => {
    const f = await startFakeAzure({ inventory: inv, latencyMs: 150 });
    try {
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          rawGet(f, 'https://management.azure.com/subscriptions?api-version=2022-12-01', {
            authorization: 'Bearer fake-x',
          }),
        ),
      );
      const took = Date.now() - started;
      assert.ok(answers.every((a) => a.status === 200));
      assert.ok(took >= 150, `took ${took} ms`);
      assert.ok(took < 1500, `took ${took} ms: requests were serialised`);
    } finally {
      await f.close();
    }
  });

  test('forbiddenVaults, graphForbidden and an inventory without appRegistrations', async () => {
    const { appRegistrations: _, ...rest } = inv;
    const f = await startFakeAzure({ inventory: rest, forbiddenVaults: ['kv-a2'], graphForbidden: true });
    const g = await startFakeAzure({ inventory: rest });
    try {
      const token = { authorization: 'Bearer fake-x' };
      assert.equal(
        (await rawGet(f, 'https://kv-a2.vault.azure.net/secrets?api-version=7.6', token)).status,
        403,
      );
      const denied = await rawGet(f, 'https://graph.microsoft.com/v1.0/applications', token);
      assert.equal(denied.status, 403);
      assert.equal(JSON.parse(denied.body).error.code, 'Authorization_RequestDenied');
      const empty = await rawGet(g, 'https://graph.microsoft.com/v1.0/applications?$select=appId', token);
      assert.equal(empty.status, 200);
      assert.deepEqual(JSON.parse(empty.body).value, []);
    } finally {
      await f.close();
      await g.close();
    }
  });

  test('extra hosts: a sovereign-cloud vault and ARM host are impersonated too', async () => {
    const gov: Inventory = {
      ...inventory({ tenantId: TENANT }),
      vaults: [vault('kv-gov', { vaultUri: 'https://kv-gov.vault.usgovcloudapi.net/' })],
      secrets: [
        secret('gov-secret', {
          vault: 'kv-gov',
          id: 'https://kv-gov.vault.usgovcloudapi.net/secrets/gov-secret',
        }),
      ],
    };
    const f = await startFakeAzure({ inventory: gov, extraHosts: ['management.usgovcloudapi.net'] });
    const restore = f.applyEnv();
    try {
      const names: string[] = [];
      const client = new SecretClient(
        'https://kv-gov.vault.usgovcloudapi.net/',
        new DefaultAzureCredential(),
        FAST,
      );
      for await (const p of client.listPropertiesOfSecrets()) names.push(p.id!);
      assert.deepEqual(names, ['https://kv-gov.vault.usgovcloudapi.net/secrets/gov-secret']);
      const challenge = f.requests.find((r) => r.status === 401);
      assert.ok(challenge);
      assert.ok(f.azCalls().some((a) => a.includes('https://vault.usgovcloudapi.net')));
      const armGov = await rawGet(
        f,
        'https://management.usgovcloudapi.net/subscriptions?api-version=2022-12-01',
        {
          authorization: 'Bearer fake-https://management.core.usgovcloudapi.net/-token',
        },
      );
      assert.equal(armGov.status, 200);
      assert.equal(f.caFile, `${COMMITTED_TLS_DIR}/ca.pem`);
    } finally {
      restore();
      await f.close();
    }
  });

  test('the az stand-in fails like a logged-out CLI when FAKE_AZ_FAIL=1', async () => {
    process.env.FAKE_AZ_FAIL = '1';
    try {
      await assert.rejects(
        new DefaultAzureCredential().getToken('https://vault.azure.net/.default'),
        (e: Error) => /az login/.test(e.message),
      );
    } finally {
      delete process.env.FAKE_AZ_FAIL;
    }
  });

  test('close() stops the proxy', async () => {
    const f = await startFakeAzure({ inventory: inventory() });
    await f.close();
    await assert.rejects(connectStatus(f, 'management.azure.com:443'), { code: 'ECONNREFUSED' });
  });
});

describe('tls', () => {
  test('the committed certificate covers the Azure hosts; wildcards match one label only', () => {
    const committed = tlsMaterial();
    assert.equal(committed.caFile, `${COMMITTED_TLS_DIR}/ca.pem`);
    const server = new X509Certificate(committed.cert);
    const ca = new X509Certificate(readFileSync(committed.caFile));
    assert.ok(server.verify(ca.publicKey));
    for (const host of [
      'management.azure.com',
      'graph.microsoft.com',
      'kv-x.vault.azure.net',
      'kv-y.vault.usgovcloudapi.net',
    ]) {
      assert.ok(server.checkHost(host), host);
    }
    assert.equal(hostMatches('*.vault.azure.net', 'a.b.vault.azure.net'), false);
    assert.equal(hostMatches('*.vault.azure.net', 'vault.azure.net'), false);
    assert.ok(new Date(server.validTo).getFullYear() >= 2045);
  });

  test('a host outside the committed names gets a generated CA and certificate (openssl)', () => {
    const made = tlsMaterial(['management.example.test']);
    assert.notEqual(made.caFile, `${COMMITTED_TLS_DIR}/ca.pem`);
    const server = new X509Certificate(made.cert);
    assert.ok(server.verify(new X509Certificate(readFileSync(made.caFile)).publicKey));
    assert.ok(server.checkHost('management.example.test'));
    assert.ok(server.checkHost('kv-x.vault.azure.net'));
    assert.equal(tlsMaterial(['management.example.test']).caFile, made.caFile, 'cached by host list');
  });
});
