/**
 * Inventory → Azure wire bodies. Everything a list page needs is built once at start (one JSON
 * string per item, so a page is a join); per-asset bodies that need key material (key bundles,
 * certificate DER) are built on first use and cached.
 *
 * The inventory is the truth: exactly its secrets (managed ones included), keys and
 * certificates are served, with its ids, times (as Unix seconds, Key Vault's format), tags and
 * types. Wire decisions are documented in README.md next to this file.
 */
import type {
  AppRegistration,
  Certificate,
  Curve,
  Inventory,
  Key,
  Resource,
  ResourceSetting,
  Secret,
  Vault,
} from '../../../scanner/inventory/types.js';
import {
  base64url,
  buildCertificate,
  COORDINATE_BYTES,
  detBytes,
  ecPoint,
  RSA_EXPONENT,
  rsaModulus,
  thumbprint,
  versionOf,
  type CertKey,
} from './material.js';

const DAY_MS = 86_400_000;

/** Unix seconds, Key Vault's time format. */
export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Lowercase host of a URL, or '' when it is not one. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

// ---- Key Vault data plane ------------------------------------------------------------------

interface Recovery {
  recoveryLevel: string;
  recoverableDays: number | null;
}

/** The deletion recovery level Key Vault reports for a vault's items. */
export function recoveryOf(vault: Vault | null): Recovery {
  if (!vault) return { recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 };
  if (!vault.softDeleteEnabled) return { recoveryLevel: 'Purgeable', recoverableDays: null };
  const days = vault.softDeleteRetentionDays ?? 90;
  const custom = days < 90 ? 'Customized' : '';
  return {
    recoveryLevel: `${custom}Recoverable${vault.purgeProtectionEnabled ? '' : '+Purgeable'}`,
    recoverableDays: days,
  };
}

type Asset = Secret | Key | Certificate;

/** `attributes` in Key Vault's order; nbf/exp (and recovery fields) only when set. */
function attributes(
  a: Asset,
  recovery: Recovery | null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { enabled: a.enabled };
  if (a.notBefore) out.nbf = unixSeconds(a.notBefore);
  if (a.expires) out.exp = unixSeconds(a.expires);
  out.created = unixSeconds(a.created);
  out.updated = unixSeconds(a.updated);
  if (recovery) {
    out.recoveryLevel = recovery.recoveryLevel;
    if (recovery.recoverableDays !== null) out.recoverableDays = recovery.recoverableDays;
  }
  return { ...out, ...extra };
}

function hasTags(tags: Record<string, string>): boolean {
  return Object.keys(tags).length > 0;
}

export interface PlaneList<T extends Asset> {
  /** Sorted by name, case-insensitively, as Key Vault lists. */
  assets: T[];
  byName: Map<string, T>;
  /** JSON of each list item, built on demand (certificates need their DER first). */
  itemJson: (index: number) => string;
}

export interface VaultPlane {
  host: string;
  /** First label of the host. */
  name: string;
  vault: Vault | null;
  /** Answers every data-plane request with 403 ForbiddenByFirewall. */
  forbidden: boolean;
  recovery: Recovery;
  secrets: PlaneList<Secret>;
  keys: PlaneList<Key>;
  certificates: PlaneList<Certificate>;
  keyBundle(key: Key): string;
  rotationPolicy(key: Key): string;
  certificateBundle(cert: Certificate): string;
  certificatePolicy(cert: Certificate): string;
  version(name: string): string;
  /** Every version of a secret as a versions-list item, oldest first (written ones included). */
  secretVersions(secret: Secret): string[];
  /**
   * Makes a written version the secret's current state (`writableSecrets`): listings then show
   * its attributes and tags, as Key Vault's list shows the latest version's.
   */
  putSecret(secret: Secret, version: string): void;
}

