import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { readAzureEnv } from '../../../scanner/sources/azure/config.js';
import { sharedTokenCredential } from '../../../scanner/sources/azure/credential.js';
import { createLimiter } from '../../../scanner/sources/azure/limiter.js';
import {
  durationDays,
  mapCertificate,
  mapKey,
  mapRotationPolicy,
  mapSecret,
  mapVault,
  modulusBits,
} from '../../../scanner/sources/azure/map.js';
import { retryAfterMs, retryReason, withRetry } from '../../../scanner/sources/azure/retry.js';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] });
const httpError = (status: number, h: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), {
    statusCode: status,
    response: { status, headers: headers(h) },
  });

describe('retry', () => {
  it('reads the wait from retry-after-ms, x-ms-retry-after-ms, Retry-After seconds or date', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '50' })), 50);
    assert.equal(retryAfterMs(headers({ 'x-ms-retry-after-ms': '70' })), 70);
    assert.equal(retryAfterMs(headers({ 'retry-after': '2' })), 2000);
    assert.equal(
      retryAfterMs(
        headers({ 'retry-after': 'Thu, 26 Nov 2026 08:00:03 GMT' }),
        Date.parse('2026-11-26T08:00:00Z'),
      ),
      3000,
    );
    assert.equal(retryAfterMs(headers({})), null);
  });

  it('retries 429, 5xx, 408 and dropped connections; not 403 or 404', () => {
    for (const s of [429, 500, 502, 503, 504, 408]) assert.ok(retryReason(httpError(s)), String(s));
    for (const s of [400, 401, 403, 404]) assert.equal(retryReason(httpError(s)), null, String(s));
    assert.equal(retryReason(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'ECONNRESET');
  });

  it('honours Retry-After on 429 and backs off on its own when the header is absent', async () => {
    const waits: number[] = [];
    let n = 0;
    const result = await withRetry(
      async () => {
        n++;
        if (n === 1) throw httpError(429, { 'retry-after-ms': '5' });
        if (n === 2) throw httpError(429);
        if (n === 3) throw httpError(503);
        return 'ok';
      },
      { maxRetries: 5, baseDelayMs: 1, random: () => 0.5, onRetry: (i) => waits.push(i.delayMs) },
    );
    assert.equal(result, 'ok');
    assert.deepEqual(waits, [5, 2, 4]); // header; then base·2^1·(0.5+0.5); then base·2^2
  });

  it('gives up after maxRetries and on a non-retryable error at once', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw httpError(500);
        },
        { maxRetries: 2, baseDelayMs: 1 },
      ),
      /HTTP 500/,
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw httpError(403);
        },
        { maxRetries: 5, baseDelayMs: 1 },
      ),
      /HTTP 403/,
    );
    assert.equal(calls, 1);
  });

  it('stops waiting when the deadline aborts', async () => {
    const ctrl = new AbortController();
    const p = withRetry(
      async () => {
        throw httpError(429, { 'retry-after': '60' });
      },
      { maxRetries: 3, signal: ctrl.signal },
    );
    setTimeout(() => ctrl.abort(new Error('deadline')), 20); // while waiting out the 60 s
    await assert.rejects(p, /deadline/);
  });
});

describe('limiter', () => {
  it('never runs more than its size at once and runs everything', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const done = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        limit.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, i % 3));
          active--;
          return i;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.equal(done.length, 40);
  });
});

