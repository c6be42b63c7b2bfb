import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { CertifyError } from '../../base/errors.js';
import type { Inventory } from '../../scanner/inventory/types.js';
import { INVENTORY_LIMITS, parseInventoryText, validateInventory } from '../../scanner/inventory/validate.js';
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

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/inventories/${name}`, import.meta.url));

// Shapes only: the validator checks form, P011 checks signatures.
const X = 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU';
const Y = 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0';
const CERT_1 = 'cert-abcdefghijklmnopqrstuvwxyz';
const CERT_2 = 'cert-22222222222222222222222222';

/** A valid inventory with every optional section filled in. */
function fullInventory(): Inventory {
  const web = resource('checkout', [
    { name: 'DB_PASSWORD', kind: 'keyVaultReference', secretId: assetUrl('secrets', 'kv-test', 'db') },
    { name: 'STORAGE', kind: 'plain', looksLikeCredential: true, pattern: 'AccountKey=' },
    { name: 'LOG_LEVEL', kind: 'plain', looksLikeCredential: false, pattern: null },
  ]);
  return inventory({
    vaults: [vault('kv-test'), vault('kv-dev', { sku: 'standard', softDeleteRetentionDays: null, tags: {} })],
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
    syncRecords: [
      syncRecord('sync-1', {
        runs: [
          { at: '2026-11-22T00:00:00Z', status: 'succeeded', sourceHash: 'sha256:aa', targetHash: null },
        ],
      }),
    ],
    syncWorker: { running: true, lastHeartbeat: '2026-11-23T05:59:00Z' },
    provenance: {
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: X, y: Y, kid: 'kid-1', alg: 'ES256', use: 'sig' }] },
      certificates: [
        { id: CERT_1, jws: 'eyJhbGciOiJFUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJl' },
        { id: CERT_2, jws: 'aGVhZGVy.cGF5bG9hZA.c2ln' },
      ],
    },
  });
}

/** A deep copy as plain JSON data, free to be broken by a test. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(inv: Inventory): any {
  return JSON.parse(JSON.stringify(inv));
}

function problemsOf(data: unknown): string[] {
  const result = validateInventory(data);
  assert.equal(result.ok, false, 'expected the data to be refused');
  return result.ok ? [] : result.problems;
}

function parseProblems(text: string | Uint8Array): string[] {
  try {
    parseInventoryText(text);
  } catch (e) {
    assert.ok(e instanceof CertifyError, 'expected a CertifyError');
    assert.equal(e.code, 'INVALID_INVENTORY');
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, 'the snapshot is not a valid certify.inventory/v1 file');
    return [...e.problems];
  }
  assert.fail('expected the text to be refused');
}

describe('validateInventory: valid data', () => {
  it('accepts an inventory with every optional section and returns an equal, fresh object', () => {
    const inv = fullInventory();
    const result = validateInventory(inv);
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    assert.deepEqual(result.inventory, inv);
    assert.notEqual(result.inventory, inv);
    assert.notEqual(result.inventory.secrets[0], inv.secrets[0]);
    assert.notEqual(result.inventory.secrets[0]!.tags, inv.secrets[0]!.tags);
  });

  it('round-trips through JSON text', () => {
    const inv = fullInventory();
    assert.deepEqual(parseInventoryText(JSON.stringify(inv, null, 2)), inv);
    assert.deepEqual(parseInventoryText(new TextEncoder().encode(JSON.stringify(inv))), inv);
  });

  it('reads the sample fixture: 2 vaults, 10 assets and every optional section', () => {
    const inv = parseInventoryText(readFileSync(fixture('sample.json')));
    assert.equal(inv.vaults.length, 2);
    assert.equal(inv.secrets.length + inv.keys.length + inv.certificates.length, 10);
    for (const section of [
      'resources',
      'dependencies',
      'appRegistrations',
      'rotationPolicies',
      'rotationEvents',
      'syncRecords',
      'syncWorker',
    ] as const) {
      assert.ok(inv[section], `${section} should be present`);
    }
  });

  it('leaves missing optional sections undefined and keeps empty ones and a null syncWorker', () => {
    const inv = inventory({ resources: [], syncWorker: null });
    const result = validateInventory(json(inv));
    assert.ok(result.ok);
    assert.deepEqual(result.inventory.resources, []);
    assert.equal(result.inventory.syncWorker, null);
    for (const section of [
      'dependencies',
      'appRegistrations',
      'rotationPolicies',
      'rotationEvents',
      'syncRecords',
      'provenance',
    ]) {
      assert.equal(section in result.inventory, false, `${section} should stay absent`);
    }
  });

  it('fills in the fields a real export may leave out', () => {
    const data = json(
      inventory({
        vaults: [vault('kv-test')],
        secrets: [secret('db')],
        keys: [key('cmk')],
        certificates: [cert('tls')],
        resources: [resource('app', [{ name: 'X', kind: 'plain', looksLikeCredential: false }])],
      }),
    );
    delete data.vaults[0].tags;
    delete data.vaults[0].accessError;
    for (const f of ['tags', 'managed', 'contentType', 'notBefore', 'expires']) delete data.secrets[0][f];
    for (const f of ['tags', 'managed', 'keySize', 'curve', 'rotationPolicy']) delete data.keys[0][f];
    for (const f of ['tags', 'keyType', 'keySize', 'curve', 'issuer', 'subject', 'notBefore'])
      delete data.certificates[0][f];
    const result = validateInventory(data);
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    const inv = result.inventory;
    assert.deepEqual(inv.vaults[0]!.tags, {});
    assert.equal(inv.vaults[0]!.accessError, null);
    assert.deepEqual(
      [inv.secrets[0]!.tags, inv.secrets[0]!.managed, inv.secrets[0]!.contentType, inv.secrets[0]!.expires],
      [{}, false, null, null],
    );
    assert.deepEqual(
      [inv.keys[0]!.managed, inv.keys[0]!.keySize, inv.keys[0]!.curve, inv.keys[0]!.rotationPolicy],
      [false, null, null, null],
    );
    assert.deepEqual(
      [inv.certificates[0]!.keyType, inv.certificates[0]!.issuer, inv.certificates[0]!.notBefore],
      [null, null, null],
    );
    assert.deepEqual(inv.resources![0]!.settings[0], {
      name: 'X',
      kind: 'plain',
      looksLikeCredential: false,
      pattern: null,
    });
  });

  it('accepts the edges of the allowed ranges', () => {
    const data = json(
      inventory({
        vaults: [vault('a', { softDeleteRetentionDays: 7, privateEndpointConnections: 0 }), vault('b')],
        keys: [key('k', { keySize: 0, rotationPolicy: { rotateAfterDays: 0.5, rotateBeforeExpiryDays: 0 } })],
        dependencies: [dependency('r', 'c1', { confidence: 0 }), dependency('r', 'c2', { confidence: 1 })],
        secrets: [
          secret('s', { expires: '2027-01-10T00:00:00.123+02:00' }),
          secret('leap', { created: '2028-02-29T00:00:00Z', updated: '2000-02-29T23:59:59Z' }),
          secret('month-end', { created: '2026-12-31T00:00:00Z', updated: '2026-04-30T00:00:00Z' }),
        ],
      }),
    );
    data.vaults[1].softDeleteRetentionDays = 90;
    assert.ok(validateInventory(data).ok);
  });

  it('ignores unknown fields and leaves them out of the result', () => {
    const inv = fullInventory();
    const data = json(inv);
    data.exportedBy = { tool: 'az-export', blob: 'x'.repeat(1000) };
    data.vaults[0].properties = { enableSoftDelete: true };
    data.secrets[0].value = 'must-not-be-kept';
    data.keys[0].rotationPolicy.lifetimeActions = [{ action: 'Rotate' }];
    data.resources[0].settings[0].value = '@Microsoft.KeyVault(...)';
    data.rotationPolicies[0].credential.extra = 1;
    data.syncRecords[0].runs[0].durationMs = 12;
    data.syncWorker.version = '2.1';
    data.provenance.store = 'lowdb';
    data.provenance.jwks.keys[0].d = 'private-part-must-not-be-kept';
    data.provenance.certificates[0].presetId = 'pci';
    const result = validateInventory(data);
    assert.ok(result.ok);
    assert.deepEqual(result.inventory, inv);
    assert.equal('exportedBy' in result.inventory, false);
    assert.equal('value' in result.inventory.secrets[0]!, false);
    assert.equal(JSON.stringify(result.inventory).includes('must-not-be-kept'), false);
    assert.deepEqual(Object.keys(result.inventory.provenance!), ['jwks', 'certificates']);
  });

  it('accepts an empty provenance section and the longest certificate allowed', () => {
    const long = `${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(8192 - 8002)}`;
    assert.equal(long.length, 8192);
    const data = json(
      inventory({
        provenance: { jwks: { keys: [] }, certificates: [{ id: CERT_1, jws: long }] },
      }),
    );
    const result = validateInventory(data);
    assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
    assert.equal(result.inventory.provenance?.certificates[0]?.jws, long);
    const empty = validateInventory(
      json(inventory({ provenance: { jwks: { keys: [] }, certificates: [] } })),
    );
    assert.ok(empty.ok);
    assert.deepEqual(empty.inventory.provenance, { jwks: { keys: [] }, certificates: [] });
  });

  it('keeps a tag named __proto__ as an ordinary tag', () => {
    const data = JSON.parse(
      JSON.stringify(json(inventory({ secrets: [secret('s')] }))).replace('"env":', '"__proto__":'),
    );
    const result = validateInventory(data);
    assert.ok(result.ok);
    const tags = result.inventory.secrets[0]!.tags;
    assert.deepEqual(Object.keys(tags), ['__proto__']);
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
  });
});

describe('validateInventory: each problem is reported with its path', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Row = [name: string, breakIt: (d: any) => void, expected: string[]];
  const rows: Row[] = [
    [
      'wrong schema (and nothing else is checked)',
      (d) => {
        d.schema = 'certify.inventory/v2';
        d.vaults = 'nope';
      },
      ['schema: must be "certify.inventory/v1" (got "certify.inventory/v2")'],
    ],
    ['missing schema', (d) => delete d.schema, ['schema: is missing (must be "certify.inventory/v1")']],
    [
      'a time written as 1/2/2026',
      (d) => (d.secrets[0].expires = '1/2/2026'),
      ['secrets[0].expires: not an ISO 8601 time (got "1/2/2026")'],
    ],
    [
      'a time without a zone',
      (d) => (d.certificates[1].notBefore = '2026-01-02T00:00:00'),
      [
        'certificates[1].notBefore: not an ISO 8601 time (got "2026-01-02T00:00:00", which has no time zone; add Z for UTC)',
      ],
    ],
    [
      'a day that does not exist',
      (d) => {
        d.secrets[0].created = '2026-02-30T00:00:00Z';
        d.secrets[1].created = '2026-02-29T00:00:00Z';
        d.keys[0].expires = '2100-02-29T00:00:00Z';
        d.certificates[0].expires = '2026-04-31T12:00:00+02:00';
      },
      [
        'secrets[0].created: not an ISO 8601 time (got "2026-02-30T00:00:00Z", a day that does not exist)',
        'secrets[1].created: not an ISO 8601 time (got "2026-02-29T00:00:00Z", a day that does not exist)',
        'keys[0].expires: not an ISO 8601 time (got "2100-02-29T00:00:00Z", a day that does not exist)',
        'certificates[0].expires: not an ISO 8601 time (got "2026-04-31T12:00:00+02:00", a day that does not exist)',
      ],
    ],
    [
      'a time that is a number',
      (d) => (d.collectedAt = 1767225600000),
      ['collectedAt: not an ISO 8601 time (got 1767225600000)'],
    ],
    [
      'a required time that is null',
      (d) => (d.rotationEvents[0].startedAt = null),
      ['rotationEvents[0].startedAt: not an ISO 8601 time (got null)'],
    ],
    [
      'a negative keySize',
      (d) => (d.keys[0].keySize = -1),
      ['keys[0].keySize: must not be below zero (got -1)'],
    ],
    [
      'a fractional keySize',
      (d) => (d.keys[0].keySize = 2048.5),
      ['keys[0].keySize: must be a whole number or null (got 2048.5)'],
    ],
    [
      'a negative count',
      (d) => (d.vaults[1].privateEndpointConnections = -2),
      ['vaults[1].privateEndpointConnections: must not be below zero (got -2)'],
    ],
    [
      'a negative rotation period',
      (d) => (d.keys[0].rotationPolicy.rotateAfterDays = -30),
      ['keys[0].rotationPolicy.rotateAfterDays: must not be below zero (got -30)'],
    ],
    [
      'retention of 5 days',
      (d) => (d.vaults[0].softDeleteRetentionDays = 5),
      ['vaults[0].softDeleteRetentionDays: must be a whole number from 7 to 90, or null (got 5)'],
    ],
    [
      'retention of 91 days',
      (d) => (d.vaults[0].softDeleteRetentionDays = 91),
      ['vaults[0].softDeleteRetentionDays: must be a whole number from 7 to 90, or null (got 91)'],
    ],
    [
      'retention written as text',
      (d) => (d.vaults[0].softDeleteRetentionDays = '90'),
      ['vaults[0].softDeleteRetentionDays: must be a whole number from 7 to 90, or null (got "90")'],
    ],
    [
      'confidence above 1',
      (d) => (d.dependencies[0].confidence = 1.5),
      ['dependencies[0].confidence: must be a number from 0 to 1 (got 1.5)'],
    ],
    [
      'unknown enum values',
      (d) => {
        d.vaults[0].sku = 'basic';
        d.vaults[0].publicNetworkAccess = 'enabled';
        d.keys[1].curve = 'P-192';
        d.certificates[0].keyType = 'DSA';
        d.resources[0].settings[1].kind = 'secret';
        d.rotationPolicies[0].matches[0].state = 'pending';
        d.rotationEvents[0].status = 'ok';
        d.syncRecords[0].runs[0].status = 'done';
      },
      [
        'vaults[0].sku: must be one of standard, premium (got "basic")',
        'vaults[0].publicNetworkAccess: must be one of Enabled, Disabled (got "enabled")',
        'keys[1].curve: must be one of P-256, P-384, P-521, P-256K, or null (got "P-192")',
        'certificates[0].keyType: must be one of RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM, or null (got "DSA")',
        'resources[0].settings[1].kind: must be one of keyVaultReference, plain (got "secret")',
        'rotationPolicies[0].matches[0].state: must be one of verified, unverified, excluded (got "pending")',
        'rotationEvents[0].status: must be one of succeeded, failed (got "ok")',
        'syncRecords[0].runs[0].status: must be one of succeeded, failed (got "done")',
      ],
    ],
    [
      'secret ids that differ only in case',
      (d) => (d.secrets[1].id = d.secrets[0].id.toUpperCase()),
      [
        'secrets[1].id: duplicate of secrets[0].id (ids are compared ignoring case, a version segment and a trailing slash)',
      ],
    ],
    [
      'a key id repeated with a version and a trailing slash',
      (d) => (d.keys[1].id = `${d.keys[0].id}/0123456789abcdef/`),
      [
        'keys[1].id: duplicate of keys[0].id (ids are compared ignoring case, a version segment and a trailing slash)',
      ],
    ],
    [
      'duplicate vault, policy, event, sync record and app ids',
      (d) => {
        d.vaults[1].id = d.vaults[0].id;
        d.rotationPolicies[1].id = 'rot-1';
        d.rotationEvents[1].id = 'evt-1';
        d.syncRecords.push({ ...d.syncRecords[0] });
        d.appRegistrations.push({ ...d.appRegistrations[0], appId: 'APP-1' });
      },
      [
        'vaults[1].id: duplicate of vaults[0].id (ids are compared ignoring case)',
        'appRegistrations[1].appId: duplicate of appRegistrations[0].appId (ids are compared ignoring case)',
        'rotationPolicies[1].id: duplicate of rotationPolicies[0].id',
        'rotationEvents[1].id: duplicate of rotationEvents[0].id',
        'syncRecords[1].id: duplicate of syncRecords[0].id',
      ],
    ],
    [
      'ids that differ only in case are distinct where the id is opaque',
      (d) => (d.rotationPolicies[1].id = 'ROT-1'),
      [],
    ],
    [
      'tags that are not an object of strings',
      (d) => {
        d.secrets[0].tags = ['env:production'];
        d.vaults[0].tags = { owner: 'platform', cost: 12, 'cost center': null };
      },
      [
        'vaults[0].tags.cost: must be a string (got 12)',
        'vaults[0].tags["cost center"]: must be a string (got null)',
        'secrets[0].tags: must be an object of string values (got an array)',
      ],
    ],
    ['a missing required field', (d) => delete d.secrets[0].name, ['secrets[0].name: is missing']],
    [
      'required fields of the wrong type',
      (d) => {
        d.tenantId = 42;
        d.vaults[0].softDeleteEnabled = 'yes';
        d.keys[0].enabled = 1;
        d.appRegistrations[0].passwordCredentials[0].displayName = 5;
      },
      [
        'tenantId: must be a string (got 42)',
        'vaults[0].softDeleteEnabled: must be true or false (got "yes")',
        'keys[0].enabled: must be true or false (got 1)',
        'appRegistrations[0].passwordCredentials[0].displayName: must be a string or null (got 5)',
      ],
    ],
    ['an empty id', (d) => (d.secrets[0].id = ''), ['secrets[0].id: must be a non-empty string (got "")']],
    [
      'a section of the wrong type',
      (d) => {
        d.secrets = { db: {} };
        d.resources = 'none';
        d.syncWorker = [];
      },
      [
        'secrets: must be an array (got an object)',
        'resources: must be an array, or left out when it was not collected (got "none")',
        'syncWorker: must be an object, null when no worker is known, or left out when not collected (got an array)',
      ],
    ],
    [
      'an optional section that is null',
      (d) => (d.dependencies = null),
      ['dependencies: must be an array, or left out when it was not collected (got null)'],
    ],
    ['a missing required section', (d) => delete d.keys, ['keys: is missing']],
    [
      'an element that is not an object',
      (d) => {
        d.certificates[1] = 'tls';
        d.resources[0].settings.push(null);
      },
      [
        'certificates[1]: must be an object (got "tls")',
        'resources[0].settings[3]: must be an object (got null)',
      ],
    ],
    [
      'a nested object of the wrong type',
      (d) => {
        d.keys[0].rotationPolicy = 'P90D';
        d.rotationPolicies[0].credential = null;
      },
      [
        'keys[0].rotationPolicy: must be an object or null (got "P90D")',
        'rotationPolicies[0].credential: must be an object (got null)',
      ],
    ],
    [
      'a provenance section that is not an object',
      (d) => (d.provenance = [{ id: CERT_1 }]),
      ['provenance: must be an object, or left out when it was not collected (got an array)'],
    ],
    [
      'a provenance section without its parts',
      (d) => (d.provenance = {}),
      ['provenance.jwks: is missing', 'provenance.certificates: is missing'],
    ],
    [
      'a provenance key set of the wrong shape',
      (d) => {
        d.provenance.jwks = { keys: {} };
        d.provenance.certificates = 'none';
      },
      [
        'provenance.jwks.keys: must be an array (got an object)',
        'provenance.certificates: must be an array (got "none")',
      ],
    ],
    [
      'provenance keys that are not ES256 P-256 signing keys',
      (d) => {
        const k = d.provenance.jwks.keys[0];
        d.provenance.jwks.keys.push({ ...k }, 'k2');
        Object.assign(k, { kty: 'RSA', crv: 'P-384', alg: 'RS256', use: 'enc', x: 'AAAA', kid: '' });
        delete k.y;
      },
      [
        'provenance.jwks.keys[0].kid: must be a non-empty string (got "")',
        'provenance.jwks.keys[0].kty: must be one of EC (got "RSA")',
        'provenance.jwks.keys[0].crv: must be one of P-256 (got "P-384")',
        'provenance.jwks.keys[0].x: must be a P-256 coordinate: 43 base64url characters (got "AAAA")',
        'provenance.jwks.keys[0].y: is missing',
        'provenance.jwks.keys[0].alg: must be one of ES256 (got "RS256")',
        'provenance.jwks.keys[0].use: must be one of sig (got "enc")',
        'provenance.jwks.keys[2]: must be an object (got "k2")',
      ],
    ],
    [
      'two provenance keys with the same kid',
      (d) => d.provenance.jwks.keys.push({ ...d.provenance.jwks.keys[0] }),
      ['provenance.jwks.keys[1].kid: duplicate of provenance.jwks.keys[0].kid'],
    ],
    [
      'provenance certificates with bad ids, bad JWS and duplicates',
      (d) => {
        const c = d.provenance.certificates;
        c[0].id = 'cert-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
        c[1].jws = 'header.payload';
        c.push({ id: CERT_2, jws: 'a.b.c' });
        c.push({ id: 'cert-33333333333333333333333333', jws: 'a.b+c.d' });
        c.push({ id: 'cert-44444444444444444444444444', jws: 7 });
        c.push({ id: 'cert-55555555555555555555555555', jws: `a.b.${'c'.repeat(8190)}` });
        c.push({ jws: 'a.b.c' });
      },
      [
        'provenance.certificates[0].id: must be "cert-" and 26 characters a-z or 2-7 (got "cert-ABCDEFGHIJKLMNOPQRSTUVWXYZ")',
        'provenance.certificates[1].jws: must be a compact JWS: three base64url parts joined by dots (got "header.payload")',
        'provenance.certificates[2].id: duplicate of provenance.certificates[1].id',
        'provenance.certificates[3].jws: must be a compact JWS: three base64url parts joined by dots (got "a.b+c.d")',
        'provenance.certificates[4].jws: must be a string (got 7)',
        'provenance.certificates[5].jws: must be at most 8192 characters (got 8194)',
        'provenance.certificates[6].id: is missing',
      ],
    ],
    [
      'a long string is shortened in the message',
      (d) => (d.vaults[0].sku = 'x'.repeat(100)),
      [`vaults[0].sku: must be one of standard, premium (got "${'x'.repeat(60)}…" (100 characters))`],
    ],
  ];

  for (const [name, breakIt, expected] of rows) {
    it(name, () => {
      const data = json(fullInventory());
      breakIt(data);
      const result = validateInventory(data);
      if (expected.length === 0) {
        assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
      } else {
        assert.deepEqual(result.ok ? [] : result.problems, expected);
      }
    });
  }

  it('refuses a top level that is not an object', () => {
    assert.deepEqual(problemsOf([]), ['(top level): must be a JSON object (got an array)']);
    assert.deepEqual(problemsOf(null), ['(top level): must be a JSON object (got null)']);
    assert.deepEqual(problemsOf('inventory'), ['(top level): must be a JSON object (got "inventory")']);
  });

  it('refuses numbers that are not finite (possible when called on objects, not only JSON)', () => {
    const data = json(fullInventory());
    data.keys[0].keySize = Number.POSITIVE_INFINITY;
    data.dependencies[0].confidence = Number.NaN;
    assert.deepEqual(problemsOf(data), [
      'keys[0].keySize: must be a finite number (got Infinity)',
      'dependencies[0].confidence: must be a number from 0 to 1 (got NaN)',
    ]);
  });

  it('does not throw on data that throws when read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    assert.deepEqual(problemsOf(hostile), ['(top level): could not be read (boom)']);
  });

  it('lists at most 20 problems, then counts the rest', () => {
    const make = (n: number): unknown => {
      const data = json(inventory({ secrets: Array.from({ length: n }, (_, i) => secret(`s${i}`)) }));
      for (const s of data.secrets) s.expires = '1/2/2026';
      return data;
    };
    const p25 = problemsOf(make(25));
    assert.equal(p25.length, 21);
    assert.equal(p25[0], 'secrets[0].expires: not an ISO 8601 time (got "1/2/2026")');
    assert.equal(p25[19], 'secrets[19].expires: not an ISO 8601 time (got "1/2/2026")');
    assert.equal(p25[20], '… and 5 more problems');
    assert.equal(problemsOf(make(21))[20], '… and 1 more problem');
    assert.equal(problemsOf(make(20)).length, 20);
  });
});

describe('parseInventoryText', () => {
  const valid = JSON.stringify(inventory({ secrets: [secret('db')] }));

  it('reports every problem of the malformed fixture', () => {
    assert.deepEqual(parseProblems(readFileSync(fixture('malformed.json'))), [
      'collectedAt: not an ISO 8601 time (got "2026-11-23 06:00")',
      'certificates: must be an array (got an object)',
      'vaults[0].sku: must be one of standard, premium (got "basic")',
      'vaults[0].softDeleteRetentionDays: must be a whole number from 7 to 90, or null (got 5)',
      'vaults[0].privateEndpointConnections: must not be below zero (got -1)',
      'secrets[0].expires: not an ISO 8601 time (got "1/2/2026")',
      'secrets[0].tags: must be an object of string values (got an array)',
      'secrets[1].name: is missing',
      'secrets[1].created: not an ISO 8601 time (got "2026-01-10T00:00:00", which has no time zone; add Z for UTC)',
      'secrets[1].id: duplicate of secrets[0].id (ids are compared ignoring case, a version segment and a trailing slash)',
      'keys[0].keyType: must be one of RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM (got "DSA")',
      'keys[0].keySize: must not be below zero (got -2048)',
      'syncWorker: must be an object, null when no worker is known, or left out when not collected (got "running")',
    ]);
  });

  it('refuses bytes that are not UTF-8 and says where', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"tenantId":"'), 0xc3, 0x28, 0x22, 0x7d]);
    assert.deepEqual(parseProblems(bytes), [
      'the file is not UTF-8 text (the first invalid byte is at offset 13); save it as UTF-8',
    ]);
    assert.deepEqual(parseProblems(new Uint8Array([0xff, 0xfe, 0x7b, 0x00])), [
      'the file is not UTF-8 text (the first invalid byte is at offset 0); save it as UTF-8',
    ]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(valid)]);
    assert.equal(parseInventoryText(bytes).secrets.length, 1);
    assert.equal(parseInventoryText(`\uFEFF${valid}`).secrets.length, 1);
  });

  it('refuses text that is not JSON and says where', () => {
    assert.deepEqual(parseProblems('{\n  "schema": "certify.inventory/v1",\n  "vaults": [1, 2,]\n}'), [
      'the file is not valid JSON: expected a value but found "]" (at line 3, column 19)',
    ]);
    assert.deepEqual(parseProblems('{"schema": "certify.inventory/v1"'), [
      'the file is not valid JSON: the file ends before the JSON is complete (a bracket or a value is missing) (at line 1, column 34)',
    ]);
    assert.deepEqual(parseProblems('{"a": 1} trailing'), [
      'the file is not valid JSON: unexpected "t" after the end of the JSON (at line 1, column 10)',
    ]);
    assert.deepEqual(parseProblems("{'schema': 1}"), [
      `the file is not valid JSON: expected a property name in double quotes but found "'" (at line 1, column 2)`,
    ]);
    assert.deepEqual(parseProblems('{"a": "line\nbreak"}'), [
      'the file is not valid JSON: a control character (such as a line break) inside a string must be escaped, e.g. \\n (at line 1, column 12)',
    ]);
  });

  it('refuses an empty file', () => {
    assert.deepEqual(parseProblems(' \n'), ['the file is empty']);
    assert.deepEqual(parseProblems(new Uint8Array()), ['the file is empty']);
  });

  it('refuses deep nesting with a clear problem instead of crashing', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.deepEqual(parseProblems(deep), [
      'arrays and objects are nested more than 64 levels deep (at line 1, column 65)',
    ]);
    const unclosed = `{"schema": "certify.inventory/v1", "x": ${'{"a":'.repeat(100_000)}`;
    assert.match(
      parseProblems(unclosed)[0]!,
      /^arrays and objects are nested more than 64 levels deep \(at line 1, column \d+\)$/,
    );
  });

  it('allows nesting up to the limit and ignores brackets inside strings', () => {
    const data = json(inventory());
    data.extension = JSON.parse(
      '['.repeat(INVENTORY_LIMITS.maxDepth - 1) + ']'.repeat(INVENTORY_LIMITS.maxDepth - 1),
    );
    data.vaults[0].tags.note = '[[[[{{{{'.repeat(100) + '\\"[[[';
    const inv = parseInventoryText(JSON.stringify(data));
    assert.equal(inv.vaults[0]!.tags.note, data.vaults[0].tags.note);
    data.extension = [data.extension];
    assert.match(
      parseProblems(JSON.stringify(data))[0]!,
      /^arrays and objects are nested more than 64 levels deep/,
    );
  });

  it('refuses a string longer than the limit, wherever it is', () => {
    const max = INVENTORY_LIMITS.maxStringLength;
    const data = json(inventory());
    data.unknownBlob = 'x'.repeat(max);
    assert.ok(parseInventoryText(JSON.stringify(data)));
    data.unknownBlob = 'x'.repeat(max + 1);
    assert.match(
      parseProblems(JSON.stringify(data))[0]!,
      /^a string at line 1, column \d+ is longer than the limit of 65536 characters$/,
    );
    // Property names count too.
    assert.match(
      parseProblems(`{"${'k'.repeat(max + 1)}": 1}`)[0]!,
      /^a string at line 1, column 2 is longer/,
    );
  });

  it('measures a string after unescaping, so escapes do not count double', () => {
    const max = INVENTORY_LIMITS.maxStringLength;
    const data = json(inventory());
    data.vaults[0].tags.note = '\n'.repeat(max); // written as 2 × max characters in the file
    assert.equal(parseInventoryText(JSON.stringify(data)).vaults[0]!.tags.note!.length, max);
    data.vaults[0].tags.note = '\u0001'.repeat(max + 1); // \u0001: 6 characters each in the file
    assert.match(parseProblems(JSON.stringify(data))[0]!, /is longer than the limit of 65536 characters$/);
  });

  it('refuses numbers JSON turns into Infinity', () => {
    const text = JSON.stringify(inventory({ keys: [key('k')] })).replace('"keySize":3072', '"keySize":1e400');
    assert.deepEqual(parseProblems(text), ['keys[0].keySize: must be a finite number (got Infinity)']);
  });

  it('never puts a stack trace in a problem', () => {
    const inputs: (string | Uint8Array)[] = [
      '{',
      '[' + '['.repeat(1000),
      new Uint8Array([0x80]),
      '{"schema": 5}',
      readFileSync(fixture('malformed.json')),
    ];
    for (const input of inputs) {
      for (const problem of parseProblems(input)) {
        assert.doesNotMatch(problem, /\n\s+at |Error:/, problem);
      }
    }
  });
});