function makeList<T extends Asset>(assets: T[], toJson: (a: T) => string): PlaneList<T> {
  const sorted = [...assets].sort((a, b) => {
    const x = a.name.toLowerCase();
    const y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const cache: (string | undefined)[] = new Array<string | undefined>(sorted.length);
  return {
    assets: sorted,
    byName: new Map(sorted.map((a) => [a.name.toLowerCase(), a])),
    itemJson(i) {
      return (cache[i] ??= toJson(sorted[i]!));
    },
  };
}

const RSA_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];
const EC_OPS = ['sign', 'verify'];
const OCT_OPS = ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'];

function isRsa(t: string | null): boolean {
  return t === 'RSA' || t === 'RSA-HSM';
}
function isEc(t: string | null): boolean {
  return t === 'EC' || t === 'EC-HSM';
}

/** ISO 8601 days duration, as rotation policies carry it. */
function days(n: number): string {
  return `P${n}D`;
}

function certKeyOf(c: Certificate): CertKey | null {
  if (isEc(c.keyType)) return { kind: 'EC', curve: c.curve ?? 'P-256' };
  if (isRsa(c.keyType)) return { kind: 'RSA', bits: c.keySize ?? 2048 };
  return null;
}

function validityMonths(c: Certificate): number {
  if (!c.notBefore || !c.expires) return 12;
  return Math.max(1, Math.round((Date.parse(c.expires) - Date.parse(c.notBefore)) / (30.44 * DAY_MS)));
}

function buildPlane(
  host: string,
  vault: Vault | null,
  forbidden: boolean,
  secrets: Secret[],
  keys: Key[],
  certificates: Certificate[],
): VaultPlane {
  const recovery = recoveryOf(vault);
  const base = `https://${host}/`;
  const version = (name: string) => versionOf(host, name);

  const secretJson = (s: Secret) => {
    const item: Record<string, unknown> = { id: s.id, attributes: attributes(s, recovery) };
    if (s.contentType !== null) item.contentType = s.contentType;
    if (hasTags(s.tags)) item.tags = s.tags;
    if (s.managed) item.managed = true;
    return JSON.stringify(item);
  };
  const secretList = makeList(secrets, secretJson);
  const secretVersionItem = (s: Secret, v: string) => {
    const item = JSON.parse(secretJson(s)) as Record<string, unknown>;
    item.id = `${s.id}/${v}`;
    return JSON.stringify(item);
  };
  /** Lowercase name → version items, for secrets written to (the others have one version). */
  const history = new Map<string, string[]>();

  const keyList = makeList(keys, (k) => {
    const item: Record<string, unknown> = {
      kid: k.id,
      attributes: attributes(k, recovery, { exportable: false }),
    };
    if (hasTags(k.tags)) item.tags = k.tags;
    if (k.managed) item.managed = true;
    return JSON.stringify(item);
  });

  const der = new Map<Certificate, Buffer | null>();
  const derOf = (c: Certificate): Buffer | null => {
    let d = der.get(c);
    if (d === undefined) {
      const key = certKeyOf(c);
      const created = Date.parse(c.created);
      const notBefore = c.notBefore ? Date.parse(c.notBefore) : created;
      const subject = c.subject ?? `CN=${c.name}`;
      d = key
        ? buildCertificate({
            seed: c.id,
            subject,
            issuer:
              !c.issuer || c.issuer.toLowerCase() === 'self'
                ? subject
                : `CN=${c.issuer} Issuing CA, O=${c.issuer}`,
            notBefore,
            notAfter: c.expires ? Date.parse(c.expires) : notBefore + 365 * DAY_MS,
            key,
          })
        : null;
      der.set(c, d);
    }
    return d;
  };

  const certList = makeList(certificates, (c) => {
    const d = derOf(c);
    const item: Record<string, unknown> = { id: c.id };
    if (d) item.x5t = thumbprint(d);
    item.attributes = attributes(c, null);
    if (hasTags(c.tags)) item.tags = c.tags;
    item.subject = '';
    return JSON.stringify(item);
  });

  const bundles = new Map<Asset, string>();
  const cached = (a: Asset, make: () => string): string => {
    let s = bundles.get(a);
    if (s === undefined) bundles.set(a, (s = make()));
    return s;
  };

  function keyBundle(k: Key): string {
    return cached(k, () => {
      const jwk: Record<string, unknown> = { kid: `${k.id}/${version(k.name)}`, kty: k.keyType };
      if (isRsa(k.keyType)) {
        jwk.key_ops = RSA_OPS;
        jwk.n = base64url(rsaModulus(k.id, k.keySize ?? 2048));
        jwk.e = base64url(RSA_EXPONENT);
      } else if (isEc(k.keyType)) {
        const curve: Curve = k.curve ?? 'P-256';
        const { x, y } = ecPoint(k.id, curve);
        jwk.key_ops = EC_OPS;
        jwk.crv = curve;
        jwk.x = base64url(x);
        jwk.y = base64url(y);
      } else {
        jwk.key_ops = OCT_OPS; // symmetric: no material is ever returned
      }
      const body: Record<string, unknown> = {
        key: jwk,
        attributes: attributes(k, recovery, { exportable: false }),
      };
      if (hasTags(k.tags)) body.tags = k.tags;
      if (k.managed) body.managed = true;
      return JSON.stringify(body);
    });
  }

  function rotationPolicy(k: Key): string {
    const p = k.rotationPolicy;
    if (!p) {
      // A key whose policy was never set: Key Vault answers 200 with its default policy,
      // which has no id, no times and only the Notify action.
      return JSON.stringify({
        lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }],
        attributes: {},
      });
    }
    const actions: unknown[] = [];
    const trigger: Record<string, string> = {};
    if (p.rotateAfterDays !== null) trigger.timeAfterCreate = days(p.rotateAfterDays);
    if (p.rotateBeforeExpiryDays !== null) trigger.timeBeforeExpiry = days(p.rotateBeforeExpiryDays);
    if (Object.keys(trigger).length > 0) actions.push({ trigger, action: { type: 'Rotate' } });
    actions.push({ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } });
    const attrs: Record<string, unknown> = {};
    // A timeBeforeExpiry trigger needs an expiry for the new versions.
    if (p.rotateBeforeExpiryDays !== null)
      attrs.expiryTime = days(Math.max(365, p.rotateBeforeExpiryDays * 2));
    attrs.created = unixSeconds(k.created);
    attrs.updated = unixSeconds(k.updated);
    return JSON.stringify({ id: `${k.id}/rotationpolicy`, lifetimeActions: actions, attributes: attrs });
  }

  function policyObject(c: Certificate): Record<string, unknown> {
    const keyProps: Record<string, unknown> = { exportable: true };
    if (c.keyType) keyProps.kty = c.keyType;
    if (isRsa(c.keyType)) keyProps.key_size = c.keySize ?? 2048;
    if (isEc(c.keyType)) keyProps.crv = c.curve ?? 'P-256';
    keyProps.reuse_key = false;
    const x509: Record<string, unknown> = {};
    if (c.subject !== null) x509.subject = c.subject;
    x509.sans = {};
    x509.ekus = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'];
    x509.key_usage = isEc(c.keyType) ? ['digitalSignature'] : ['digitalSignature', 'keyEncipherment'];
    x509.validity_months = validityMonths(c);
    const issuer = c.issuer ?? 'Unknown';
    const policy: Record<string, unknown> = {
      id: `${c.id}/policy`,
      key_props: keyProps,
      secret_props: { contentType: 'application/x-pkcs12' },
      x509_props: x509,
      lifetime_actions: [
        issuer.toLowerCase() === 'unknown'
          ? { trigger: { days_before_expiry: 30 }, action: { action_type: 'EmailContacts' } }
          : { trigger: { lifetime_percentage: 80 }, action: { action_type: 'AutoRenew' } },
      ],
      issuer: { name: issuer },
      attributes: { enabled: true, created: unixSeconds(c.created), updated: unixSeconds(c.updated) },
    };
    return policy;
  }

  function certificateBundle(c: Certificate): string {
    return cached(c, () => {
      const v = version(c.name);
      const d = derOf(c);
      const body: Record<string, unknown> = {
        id: `${c.id}/${v}`,
        kid: `${base}keys/${c.name}/${v}`,
        sid: `${base}secrets/${c.name}/${v}`,
      };
      if (d) {
        body.x5t = thumbprint(d);
        body.cer = d.toString('base64');
      }
      body.attributes = attributes(c, recovery);
      if (hasTags(c.tags)) body.tags = c.tags;
      body.policy = policyObject(c);
      return JSON.stringify(body);
    });
  }

  const plane: VaultPlane = {
    host,
    name: host.split('.')[0] ?? host,
    vault,
    forbidden,
    recovery,
    secrets: secretList,
    keys: keyList,
    certificates: certList,
    keyBundle,
    rotationPolicy,
    certificateBundle,
    certificatePolicy: (c) => JSON.stringify(policyObject(c)),
    version,
    secretVersions: (s) => history.get(s.name.toLowerCase()) ?? [secretVersionItem(s, version(s.name))],
    putSecret(s, v) {
      const key = s.name.toLowerCase();
      const prior = plane.secrets.byName.get(key);
      // The version the inventory describes stays listed under the new one, as in Key Vault.
      const versions = history.get(key) ?? (prior ? [secretVersionItem(prior, version(prior.name))] : []);
      versions.push(secretVersionItem(s, v));
      history.set(key, versions);
      plane.secrets = makeList(
        [...plane.secrets.assets.filter((a) => a.name.toLowerCase() !== key), s],
        secretJson,
      );
    },
  };
  return plane;
}

