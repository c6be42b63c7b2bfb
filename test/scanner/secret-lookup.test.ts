import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { buildSecretLookup } from '../../scanner/rules/secret-lookup.js';

describe('secret lookup by vault and name', () => {
  const secrets = [
    { vault: 'kv-prod', name: 'db-password' },
    { vault: 'kv-prod', name: 'api-key' },
    { vault: 'KV-Other', name: 'DB-Password' },
    { vault: 'kv-prod', name: 'db-password' }, // duplicate: the first position wins
  ];
  const lookup = buildSecretLookup(secrets);
  const table: [string, number][] = [
    ['https://kv-prod.vault.azure.net/secrets/db-password', 0],
    ['https://KV-PROD.vault.azure.net/secrets/DB-PASSWORD', 0],
    ['https://kv-prod.vault.azure.net/secrets/db-password/0123abcd', 0],
    ['https://kv-prod.vault.azure.net/secrets/db-password/', 0],
    ['https://kv-prod.vault.azure.net:443/secrets/api-key', 1],
    ['https://kv-prod.vault.azure.cn/secrets/api-key', 1],
    ['https://kv-other.vault.azure.net/secrets/db-password', 2],
    ['https://kv-prod.vault.azure.net/secrets/missing', -1],
    ['https://kv-prod.vault.azure.net/keys/db-password', -1],
    ['https://kv-prod.vault.azure.net/secrets/', -1],
    ['https://kv-prod.vault.azure.net/secretsdb-password', -1],
    ['not a url', -1],
    ['', -1],
  ];
  for (const [url, expected] of table)
    it(`${url || '(empty)'} → ${expected}`, () => assert.equal(lookup.find(url), expected));

  it('finds every one of many secrets and nothing else', () => {
    const many = Array.from({ length: 20000 }, (_, i) => ({ vault: `kv-${i % 37}`, name: `secret-${i}` }));
    const big = buildSecretLookup(many);
    many.forEach((s, i) => assert.equal(big.find(`https://${s.vault}.vault.azure.net/secrets/${s.name}`), i));
    assert.equal(big.find('https://kv-1.vault.azure.net/secrets/secret-2'), -1);
  });

  it('resolves hosts that are not <vault>.<suffix> through the vault URI (scheme, host, port)', () => {
    const byUri = buildSecretLookup(
      [
        { vault: 'kv-emu', name: 'db-password' },
        { vault: 'kv-private', name: 'api-key' },
        { vault: 'kv-a', name: 'x' },
        { vault: 'kv-b', name: 'x' },
      ],
      [
        { name: 'kv-emu', vaultUri: 'https://127.0.0.1:8443/' },
        { name: 'kv-private', vaultUri: 'https://vault.internal.contoso' },
        // Two vaults on one origin: the origin names neither.
        { name: 'kv-a', vaultUri: 'https://localhost:9000/' },
        { name: 'kv-b', vaultUri: 'https://localhost:9000/' },
      ],
    );
    const rows: [string, number][] = [
      ['https://127.0.0.1:8443/secrets/db-password', 0],
      ['https://127.0.0.1:8443/secrets/DB-PASSWORD/0123abcd/', 0],
      ['https://127.0.0.1:9443/secrets/db-password', -1],
      ['http://127.0.0.1:8443/secrets/db-password', -1],
      ['https://VAULT.internal.contoso:443/secrets/api-key', 1],
      ['https://vault.internal.contoso/secrets/db-password', -1],
      ['https://localhost:9000/secrets/x', -1],
      // The vault label still works beside the URI.
      ['https://kv-emu.vault.azure.net/secrets/db-password', 0],
    ];
    for (const [url, expected] of rows) assert.equal(byUri.find(url), expected, url);
  });
});
