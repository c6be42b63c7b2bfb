/**
 * The `azure` source end to end: the real Azure SDKs (identity through the Azure CLI
 * credential, ARM, Key Vault data plane, App Service, Graph) against the local fake cloud,
 * which speaks the recorded wire formats over HTTPS behind a CONNECT proxy.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { azureSourceFromEnv } from '../../../adapters/azure-source.js';
import { normalizeAssetId } from '../../../scanner/inventory/ids.js';
import { parseInventoryText } from '../../../scanner/inventory/validate.js';
import type { Inventory } from '../../../scanner/inventory/types.js';
import { generateDemoInventory } from '../../../scanner/sources/demo/index.js';
import { runCli } from '../../cli/harness.js';
import { startFakeAzure, type FakeAzure, type FakeAzureOptions } from '../../support/fake-azure/index.js';
import { privateEndpointStates } from '../../support/fake-azure/wire.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const NOW_ISO = '2026-11-23T06:00:00Z';
const tenant = generateDemoInventory({ profile: 'showcase', seed: 4, size: 400, now: NOW });

/** Starts a fake, points this process at it, collects, and tears down. */
async function collectThrough(
  opts: Omit<FakeAzureOptions, 'inventory'> & { inventory?: Inventory; env?: Record<string, string> } = {},
) {
  const fake = await startFakeAzure({ inventory: tenant, ...opts });
  const undo = fake.applyEnv();
  const notices: string[] = [];
  try {
    const source = azureSourceFromEnv({ ...process.env, ...opts.env });
    const inventory = await source.collect({ now: NOW, onNotice: (m) => notices.push(m) });
    // Read before close(), which removes the stand-in's log.
    return { inventory, notices, fake, azCalls: fake.azCalls() };
  } finally {
    undo();
    await fake.close();
  }
}

const seconds = (t: string | null) => (t === null ? null : Math.floor(Date.parse(t) / 1000));

/** The fields the cloud exposes, in a comparable form (times at the wire's one-second grain). */
function comparable(inv: Inventory) {
  const asset = <
    T extends { created: string; updated: string; notBefore: string | null; expires: string | null },
  >(
    a: T,
  ) => ({
    ...a,
    created: seconds(a.created),
    updated: seconds(a.updated),
    notBefore: seconds(a.notBefore),
    expires: seconds(a.expires),
  });
  const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
  return {
    vaults: byId(inv.vaults).map((v) => ({ ...v, accessError: v.accessError === null ? null : 'refused' })),
    secrets: byId(inv.secrets).map(asset),
    // Key Vault exposes no size for symmetric (oct) keys, so that field cannot survive the wire.
    keys: byId(inv.keys).map((k) => ({
      ...asset(k),
      keySize: k.keyType.startsWith('oct') ? null : k.keySize,
    })),
    certificates: byId(inv.certificates).map(asset),
    resources: byId(inv.resources ?? []).map((r) => ({
      ...r,
      settings: [...r.settings]
        // Reference ids compare without version or trailing slash (inventory.md).
        .map((x) =>
          x.kind === 'plain'
            ? { ...x, pattern: x.pattern ?? null }
            : { ...x, secretId: normalizeAssetId(x.secretId) },
        )
        .sort((a, b) => a.name.localeCompare(b.name)),
    })),
    appRegistrations: [...(inv.appRegistrations ?? [])]
      .sort((a, b) => a.appId.localeCompare(b.appId))
      .map((a) => ({
        ...a,
        passwordCredentials: a.passwordCredentials.map((c) => ({
          ...c,
          endDateTime: seconds(c.endDateTime),
        })),
      })),
  };
}