/** One data plane per vault host: inventory vaults, plus hosts that only assets name. */
export function buildPlanes(
  inventory: Inventory,
  forbiddenVaults: readonly string[] = [],
): Map<string, VaultPlane> {
  const forbidden = new Set(forbiddenVaults.map((v) => v.toLowerCase()));
  const groups = new Map<
    string,
    { vault: Vault | null; secrets: Secret[]; keys: Key[]; certificates: Certificate[] }
  >();
  const group = (host: string, vault: Vault | null = null) => {
    let g = groups.get(host);
    if (!g) groups.set(host, (g = { vault, secrets: [], keys: [], certificates: [] }));
    if (vault && !g.vault) g.vault = vault;
    return g;
  };
  for (const v of inventory.vaults) {
    const host = hostOf(v.vaultUri);
    if (host) group(host, v);
  }
  for (const s of inventory.secrets) group(hostOf(s.id)).secrets.push(s);
  for (const k of inventory.keys) group(hostOf(k.id)).keys.push(k);
  for (const c of inventory.certificates) group(hostOf(c.id)).certificates.push(c);
  const planes = new Map<string, VaultPlane>();
  for (const [host, g] of groups) {
    if (!host) continue;
    const name = host.split('.')[0] ?? host;
    const isForbidden =
      (g.vault?.accessError ?? null) !== null ||
      forbidden.has(name) ||
      (g.vault ? forbidden.has(g.vault.name.toLowerCase()) : false);
    planes.set(host, buildPlane(host, g.vault, isForbidden, g.secrets, g.keys, g.certificates));
  }
  return planes;
}