describe('config', () => {
  it('has working defaults', () => {
    const s = readAzureEnv({});
    assert.equal(s.armEndpoint, 'https://management.azure.com');
    assert.equal(s.graphEndpoint, 'https://graph.microsoft.com');
    assert.equal(s.subscriptionIds, null);
    assert.equal(s.vaultDnsSuffix, 'vault.azure.net');
    assert.equal(s.keyVaultChallengeVerification, true);
  });

  it('follows a sovereign ARM endpoint to its Key Vault DNS suffix', () => {
    const s = readAzureEnv({ CERTIFY_ARM_ENDPOINT: 'https://management.usgovcloudapi.net/' });
    assert.equal(s.armEndpoint, 'https://management.usgovcloudapi.net');
    assert.equal(s.vaultDnsSuffix, 'vault.usgovcloudapi.net');
  });

  it('names every mistake', () => {
    assert.throws(
      () =>
        readAzureEnv({
          AZURE_SUBSCRIPTION_IDS: 'abc',
          CERTIFY_ARM_ENDPOINT: 'http://localhost',
          CERTIFY_KEYVAULT_CHALLENGE_VERIFICATION: 'maybe',
          CERTIFY_AZURE_CONCURRENCY: '0',
        }),
      (e: Error & { problems: string[] }) => {
        assert.equal(e.problems.length, 4);
        assert.match(e.problems.join('\n'), /AZURE_SUBSCRIPTION_IDS: "abc"/);
        assert.match(e.problems.join('\n'), /CERTIFY_ARM_ENDPOINT: .*https:\/\//);
        return true;
      },
    );
  });
});

describe('mapping', () => {
  it('counts modulus bits without leading zeros', () => {
    const n = new Uint8Array(257);
    n[1] = 0x80;
    assert.equal(modulusBits(n), 2048);
    assert.equal(modulusBits(new Uint8Array([0x01, 0, 0])), 17);
    assert.equal(modulusBits(undefined), null);
  });

  it('turns ISO 8601 durations into days', () => {
    assert.equal(durationDays('P90D'), 90);
    assert.equal(durationDays('P1Y'), 365);
    assert.equal(durationDays('P2M'), 60);
    assert.equal(durationDays('P1Y2M3W4D'), 365 + 60 + 21 + 4);
    assert.equal(durationDays('garbage'), null);
  });

  it('reads the Rotate action of a policy; a default policy (no id, Notify only) means none', () => {
    assert.equal(mapRotationPolicy(null), null);
    assert.equal(
      mapRotationPolicy({ lifetimeActions: [{ action: 'Notify', timeBeforeExpiry: 'P30D' }] }),
      null,
    );
    assert.deepEqual(
      mapRotationPolicy({ id: 'x', lifetimeActions: [{ action: 'Notify', timeBeforeExpiry: 'P30D' }] }),
      {
        rotateAfterDays: null,
        rotateBeforeExpiryDays: null,
      },
    );
    assert.deepEqual(
      mapRotationPolicy({ id: 'x', lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P90D' }] }),
      {
        rotateAfterDays: 90,
        rotateBeforeExpiryDays: null,
      },
    );
  });

  it('treats a missing ARM property as off', () => {
    const v = mapVault({
      id: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1',
      name: 'kv1',
      location: 'westeurope',
      properties: {
        tenantId: 't',
        sku: { family: 'A', name: 'premium' },
        vaultUri: 'https://kv1.vault.azure.net/',
      },
    } as never);
    assert.equal(v.softDeleteEnabled, false);
    assert.equal(v.purgeProtectionEnabled, false);
    assert.equal(v.rbacAuthorization, false);
    assert.equal(v.softDeleteRetentionDays, null);
    assert.equal(v.publicNetworkAccess, 'Enabled');
    assert.equal(v.networkDefaultAction, 'Allow');
    assert.equal(v.sku, 'premium');
    assert.equal(v.subscriptionId, 's1');
    assert.equal(v.resourceGroup, 'rg1');
    assert.equal(v.privateEndpointConnections, 0);
  });

  it('counts only the private endpoint connections in state Approved (NET001)', () => {
    const connection = (status: string | undefined) => ({
      id: `pe-${status ?? 'none'}`,
      ...(status === undefined ? {} : { privateLinkServiceConnectionState: { status } }),
    });
    const v = mapVault({
      id: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1',
      name: 'kv1',
      location: 'westeurope',
      properties: {
        tenantId: 't',
        sku: { family: 'A', name: 'standard' },
        privateEndpointConnections: [
          connection('Approved'),
          connection('Pending'),
          connection('Rejected'),
          connection('Disconnected'),
          connection(undefined),
          connection('approved'),
        ],
      },
    } as never);
    assert.equal(v.privateEndpointConnections, 2);
  });

  const vault = mapVault({
    id: '/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.KeyVault/vaults/kv1',
    name: 'kv1',
    location: 'westeurope',
    properties: {
      tenantId: 't',
      sku: { family: 'A', name: 'premium' },
      vaultUri: 'https://kv1.vault.azure.net/',
    },
  } as never);

  it("takes a key's `created` from its current version (K009), the list item's when that cannot be read", () => {
    const listed = {
      name: 'cmk',
      enabled: true,
      createdOn: new Date('2025-01-01T00:00:00Z'),
      updatedOn: new Date('2026-06-01T00:00:00Z'),
    };
    const current = { ...listed, createdOn: new Date('2026-06-01T00:00:00Z') };
    const jwk = { kty: 'EC-HSM', crv: 'P-256' } as never;
    assert.equal(mapKey(vault, listed as never, jwk, null, current as never).created, '2026-06-01T00:00:00Z');
    assert.equal(mapKey(vault, listed as never, jwk, null).created, '2025-01-01T00:00:00Z');
    assert.equal(mapKey(vault, listed as never, jwk, null, current as never).keyType, 'EC-HSM');
  });

  it("reads a certificate's notBefore and expires (C007) and a secret's content type (P016)", () => {
    const cert = mapCertificate(
      vault,
      {
        name: 'api-tls',
        enabled: true,
        createdOn: new Date('2026-01-01T00:10:00Z'),
        notBefore: new Date('2026-01-01T00:00:00Z'),
        expiresOn: new Date('2027-01-01T00:10:00Z'),
      } as never,
      undefined,
      undefined,
    );
    assert.equal(cert.notBefore, '2026-01-01T00:00:00Z');
    assert.equal(cert.expires, '2027-01-01T00:10:00Z');
    const untyped = mapSecret(vault, { name: 's', createdOn: new Date('2026-01-01T00:00:00Z') } as never);
    assert.equal(untyped.contentType, null);
    assert.equal(
      mapSecret(vault, { name: 's', contentType: 'text/plain' } as never).contentType,
      'text/plain',
    );
  });
});

describe('shared token credential', () => {
  /** A credential that counts its calls and hands out tokens valid for `validMs`. */
  function counting(validMs: number, now: () => number) {
    const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = [];
    let fail = false;
    const credential: TokenCredential = {
      async getToken(scopes, options) {
        const n = calls.push({ scopes, ...(options ? { options } : {}) });
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('az: not logged in');
        return { token: `t${n}`, expiresOnTimestamp: now() + validMs };
      },
    };
    return { credential, calls, failNext: (f: boolean) => (fail = f) };
  }

  it('asks the credential once per audience, however many clients ask at once', async () => {
    const inner = counting(3_600_000, Date.now);
    const shared = sharedTokenCredential(inner.credential);
    const vault = 'https://vault.azure.net/.default';
    const arm = 'https://management.azure.com/.default';
    const tokens = await Promise.all([
      ...Array.from({ length: 20 }, () => shared.getToken([vault], { enableCae: true })),
      shared.getToken([arm]),
      shared.getToken(arm),
    ]);
    assert.equal(inner.calls.length, 2);
    assert.equal(new Set(tokens.slice(0, 20).map((t) => t!.token)).size, 1);
    assert.equal(tokens[20]!.token, tokens[21]!.token);
    assert.notEqual(tokens[0]!.token, tokens[20]!.token);
    // Another tenant is another token.
    await shared.getToken([vault], { enableCae: true, tenantId: 'other' });
    assert.equal(inner.calls.length, 3);
  });

  it('fetches again near expiry, always for a claims challenge, and keeps no failure', async () => {
    let clock = 1_000_000;
    const inner = counting(10 * 60_000, () => clock);
    const shared = sharedTokenCredential(inner.credential, () => clock);
    const scope = ['https://vault.azure.net/.default'];
    await shared.getToken(scope);
    await shared.getToken(scope);
    assert.equal(inner.calls.length, 1);
    clock += 6 * 60_000; // 4 minutes left: too close to expiry to hand out
    await shared.getToken(scope);
    assert.equal(inner.calls.length, 2);
    await shared.getToken(scope, { claims: '{"access_token":{}}' });
    assert.equal(inner.calls.length, 3);
    clock += 60 * 60_000;
    inner.failNext(true);
    await assert.rejects(Promise.all([shared.getToken(scope), shared.getToken(scope)]), /not logged in/);
    assert.equal(inner.calls.length, 4, 'callers waiting on one fetch share its failure');
    inner.failNext(false);
    assert.ok(await shared.getToken(scope));
    assert.equal(inner.calls.length, 5);
  });
});