describe('azure source against the fake cloud', () => {
  let clean: Awaited<ReturnType<typeof collectThrough>>;
  beforeAll(async () => {
    clean = await collectThrough();
  });

  it('round-trips every field the cloud exposes', () => {
    const got = comparable(clean.inventory);
    const want = comparable(tenant);
    assert.deepEqual(got.vaults, want.vaults);
    assert.deepEqual(got.secrets, want.secrets);
    assert.deepEqual(got.keys, want.keys);
    assert.deepEqual(got.certificates, want.certificates);
    assert.deepEqual(got.resources, want.resources);
    assert.deepEqual(got.appRegistrations, want.appRegistrations);
  });

  it('asks the Azure CLI for one token per audience, not one per SDK client', () => {
    const resources = clean.azCalls
      .filter((argv) => argv[0] === 'account' && argv[1] === 'get-access-token')
      .map((argv) => argv[argv.indexOf('--resource') + 1]);
    assert.ok(tenant.vaults.length > 3, 'several vaults, so several Key Vault clients');
    assert.ok(resources.some((r) => r?.includes('vault')));
    assert.deepEqual(resources.sort(), [...new Set(resources)].sort());
  });

  it('counts only Approved private endpoint connections, whatever else the vault carries (NET001)', () => {
    const served = tenant.vaults.map((v) => privateEndpointStates(v));
    assert.ok(
      served.some((states) => states.some((s) => s !== 'Approved')),
      'the fake serves a connection that is not Approved',
    );
    const byId = new Map(clean.inventory.vaults.map((v) => [v.id, v.privateEndpointConnections]));
    tenant.vaults.forEach((v, i) => {
      const approved = served[i]!.filter((s) => s === 'Approved').length;
      assert.equal(byId.get(v.id), approved, v.name);
    });
    assert.ok(clean.inventory.vaults.some((v) => v.privateEndpointConnections === 0));
    assert.ok(clean.inventory.vaults.some((v) => v.privateEndpointConnections > 0));
  });

  it('reads what the Azure Policy rules need: certificate validity, key creation, secret content type', () => {
    const got = comparable(clean.inventory);
    const want = comparable(tenant);
    const pick = <T extends { id: string }, K extends keyof T>(xs: T[], ...keys: K[]) =>
      xs.map((x) => [x.id, ...keys.map((k) => x[k])]);
    assert.deepEqual(
      pick(got.certificates, 'notBefore', 'expires'),
      pick(want.certificates, 'notBefore', 'expires'),
    );
    assert.deepEqual(pick(got.keys, 'created'), pick(want.keys, 'created'));
    assert.deepEqual(pick(got.secrets, 'contentType'), pick(want.secrets, 'contentType'));
    // Both sides of each field are on the wire.
    assert.ok(
      got.certificates.some((c) => c.notBefore !== null) &&
        got.certificates.some((c) => c.notBefore === null),
    );
    assert.ok(
      got.secrets.some((s) => s.contentType === null) && got.secrets.some((s) => s.contentType !== null),
    );
    // A key's creation comes from the current version, read with getKey for every enabled key.
    const gets = new Set(
      clean.fake.requests
        .filter((r) => r.service === 'keyvault' && /^\/keys\/[^/]+\/?$/.test(r.path))
        .map((r) => `${r.host}${r.path.replace(/\/$/, '')}`),
    );
    const blocked = new Set(clean.inventory.vaults.filter((v) => v.accessError !== null).map((v) => v.name));
    const enabled = tenant.keys.filter((k) => k.enabled && !blocked.has(k.vault));
    assert.ok(enabled.length > 0);
    for (const k of enabled) {
      const url = new URL(k.id);
      assert.ok(gets.has(`${url.host}${url.pathname}`), `getKey ${k.id}`);
    }
  });

  it('turns every Key Vault reference into a dependency on that secret', () => {
    const refs = clean.inventory.resources!.flatMap((r) =>
      r.settings.flatMap((s) => (s.kind === 'keyVaultReference' ? [`${r.id} -> ${s.secretId}`] : [])),
    );
    const deps = clean.inventory.dependencies!.map((d) => `${d.resourceId} -> ${d.credentialId}`);
    assert.deepEqual(deps.sort(), refs.sort());
    assert.ok(clean.inventory.dependencies!.every((d) => d.confidence === 1 && d.reviewed === false));
  });

  it('marks the vault that refuses us with an access error and reads the others', () => {
    const blocked = clean.inventory.vaults.filter((v) => v.accessError !== null);
    assert.deepEqual(
      blocked.map((v) => v.name),
      tenant.vaults.filter((v) => v.accessError !== null).map((v) => v.name),
    );
    assert.match(blocked[0]!.accessError!, /403/);
  });

  it('never asks for a secret value and never writes', () => {
    assert.equal(clean.fake.stats().valueReads, 0);
    assert.equal(clean.fake.stats().writes, 0);
    const reads = clean.fake.requests.filter(
      (r) => r.service === 'keyvault' && /^\/secrets\/[^/]+/.test(r.path),
    );
    assert.deepEqual(reads, []);
    assert.ok(
      clean.fake.requests.every((r) => r.method === 'GET' || r.path.endsWith('/config/appsettings/list')),
    );
  });

  it('keeps no app setting value: only names, kinds and pattern names', () => {
    const text = JSON.stringify(clean.inventory);
    assert.doesNotMatch(text, /AccountKey=[A-Za-z0-9+/]{8}/);
    assert.doesNotMatch(text, /Password=[^"]/);
    assert.doesNotMatch(text, /SharedAccessKey=[A-Za-z0-9+/]{8}/);
  });

  it('is a valid certify.inventory/v1 snapshot', () => {
    assert.deepEqual(parseInventoryText(JSON.stringify(clean.inventory)).vaults.length, tenant.vaults.length);
  });
});

describe('azure source under faults', () => {
  for (const retryAfter of ['seconds', 'ms', 'none'] as const) {
    it(`retries 429 (Retry-After: ${retryAfter}) and random 5xx and still collects everything`, async () => {
      const faulty = await collectThrough({
        throttle: { everyNth: 9, retryAfter },
        failures: { rate: 0.05, seed: 11 },
        env: { CERTIFY_AZURE_MAX_RETRIES: '8' },
      });
      assert.ok(faulty.fake.stats().throttled > 0, 'the fake throttled');
      assert.ok(faulty.fake.stats().failed > 0, 'the fake failed some requests');
      const got = comparable(faulty.inventory);
      const want = comparable(tenant);
      assert.deepEqual(got.secrets, want.secrets);
      assert.deepEqual(got.keys, want.keys);
      assert.deepEqual(got.certificates, want.certificates);
      assert.equal(faulty.inventory.vaults.filter((v) => v.accessError !== null).length, 1);
    });
  }

  it('without Graph permission leaves app registrations uncollected and says why', async () => {
    const run = await collectThrough({ graphForbidden: true });
    assert.equal(run.inventory.appRegistrations, undefined);
    assert.match(run.notices.join('\n'), /Application\.Read\.All/);
    assert.ok(run.inventory.secrets.length > 0, 'the rest of the scan is kept');
  });

  it('a scan deadline marks unfinished vaults and keeps the scan', async () => {
    // ARM answers in a few round trips (large pages); the data planes then need far longer than 2 s.
    const run = await collectThrough({
      latencyMs: 300,
      pageSize: 100,
      env: { CERTIFY_SCAN_DEADLINE_SECONDS: '2' },
    });
    assert.ok(run.inventory.vaults.length > 0);
    assert.ok(run.inventory.vaults.some((v) => /deadline/.test(v.accessError ?? '')));
    assert.match(run.notices.join('\n'), /deadline/);
  });

  it('honours AZURE_SUBSCRIPTION_IDS and a sovereign ARM endpoint', async () => {
    const sub = tenant.vaults[0]!.subscriptionId;
    const run = await collectThrough({
      extraHosts: ['management.usgovcloudapi.net'],
      env: { AZURE_SUBSCRIPTION_IDS: sub, CERTIFY_ARM_ENDPOINT: 'https://management.usgovcloudapi.net' },
    });
    assert.deepEqual([...new Set(run.inventory.vaults.map((v) => v.subscriptionId))], [sub]);
    assert.ok(run.fake.requests.some((r) => r.host === 'management.usgovcloudapi.net'));
    assert.ok(!run.fake.requests.some((r) => r.host === 'management.azure.com'));
  });
});

describe('certify scan --source azure', () => {
  let fake: FakeAzure;
  let undo: () => void;
  beforeAll(async () => {
    fake = await startFakeAzure({ inventory: tenant });
    undo = fake.applyEnv();
  });
  afterAll(async () => {
    undo();
    await fake.close();
  });

  it('prints live progress on a terminal and a score, and exports the snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-azure-'));
    const file = join(dir, 'tenant.json');
    const run = await runCli(['scan', '--source', 'azure', '--now', NOW_ISO, '--export', file], {
      tty: true,
      env: { ...fake.env, NO_COLOR: '1' },
      dataDir: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /azure: \d+\/\d+ vaults · [\d,]+ assets · [\d,]+ requests/);
    // The same View the bot posts after a scan, rendered as text.
    assert.match(run.stdout, /Scan finished\s+\d+\.\d \/ 100/);
    assert.ok(existsSync(file));
    const exported = parseInventoryText(readFileSync(file));
    assert.equal(exported.secrets.length, tenant.secrets.length);
  });
});
