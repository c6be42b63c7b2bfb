import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { Inventory } from '../../scanner/inventory/types.js';
import { validateInventory } from '../../scanner/inventory/validate.js';
import { FirstIndex } from '../../scanner/inventory/validate/first-index.js';
import {
  appRegistration,
  assetUrl,
  cert,
  dependency,
  inventory,
  key,
  resource,
  rotationEvent,
  rotationPolicy,
  secret,
  syncRecord,
  vault,
} from '../support/builders.js';

/** A valid inventory with every optional section filled in. */
function fullInventory(): Inventory {
  const web = resource('checkout', [
    { name: 'DB_PASSWORD', kind: 'keyVaultReference', secretId: assetUrl('secrets', 'kv-test', 'db') },
    { name: 'LOG_LEVEL', kind: 'plain', looksLikeCredential: false, pattern: null },
  ]);
  return inventory({
    vaults: [vault('kv-test'), vault('kv-dev', { sku: 'standard', tags: {} })],
    secrets: [secret('db'), secret('api', { expires: null, contentType: null, managed: true })],
    keys: [
      key('cmk'),
      key('sign', { keyType: 'EC-HSM', keySize: null, curve: 'P-256K', rotationPolicy: null }),
    ],
    certificates: [cert('tls'), cert('edge', { keyType: null, issuer: null, subject: null })],
    resources: [web],
    dependencies: [dependency(web.id, assetUrl('secrets', 'kv-test', 'db'))],
    appRegistrations: [appRegistration('app-1', ['key-1', 'key-2'])],
    rotationPolicies: [rotationPolicy('rot-1'), rotationPolicy('rot-2', { targetVault: null })],
    rotationEvents: [rotationEvent('evt-1'), rotationEvent('evt-2', { status: 'failed', finishedAt: null })],
    syncRecords: [syncRecord('sync-1')],
    syncWorker: { running: true, lastHeartbeat: '2026-11-23T05:59:00Z' },
  });
}

/** Fresh parsed JSON data, as a snapshot file gives it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parsed(value: unknown): any {
  return JSON.parse(JSON.stringify(value));
}

/** The inventory `data` validates to, without consume: what consume must give too. */
function validated(data: unknown): Inventory {
  const result = validateInventory(data);
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.inventory;
}

function consumed(data: unknown): Inventory {
  const result = validateInventory(data, { consume: true });
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.inventory;
}

describe('validateInventory with consume', () => {
  it('gives the same inventory, with the same key order, as a plain validation', () => {
    const text = JSON.stringify(fullInventory());
    const plain = validated(JSON.parse(text));
    const inv = consumed(JSON.parse(text));
    assert.deepEqual(inv, plain);
    assert.equal(JSON.stringify(inv), JSON.stringify(plain));
  });

  it('keeps elements that already are their copy, and the lists themselves', () => {
    // A snapshot Certify wrote: every element has exactly the validated keys, in order.
    const data = parsed(validated(parsed(fullInventory())));
    const [secrets, keys, certificates] = [data.secrets, data.keys, data.certificates];
    const [firstSecret, firstKey, firstCert] = [secrets[0], keys[0], certificates[0]];
    const inv = consumed(data);
    assert.equal(inv.secrets, secrets);
    assert.equal(inv.secrets[0], firstSecret);
    assert.equal(inv.keys, keys);
    assert.equal(inv.keys[0], firstKey);
    assert.equal(inv.certificates[0], firstCert);
  });

  it('replaces elements with unknown fields, other key orders or left-out fields by their copy', () => {
    const plainData = parsed(validated(parsed(fullInventory())));
    plainData.secrets[0].blob = 'x'.repeat(1000);
    plainData.keys[0] = { managed: plainData.keys[0].managed, ...plainData.keys[0] };
    plainData.keys[1].rotationPolicy = { rotateAfterDays: 30, rotateBeforeExpiryDays: null, extra: 1 };
    delete plainData.certificates[0].tags;
    delete plainData.secrets[1].managed;
    const expected = validated(structuredClone(plainData));
    const data = structuredClone(plainData);
    const inv = consumed(data);
    assert.deepEqual(inv, expected);
    assert.equal(JSON.stringify(inv), JSON.stringify(expected));
    // The parsed elements were let go of: the lists now hold the copies.
    assert.equal(inv.secrets, data.secrets);
    assert.equal('blob' in data.secrets[0], false);
    assert.equal('extra' in data.keys[1].rotationPolicy, false);
    assert.deepEqual(data.certificates[0].tags, {});
  });

  it('reports exactly the same problems', () => {
    const bad = parsed(fullInventory());
    bad.secrets[0].expires = '2026-02-30T00:00:00Z';
    bad.secrets[1].id = bad.secrets[0].id.toUpperCase();
    bad.keys[0].keyType = 'DSA';
    bad.keys[1].tags = { owner: 7 };
    bad.certificates.push(3);
    bad.vaults[1].softDeleteRetentionDays = 5;
    bad.resources[0].settings[0].kind = 'other';
    bad.appRegistrations[0].passwordCredentials[1].keyId =
      bad.appRegistrations[0].passwordCredentials[0].keyId;
    bad.syncRecords[0].runs = 'none';
    const plain = validateInventory(structuredClone(bad));
    const result = validateInventory(structuredClone(bad), { consume: true });
    assert.equal(plain.ok, false);
    assert.deepEqual(result, plain);
  });

  it('leaves the data alone without consume', () => {
    const data = parsed(fullInventory());
    data.secrets[0].blob = 'unknown';
    delete data.keys[0].managed;
    const before = structuredClone(data);
    const inv = validated(data);
    assert.deepEqual(data, before);
    assert.notEqual(inv.secrets, data.secrets);
    assert.notEqual(inv.secrets[1], data.secrets[1]);
  });
});

describe('FirstIndex', () => {
  it('finds the first element of every repeated key, as a Map would', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `https://kv.vault.azure.net/secrets/s-${i % 3001}`);
    keys.push('', 'a', 'a');
    const index = new FirstIndex(keys.length);
    const map = new Map<string, number>();
    keys.forEach((k, i) => {
      const expected = map.get(k) ?? -1;
      if (expected < 0) map.set(k, i);
      assert.equal(index.firstOr(k, i), expected, k);
    });
  });
});
