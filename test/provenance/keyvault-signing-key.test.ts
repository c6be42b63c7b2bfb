/**
 * The signing key in Key Vault (adapters/keyvault-signing-key.ts): the id parser, and the signer
 * through the real SDK (KeyClient, CryptographyClient.sign), HTTPS, the CONNECT proxy and the test
 * CA against the fake Key Vault's signing keys. Needs NODE_EXTRA_CA_CERTS (scripts/run-tests.mjs).
 */
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CryptographyClient } from '@azure/keyvault-keys';
import { isCertifyError } from '../../base/errors.js';
import {
  jwkThumbprint,
  signCompact,
  signDetached,
  verifyCompact,
  verifyDetached,
  type PublicJwk,
} from '../../base/jws.js';
import { agentsFor, azureCredential } from '../../adapters/azure-wiring.js';
import {
  DEFAULT_REFRESH_MINUTES,
  READY_FAILED_MS,
  READY_OK_MS,
  openKeyVaultSigningKey,
  parseSigningKeyId,
} from '../../adapters/keyvault-signing-key.js';
import { readEnv } from '../../app/config.js';
import { readAzureEnv } from '../../scanner/sources/azure/index.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { inventory, key, vault, vaultArmId } from '../support/builders.js';
import { startFakeAzure, type FakeAzure } from '../support/fake-azure/index.js';

const SUB = '00000000-0000-0000-0000-0000000000bb';
const TENANT = '72f988bf-0000-4000-8000-00000000beef';
const V = '0123456789abcdef0123456789abcdef';