// ---- ARM -----------------------------------------------------------------------------------

const ARM_SCOPE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i;

export function armScope(id: string): { subscriptionId: string; resourceGroup: string } | null {
  const m = ARM_SCOPE.exec(id);
  return m ? { subscriptionId: m[1]!.toLowerCase(), resourceGroup: m[2]! } : null;
}

/** Stable small hash of a string, for deterministic "coin flips". */
export function hash32(text: string): number {
  return detBytes(text, 4).readUInt32BE(0);
}

export type ConnectionStatus = 'Approved' | 'Pending' | 'Rejected' | 'Disconnected';

const CONNECTION_DESCRIPTIONS: Record<ConnectionStatus, string> = {
  Approved: 'Auto-Approved',
  Pending: 'Awaiting approval by the vault owner',
  Rejected: 'Rejected by the vault owner',
  Disconnected: 'The private endpoint was deleted',
};

/**
 * The private endpoint connections a vault is served with, by status. The inventory counts the
 * Approved ones (`privateEndpointConnections`); a quarter of the vaults also carry one connection
 * that carries no traffic (Pending, Rejected or Disconnected, deterministically), as real vaults
 * do after a request nobody approved or an endpoint that was deleted.
 */
export function privateEndpointStates(v: Vault): ConnectionStatus[] {
  const out: ConnectionStatus[] = Array.from({ length: v.privateEndpointConnections }, () => 'Approved');
  const h = hash32(`pe:${v.id}`);
  if (h % 4 === 0) out.push((['Pending', 'Rejected', 'Disconnected'] as const)[(h >>> 2) % 3]!);
  return out;
}

