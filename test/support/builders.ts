/**
 * Small builders for hand-written inventories in tests. Every builder returns a complete,
 * valid object whose fields can be overridden; ids are derived from vault and name so a
 * table row stays short and readable.
 */
import type {
  AppRegistration,
  Certificate,
  Dependency,
  Inventory,
  Key,
  Resource,
  RotationEvent,
  RotationPolicy,
  Secret,
  SyncRecord,
  Vault,
} from '../../scanner/inventory/types.js';

/** The reference time of the rule tables. */
export const NOW_ISO = '2026-11-23T06:00:00Z';
export const NOW = Date.parse(NOW_ISO);
const DAY = 86_400_000;

/** ISO time `days` days after NOW (negative: before). Fractions allowed. */
export function daysFromNow(days: number): string {
  return new Date(NOW + days * DAY).toISOString();
}

export function vaultUri(vault: string): string {
  return `https://${vault}.vault.azure.net/`;
}

export function assetUrl(kind: 'secrets' | 'keys' | 'certificates', vault: string, name: string): string {
  return `https://${vault}.vault.azure.net/${kind}/${name}`;
}

export function vaultArmId(
  name: string,
  sub = '00000000-0000-0000-0000-0000000000aa',
  rg = 'rg-test',
): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
}

export function vault(name = 'kv-test', over: Partial<Vault> = {}): Vault {
  return {
    id: vaultArmId(name),
    name,
    subscriptionId: '00000000-0000-0000-0000-0000000000aa',
    resourceGroup: 'rg-test',
    location: 'westeurope',
    vaultUri: vaultUri(name),
    sku: 'premium',
    softDeleteEnabled: true,
    softDeleteRetentionDays: 90,
    purgeProtectionEnabled: true,
    publicNetworkAccess: 'Disabled',
    networkDefaultAction: 'Deny',
    privateEndpointConnections: 1,
    rbacAuthorization: true,
    accessError: null,
    tags: { owner: 'platform' },
    ...over,
  };
}

/** A healthy secret: enabled, tagged, expiring in a year, updated yesterday. */
export function secret(name: string, over: Partial<Secret> = {}): Secret {
  const v = over.vault ?? 'kv-test';
  return {
    id: assetUrl('secrets', v, name),
    vault: v,
    name,
    enabled: true,
    created: daysFromNow(-30),
    updated: daysFromNow(-1),
    notBefore: null,
    expires: daysFromNow(365),
    contentType: 'text/plain',
    tags: { env: 'production' },
    managed: false,
    ...over,
  };
}

/** A healthy key: RSA-HSM 3072 with a rotation policy, expiring in a year. */
export function key(name: string, over: Partial<Key> = {}): Key {
  const v = over.vault ?? 'kv-test';
  return {
    id: assetUrl('keys', v, name),
    vault: v,
    name,
    enabled: true,
    created: daysFromNow(-30),
    updated: daysFromNow(-1),
    notBefore: null,
    expires: daysFromNow(365),
    keyType: 'RSA-HSM',
    keySize: 3072,
    curve: null,
    rotationPolicy: { rotateAfterDays: 365, rotateBeforeExpiryDays: null },
    tags: { env: 'production' },
    managed: false,
    ...over,
  };
}

/** A healthy certificate: RSA 2048, expiring in a year. */
export function cert(name: string, over: Partial<Certificate> = {}): Certificate {
  const v = over.vault ?? 'kv-test';
  return {
    id: assetUrl('certificates', v, name),
    vault: v,
    name,
    enabled: true,
    created: daysFromNow(-30),
    updated: daysFromNow(-1),
    notBefore: daysFromNow(-30),
    expires: daysFromNow(365),
    keyType: 'RSA',
    keySize: 2048,
    curve: null,
    issuer: 'Self',
    subject: `CN=${name}.example.com`,
    tags: {},
    ...over,
  };
}

export function resource(
  name: string,
  settings: Resource['settings'],
  over: Partial<Resource> = {},
): Resource {
  return {
    id: `/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-apps/providers/Microsoft.Web/sites/${name}`,
    name,
    type: 'Microsoft.Web/sites',
    settings,
    ...over,
  };
}

export function dependency(
  resourceId: string,
  credentialId: string,
  over: Partial<Dependency> = {},
): Dependency {
  return { resourceId, credentialId, confidence: 0.95, reviewed: false, ...over };
}

export function appRegistration(
  appId: string,
  keyIds: string[],
  over: Partial<AppRegistration> = {},
): AppRegistration {
  return {
    appId,
    displayName: `app-${appId}`,
    passwordCredentials: keyIds.map((keyId) => ({ keyId, displayName: 'ci', endDateTime: daysFromNow(120) })),
    ...over,
  };
}

export function rotationPolicy(id: string, over: Partial<RotationPolicy> = {}): RotationPolicy {
  return {
    id,
    credential: { appId: 'app-1', keyId: 'key-1' },
    enabled: true,
    targetVault: 'kv-test',
    matches: [{ secretId: assetUrl('secrets', 'kv-test', `${id}-secret`), state: 'verified' }],
    ...over,
  };
}

export function rotationEvent(id: string, over: Partial<RotationEvent> = {}): RotationEvent {
  return {
    id,
    credentialId: assetUrl('secrets', 'kv-test', 'rotated'),
    fullStack: true,
    status: 'succeeded',
    startedAt: daysFromNow(-2),
    finishedAt: daysFromNow(-2 + 1 / 24),
    ...over,
  };
}

export function syncRecord(id: string, over: Partial<SyncRecord> = {}): SyncRecord {
  return {
    id,
    secretId: assetUrl('secrets', 'kv-test', `${id}-secret`),
    target: `aws-secrets-manager:eu-west-1:${id}`,
    active: true,
    runs: [],
    ...over,
  };
}

/** An inventory with one healthy vault and nothing else unless given; optional sections absent. */
export function inventory(over: Partial<Inventory> = {}): Inventory {
  return {
    schema: 'certify.inventory/v1',
    tenantId: '00000000-0000-0000-0000-000000000000',
    collectedAt: NOW_ISO,
    vaults: [vault()],
    secrets: [],
    keys: [],
    certificates: [],
    ...over,
  };
}