describe('parseSigningKeyId', () => {
  const ok: [string, string, { vault: string; name: string; version: string | null; id: string }][] = [
    [
      'https://kv-sign.vault.azure.net/keys/certify-signing',
      'vault.azure.net',
      {
        vault: 'kv-sign',
        name: 'certify-signing',
        version: null,
        id: 'https://kv-sign.vault.azure.net/keys/certify-signing',
      },
    ],
    [
      `https://KV-Sign.vault.azure.net/keys/certify-signing/${V.toUpperCase()}/`,
      'vault.azure.net',
      {
        vault: 'kv-sign',
        name: 'certify-signing',
        version: V,
        id: `https://kv-sign.vault.azure.net/keys/certify-signing/${V}`,
      },
    ],
    [
      'https://kv-gov.vault.usgovcloudapi.net:443/keys/k1',
      'vault.usgovcloudapi.net',
      { vault: 'kv-gov', name: 'k1', version: null, id: 'https://kv-gov.vault.usgovcloudapi.net/keys/k1' },
    ],
  ];
  for (const [text, suffix, want] of ok) {
    it(`reads ${text}`, () => {
      const id = parseSigningKeyId(text, suffix);
      assert.deepEqual({ vault: id.vault, name: id.name, version: id.version, id: id.id }, want);
    });
  }

  const bad: [string, RegExp][] = [
    ['not a url', /not a URL/],
    ['http://kv-sign.vault.azure.net/keys/k', /https:\/\//],
    ['https://kv-sign.example.com/keys/k', /not a Key Vault host \(\*\.vault\.azure\.net/],
    ['https://kv-sign.vault.azure.cn/keys/k', /not a Key Vault host/],
    ['https://kv-sign.vault.azure.net/secrets/k', /names a secret, not a key/],
    ['https://kv-sign.vault.azure.net/keys', /\/keys\/<name>/],
    ['https://kv-sign.vault.azure.net/keys/k/v1', /"v1" is not a key version/],
    ['https://kv-sign.vault.azure.net/keys/k_1', /not a key name/],
    [`https://kv-sign.vault.azure.net/keys/k/${V}/sign`, /\/keys\/<name>/],
    ['https://kv-sign.vault.azure.net/keys/k?api-version=7.6', /query or fragment/],
    ['https://a.vault.azure.net/keys/k', /"a" is not a vault name/],
    ['https://kv-sign.vault.azure.net:8443/keys/k', /port 8443/],
  ];
  for (const [text, problem] of bad) {
    it(`refuses ${text}`, () => {
      assert.throws(
        () => parseSigningKeyId(text, 'vault.azure.net'),
        (e: unknown) =>
          isCertifyError(e) &&
          e.code === 'BAD_USAGE' &&
          e.message.startsWith('CERTIFY_SIGNING_KEY_ID') &&
          problem.test(e.message) &&
          /https:\/\/<vault>\.vault\.azure\.net\/keys\/<name>\[\/<version>\]/.test(e.hint ?? ''),
      );
    });
  }
});

describe('configuration', () => {
  it('reads CERTIFY_SIGNING_KEY_ID (checked when the key opens) and its refresh period', () => {
    assert.equal(readEnv({}, '/w').signingKey, null);
    assert.deepEqual(
      readEnv({ CERTIFY_SIGNING_KEY_ID: ' https://kv.vault.azure.net/keys/k ' }, '/w').signingKey,
      {
        id: 'https://kv.vault.azure.net/keys/k',
        refreshMinutes: 5,
      },
    );
    assert.equal(
      readEnv({ CERTIFY_SIGNING_KEY_ID: 'x', CERTIFY_SIGNING_KEY_REFRESH_MINUTES: '15' }, '/w').signingKey
        ?.refreshMinutes,
      15,
    );
    assert.throws(
      () => readEnv({ CERTIFY_SIGNING_KEY_REFRESH_MINUTES: '0' }, '/w'),
      (e: unknown) =>
        isCertifyError(e) && e.problems.some((p) => p.startsWith('CERTIFY_SIGNING_KEY_REFRESH_MINUTES: "0"')),
    );
  });
});

function tenant(): Inventory {
  return inventory({
    tenantId: TENANT,
    vaults: [vault('kv-sign', { id: vaultArmId('kv-sign', SUB) })],
    secrets: [],
    keys: [
      key('rsa-key', { vault: 'kv-sign' }),
      key('p384-key', { vault: 'kv-sign', keyType: 'EC', keySize: null, curve: 'P-384' }),
    ],
    certificates: [],
    resources: [],
    dependencies: [],
    appRegistrations: [],
  });
}

/** Verifies a raw r‖s ES256 signature with node's crypto against a published JWK. */
function verifiesWith(jwk: PublicJwk, data: Buffer, signature: Buffer): boolean {
  const keyObject = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  return verify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
}

describe('the Key Vault signing key against the fake Key Vault', () => {
  let fake: FakeAzure;
  let undo: () => void;
  let clock = Date.parse('2026-12-03T09:00:00Z');
  const now = () => clock;
  const HOST = 'https://kv-sign.vault.azure.net';

  const open = (keyId: string, extraKeys: PublicJwk[] = []) => {
    const settings = readAzureEnv({ ...process.env, CERTIFY_AZURE_MAX_RETRIES: '1' });
    return openKeyVaultSigningKey({
      credential: azureCredential(settings),
      settings,
      keyId,
      agentFor: agentsFor(settings, 4),
      extraKeys,
      now,
    });
  };
  const failureOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => assert.fail('should have failed'),
      (e: unknown) => e,
    );
    assert.ok(isCertifyError(error), `not a CertifyError: ${String(error)}`);
    return error;
  };

  beforeAll(async () => {
    fake = await startFakeAzure({
      inventory: tenant(),
      signingKeys: [
        { vault: 'kv-sign', name: 'certify-signing', kty: 'EC-HSM' },
        { vault: 'kv-sign', name: 'pinned' },
        { vault: 'kv-sign', name: 'probe' },
      ],
    });
    undo = fake.applyEnv();
  });
  afterAll(async () => {
    undo();
    await fake.close();
  });

  it('signs through Key Vault; node crypto verifies the signature with the published key', async () => {
    const signer = await open(`${HOST}/keys/certify-signing`);
    const [version] = fake.signingKeys.versions('kv-sign', 'certify-signing');
    assert.equal(signer.source, `${HOST}/keys/certify-signing`);
    assert.equal(signer.kid, jwkThumbprint(signer.publicJwk));
    const data = Buffer.from('the bytes of a manifest');
    const signature = await signer.sign(data);
    assert.equal(signature.length, 64);
    assert.ok(verifiesWith(signer.publicJwk, data, signature));
    const calls = fake.signingKeys.signCalls();
    assert.deepEqual(
      calls.map((c) => [c.name, c.version, c.alg, c.status]),
      [['certify-signing', version, 'ES256', 200]],
    );
    const jws = await signDetached(signer, data);
    assert.equal(verifyDetached(jws, data, signer.jwks()).kid, signer.kid);
  });

  it('rotation: a new version signs after the refresh window, the key set holds both, old signatures verify', async () => {
    const legacy: PublicJwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'gTT2E0Q-0-YYXokgh8ysZ-63xVBj56cxIy1XTHNg38M',
      y: '9p3ysm8XNRNLTyLTgsJNAigdOAvaS14dYtHPmvJGJfc',
      kid: jwkThumbprint({
        kty: 'EC',
        crv: 'P-256',
        x: 'gTT2E0Q-0-YYXokgh8ysZ-63xVBj56cxIy1XTHNg38M',
        y: '9p3ysm8XNRNLTyLTgsJNAigdOAvaS14dYtHPmvJGJfc',
      }),
      alg: 'ES256',
      use: 'sig',
    };
    const signer = await open(`${HOST}/keys/certify-signing`, [legacy]);
    const before = await signCompact(signer, { n: 1 });
    const oldKid = signer.kid;
    assert.deepEqual(
      signer.jwks().keys.map((k) => k.kid),
      [oldKid, legacy.kid],
    );

    const v2 = fake.signingKeys.rotate('kv-sign', 'certify-signing');
    // Within the window the known version keeps signing: no lookup per signature.
    const still = await signCompact(signer, { n: 2 });
    assert.equal(verifyCompact(still, signer.jwks()).kid, oldKid);

    clock += DEFAULT_REFRESH_MINUTES * 60_000;
    const after = await signCompact(signer, { n: 3 });
    const newKid = verifyCompact(after, signer.jwks()).kid;
    assert.notEqual(newKid, oldKid);
    assert.equal(signer.kid, newKid);
    assert.equal(fake.signingKeys.signCalls().at(-1)!.version, v2);
    const kids = signer.jwks().keys.map((k) => k.kid);
    assert.deepEqual(kids, [newKid, oldKid, legacy.kid]);
    assert.equal(verifyCompact(before, signer.jwks()).kid, oldKid);
  });

  it('a disabled version: leaves the key set at the next lookup, and signing moves to the newest enabled one', async () => {
    const [v1, v2] = fake.signingKeys.versions('kv-sign', 'certify-signing');
    const signer = await open(`${HOST}/keys/certify-signing`);
    const kidV2 = signer.kid;
    fake.signingKeys.disable('kv-sign', 'certify-signing', v2!);
    // The version the signer knows is refused: the error says why, and the next signature looks again.
    const refused = await failureOf(signer.sign(Buffer.from('x')));
    assert.equal(refused.code, 'SIGNING_KEY');
    assert.match(
      refused.message,
      new RegExp(`cannot sign with ${HOST}/keys/certify-signing/${v2}: Key Vault answered 403 Forbidden`),
    );
    assert.match(refused.hint ?? '', /Key Vault Crypto User/);
    const data = Buffer.from('y');
    const signature = await signer.sign(data);
    assert.equal(fake.signingKeys.signCalls().at(-1)!.version, v1);
    assert.notEqual(signer.kid, kidV2);
    assert.ok(verifiesWith(signer.publicJwk, data, signature));
    assert.deepEqual(
      signer.jwks().keys.map((k) => k.kid),
      [signer.kid],
    );
  });

  it('a versioned id signs with that version only, and refuses it once disabled', async () => {
    const first = fake.signingKeys.versions('kv-sign', 'pinned')[0]!;
    fake.signingKeys.rotate('kv-sign', 'pinned');
    const signer = await open(`${HOST}/keys/pinned/${first}`);
    await signer.sign(Buffer.from('a'));
    assert.equal(fake.signingKeys.signCalls().at(-1)!.version, first);
    assert.equal(signer.jwks().keys.length, 2, 'both enabled versions are published');
    fake.signingKeys.disable('kv-sign', 'pinned', first);
    const error = await failureOf(open(`${HOST}/keys/pinned/${first}`));
    assert.match(error.message, /is disabled, expired or not yet valid/);
  });

  it('refuses keys that cannot sign ES256, and keys that do not exist, at start', async () => {
    const rsa = await failureOf(open(`${HOST}/keys/rsa-key`));
    assert.equal(rsa.code, 'SIGNING_KEY');
    assert.match(rsa.message, /cannot sign ES256: it is a RSA-HSM key, not EC/);
    assert.match(rsa.hint ?? '', /az keyvault key create --kty EC-HSM --curve P-256/);
    const p384 = await failureOf(open(`${HOST}/keys/p384-key`));
    assert.match(p384.message, /its curve is P-384, not P-256/);
    const missing = await failureOf(open(`${HOST}/keys/no-such-key`));
    assert.match(missing.message, /Key Vault answered 404/);
    const wrongHost = await failureOf(open('https://kv-sign.vault.example.com/keys/certify-signing'));
    assert.equal(wrongHost.code, 'BAD_USAGE');
    assert.match(wrongHost.message, /not a Key Vault host/);
  });

  it('the fake refuses what Key Vault refuses: another alg, a digest of the wrong length', async () => {
    const settings = readAzureEnv(process.env);
    const [version] = fake.signingKeys.versions('kv-sign', 'pinned').slice(-1);
    const client = new CryptographyClient(`${HOST}/keys/pinned/${version}`, azureCredential(settings));
    const before = fake.signingKeys.signCalls().length;
    await assert.rejects(
      client.sign('ES384', Buffer.alloc(48)),
      (e: { statusCode?: number }) => e.statusCode === 400,
    );
    await assert.rejects(
      client.sign('ES256', Buffer.alloc(20)),
      (e: { statusCode?: number }) => e.statusCode === 400,
    );
    const ok = await client.sign('ES256', Buffer.alloc(32, 1));
    assert.equal(ok.result.length, 64);
    assert.deepEqual(
      fake.signingKeys
        .signCalls()
        .slice(before)
        .map((c) => [c.alg, c.status]),
      [
        ['ES384', 400],
        ['ES256', 400],
        ['ES256', 200],
      ],
    );
  });

  it('readiness: a recent signature answers without Key Vault; a stale one costs one probe', async () => {
    const signer = await open(`${HOST}/keys/probe`);
    const count = () => fake.signingKeys.signCalls().filter((c) => c.name === 'probe').length;
    assert.equal(await signer.problem(), null);
    assert.equal(count(), 1, 'the first probe signs');
    assert.equal(await signer.problem(), null);
    await signer.sign(Buffer.from('real work'));
    clock += READY_OK_MS - 1;
    assert.equal(await signer.problem(), null);
    assert.equal(count(), 2, 'probes within the window cost nothing');
    clock += 1;
    const [a, b] = await Promise.all([signer.problem(), signer.problem()]);
    assert.deepEqual([a, b], [null, null]);
    assert.equal(count(), 3, 'concurrent probes share one signature');

    const [v] = fake.signingKeys.versions('kv-sign', 'probe');
    fake.signingKeys.disable('kv-sign', 'probe', v!);
    clock += READY_OK_MS;
    const problem = await signer.problem();
    assert.match(problem ?? '', /403/);
    assert.equal(await signer.problem(), problem, 'a failure is remembered for a while');
    const probes = count();
    clock += READY_FAILED_MS;
    assert.ok((await signer.problem()) !== null);
    assert.ok(count() <= probes + 1);
  });
});