export function vaultResource(v: Vault, tenantId: string): Record<string, unknown> {
  const p: Record<string, unknown> = {
    sku: { family: 'A', name: v.sku },
    tenantId,
    accessPolicies: [],
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    enableSoftDelete: v.softDeleteEnabled,
  };
  if (v.softDeleteRetentionDays !== null) p.softDeleteRetentionInDays = v.softDeleteRetentionDays;
  p.enableRbacAuthorization = v.rbacAuthorization;
  if (v.purgeProtectionEnabled) p.enablePurgeProtection = true;
  p.vaultUri = v.vaultUri;
  p.provisioningState = 'Succeeded';
  p.publicNetworkAccess = v.publicNetworkAccess;
  // Real vaults that never had firewall rules often carry no networkAcls at all (= Allow):
  // half of the "Allow" vaults are served that way, deterministically.
  if (v.networkDefaultAction === 'Deny' || hash32(`acl:${v.id}`) % 2 === 0) {
    p.networkAcls = {
      bypass: 'AzureServices',
      defaultAction: v.networkDefaultAction,
      ipRules: [],
      virtualNetworkRules: [],
    };
  }
  const states = privateEndpointStates(v);
  if (states.length > 0) {
    const scope = armScope(v.id);
    p.privateEndpointConnections = states.map((status, i) => {
      const pe = `pe-${v.name}-${i + 1}`;
      return {
        id: `${v.id}/privateEndpointConnections/${pe}.${versionOf(v.name, pe).slice(0, 8)}`,
        etag: '',
        properties: {
          privateEndpoint: {
            id: `/subscriptions/${scope?.subscriptionId ?? ''}/resourceGroups/${scope?.resourceGroup ?? ''}/providers/Microsoft.Network/privateEndpoints/${pe}`,
          },
          privateLinkServiceConnectionState: {
            status,
            description: CONNECTION_DESCRIPTIONS[status],
            actionsRequired: 'None',
          },
          provisioningState: 'Succeeded',
        },
      };
    });
  }
  return {
    id: v.id,
    name: v.name,
    type: 'Microsoft.KeyVault/vaults',
    location: v.location,
    tags: v.tags,
    properties: p,
  };
}

export function isFunctionApp(r: Resource): boolean {
  return /functionapp/i.test(r.type) || /(^|[-_.])func/i.test(r.name);
}

export interface Site {
  resource: Resource;
  subscriptionId: string;
  resourceGroup: string;
  json: string;
  /** `{ properties: { NAME: value } }` body of `config/appsettings/list`. */
  appSettingsJson: string;
}

const HARMLESS: [RegExp, string][] = [
  [/RUN_FROM_PACKAGE/i, '1'],
  [/EXTENSION_VERSION/i, '~4'],
  [/WORKER_RUNTIME/i, 'node'],
  [/TIME_ZONE/i, 'UTC'],
  [/LOG_LEVEL|LOGLEVEL/i, 'Information'],
  [/__accountName$/i, 'stcontosoapps'],
  [/(URL|URI|ENDPOINT|HOST)$/i, 'https://example.com'],
  [/ENV/i, 'production'],
  [/PORT|MAX|COUNT|FAILURES/i, '42'],
];
const FALLBACK = ['https://example.com', 'production', 'true', '42'];

function harmlessValue(name: string, index: number): string {
  for (const [re, value] of HARMLESS) if (re.test(name)) return value;
  return FALLBACK[index % FALLBACK.length]!;
}

function randomText(seed: string, bytes: number): string {
  return detBytes(seed, bytes).toString('base64');
}

/** A fake credential-looking value that contains the inventory's `pattern`. */
export function credentialValue(pattern: string | null | undefined, seed: string): string {
  const tag = detBytes(`tag:${seed}`, 3).toString('hex');
  const p = (pattern ?? '').trim();
  switch (p.toLowerCase()) {
    case 'accountkey=':
      return `DefaultEndpointsProtocol=https;AccountName=st${tag};AccountKey=${randomText(seed, 64)};EndpointSuffix=core.windows.net`;
    case 'sharedaccesskey=':
      return `Endpoint=sb://sb-${tag}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${randomText(seed, 32)}`;
    case '':
    case 'password=':
      return `Server=tcp:sql-${tag}.database.windows.net,1433;Database=app;User Id=app;Password=${detBytes(seed, 15).toString('base64url')};Encrypt=True;`;
    default:
      return `${p}${detBytes(seed, 24).toString('base64url')}`;
  }
}

/**
 * `@Microsoft.KeyVault(...)` for a reference, cycling deterministically through the forms App
 * Service accepts: versioned SecretUri, SecretUri without version, VaultName/SecretName, and
 * SecretUri with the trailing slash the docs show.
 */
export function referenceValue(secretId: string, n: number): string {
  let url: URL | null;
  try {
    url = new URL(secretId);
  } catch {
    url = null;
  }
  const segments = url ? url.pathname.split('/').filter(Boolean) : [];
  if (!url || segments[0]?.toLowerCase() !== 'secrets' || !segments[1]) {
    return `@Microsoft.KeyVault(SecretUri=${secretId})`;
  }
  const host = url.hostname.toLowerCase();
  const name = segments[1];
  const given = segments[2];
  const plain = `${url.origin}/secrets/${name}`;
  if (given) {
    return n % 2 === 0
      ? `@Microsoft.KeyVault(SecretUri=${plain}/${given})`
      : `@Microsoft.KeyVault(VaultName=${host.split('.')[0]};SecretName=${name};SecretVersion=${given})`;
  }
  switch (n % 4) {
    case 0:
      return `@Microsoft.KeyVault(SecretUri=${plain}/${versionOf(host, name)})`;
    case 1:
      return `@Microsoft.KeyVault(SecretUri=${plain})`;
    case 2:
      return `@Microsoft.KeyVault(VaultName=${host.split('.')[0]};SecretName=${name})`;
    default:
      return `@Microsoft.KeyVault(SecretUri=${plain}/)`;
  }
}

function settingValue(
  setting: ResourceSetting,
  resourceId: string,
  index: number,
  refCounter: { n: number },
): string {
  if (setting.kind === 'keyVaultReference') return referenceValue(setting.secretId, refCounter.n++);
  if (setting.looksLikeCredential) return credentialValue(setting.pattern, `${resourceId}/${setting.name}`);
  return harmlessValue(setting.name, index);
}

export function buildSites(inventory: Inventory, locationOf: (sub: string, rg: string) => string): Site[] {
  const refCounter = { n: 0 };
  const sites: Site[] = [];
  for (const r of inventory.resources ?? []) {
    if (!/^microsoft\.web\/sites$/i.test(r.type)) continue;
    const scope = armScope(r.id);
    if (!scope) continue;
    const kind = isFunctionApp(r) ? 'functionapp' : 'app';
    const location = locationOf(scope.subscriptionId, scope.resourceGroup);
    const hostName = `${r.name.toLowerCase()}.azurewebsites.net`;
    const site = {
      id: r.id,
      name: r.name,
      type: 'Microsoft.Web/sites',
      kind,
      location,
      tags: {},
      properties: {
        name: r.name,
        state: 'Running',
        hostNames: [hostName],
        webSpace: `${scope.resourceGroup}-${location.replace(/\s+/g, '')}webspace`,
        repositorySiteName: r.name,
        usageState: 'Normal',
        enabled: true,
        enabledHostNames: [hostName, `${r.name.toLowerCase()}.scm.azurewebsites.net`],
        availabilityState: 'Normal',
        serverFarmId: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/Microsoft.Web/serverfarms/asp-${scope.resourceGroup}`,
        reserved: false,
        isXenon: false,
        hyperV: false,
        storageAccountRequired: false,
        keyVaultReferenceIdentity: 'SystemAssigned',
        clientAffinityEnabled: false,
        clientCertEnabled: false,
        hostNamesDisabled: false,
        defaultHostName: hostName,
        httpsOnly: true,
        redundancyMode: 'None',
        publicNetworkAccess: 'Enabled',
        resourceGroup: scope.resourceGroup,
      },
    };
    const properties: Record<string, string> = {};
    r.settings.forEach((s, i) => {
      properties[s.name] = settingValue(s, r.id, i, refCounter);
    });
    sites.push({
      resource: r,
      subscriptionId: scope.subscriptionId,
      resourceGroup: scope.resourceGroup,
      json: JSON.stringify(site),
      appSettingsJson: JSON.stringify({
        id: `${r.id}/config/appsettings`,
        name: 'appsettings',
        type: 'Microsoft.Web/sites/config',
        kind,
        location,
        properties,
      }),
    });
  }
  return sites;
}

// ---- Graph ---------------------------------------------------------------------------------

/** A GUID-shaped id derived from a string. */
export function guidOf(text: string): string {
  const h = detBytes(`guid:${text}`, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function graphTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace('.000Z', 'Z');
}

export function graphApplication(app: AppRegistration, collectedAt: string): Record<string, unknown> {
  const now = Date.parse(collectedAt);
  return {
    id: guidOf(`app-object:${app.appId}`),
    appId: app.appId,
    displayName: app.displayName,
    passwordCredentials: app.passwordCredentials.map((c) => {
      const end = c.endDateTime ? Date.parse(c.endDateTime) : null;
      const start = Math.min(end !== null ? end - 365 * DAY_MS : now, now - DAY_MS);
      return {
        customKeyIdentifier: null,
        displayName: c.displayName,
        endDateTime: c.endDateTime ? graphTime(c.endDateTime) : null,
        hint: 'abc',
        keyId: c.keyId,
        secretText: null,
        startDateTime: graphTime(new Date(start).toISOString()),
      };
    }),
  };
}

/** Coordinate byte lengths are part of the wire contract; re-exported for tests. */
export { COORDINATE_BYTES };
