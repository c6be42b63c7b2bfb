/**
 * Pure mappings from the Azure SDKs' models to `certify.inventory/v1`. No value of a secret
 * passes through here: the SDK models used carry properties (metadata) only.
 */
import { X509Certificate } from 'node:crypto';
import type { Vault as ArmVault } from '@azure/arm-keyvault';
import type { CertificatePolicy, CertificateProperties } from '@azure/keyvault-certificates';
import type { JsonWebKey, KeyProperties, KeyRotationPolicy } from '@azure/keyvault-keys';
import type { SecretProperties } from '@azure/keyvault-secrets';
import type {
  Certificate,
  Curve,
  Key,
  KeyType,
  RotationPolicySummary,
  Secret,
  Tags,
  Vault,
} from '../../inventory/types.js';

/** ISO 8601 UTC with seconds (`…:00Z`), the inventory's form; milliseconds only when present. */
export function isoTime(d: Date | undefined | null): string | null {
  if (!d || Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace('.000Z', 'Z');
}

const ARM_ID = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i;

export function armScope(id: string): { subscriptionId: string; resourceGroup: string } {
  const m = ARM_ID.exec(id);
  return { subscriptionId: m?.[1] ?? '', resourceGroup: m?.[2] ?? '' };
}

function cleanTags(tags: Record<string, string | undefined> | undefined | null): Tags {
  const out: Tags = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Private endpoint connections whose private link service connection state is Approved
 * (Pending, Rejected and Disconnected connections carry no traffic). The status is compared
 * ignoring case.
 */
export function approvedPrivateEndpoints(v: ArmVault): number {
  let n = 0;
  for (const c of v.properties.privateEndpointConnections ?? []) {
    if ((c.privateLinkServiceConnectionState?.status ?? '').toLowerCase() === 'approved') n++;
  }
  return n;
}

/** ARM vault → inventory vault. A property ARM leaves out means the feature is off. */
export function mapVault(v: ArmVault): Vault {
  const p = v.properties;
  const id = v.id ?? '';
  const access = (p.publicNetworkAccess ?? 'Enabled').toLowerCase() === 'disabled' ? 'Disabled' : 'Enabled';
  const action = (p.networkAcls?.defaultAction ?? 'Allow').toLowerCase() === 'deny' ? 'Deny' : 'Allow';
  return {
    id,
    name: v.name ?? '',
    ...armScope(id),
    location: v.location ?? '',
    vaultUri: p.vaultUri ?? `https://${v.name}.vault.azure.net/`,
    sku: (p.sku?.name ?? 'standard').toLowerCase() === 'premium' ? 'premium' : 'standard',
    softDeleteEnabled: p.enableSoftDelete ?? false,
    softDeleteRetentionDays: p.softDeleteRetentionInDays ?? null,
    purgeProtectionEnabled: p.enablePurgeProtection ?? false,
    publicNetworkAccess: access,
    networkDefaultAction: action,
    privateEndpointConnections: approvedPrivateEndpoints(v),
    rbacAuthorization: p.enableRbacAuthorization ?? false,
    accessError: null,
    tags: cleanTags(v.tags),
  };
}

/** The inventory id of a vault asset: the vault URI + kind + name, never a version. */
export function assetId(vaultUri: string, kind: 'secrets' | 'keys' | 'certificates', name: string): string {
  return `${vaultUri.replace(/\/+$/, '')}/${kind}/${name}`;
}

interface CommonProps {
  name?: string;
  enabled?: boolean;
  createdOn?: Date;
  updatedOn?: Date;
  notBefore?: Date;
  expiresOn?: Date;
  tags?: Record<string, string>;
}

function common(vault: Vault, kind: 'secrets' | 'keys' | 'certificates', p: CommonProps) {
  const created = isoTime(p.createdOn) ?? '1970-01-01T00:00:00Z';
  const name = p.name ?? '';
  return {
    id: assetId(vault.vaultUri, kind, name),
    vault: vault.name,
    name,
    enabled: p.enabled ?? true,
    created,
    updated: isoTime(p.updatedOn) ?? created,
    notBefore: isoTime(p.notBefore),
    expires: isoTime(p.expiresOn),
    tags: cleanTags(p.tags),
  };
}

export function mapSecret(vault: Vault, p: SecretProperties): Secret {
  return { ...common(vault, 'secrets', p), contentType: p.contentType ?? null, managed: p.managed === true };
}

const KEY_TYPES: ReadonlySet<string> = new Set(['RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', 'oct-HSM']);
const CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521', 'P-256K']);

function keyType(text: string | undefined): KeyType | null {
  return text !== undefined && KEY_TYPES.has(text) ? (text as KeyType) : null;
}

function curve(text: string | undefined): Curve | null {
  return text !== undefined && CURVES.has(text) ? (text as Curve) : null;
}

/** Bits of an RSA modulus: its length without leading zero bits. */
export function modulusBits(n: Uint8Array | undefined): number | null {
  if (!n || n.length === 0) return null;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return null;
  return (n.length - i) * 8 - (Math.clz32(n[i]!) - 24);
}

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$/i;

/** ISO 8601 duration → days (`P90D` → 90; months count 30 days, years 365). */
export function durationDays(text: string | undefined): number | null {
  if (!text) return null;
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const [y, mo, w, d] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
  ];
  return y * 365 + mo * 30 + w * 7 + d;
}

/**
 * The "Rotate" action's triggers; null when the key has no policy. Key Vault answers a key
 * without an explicit policy with a default one that has no id and only a Notify action.
 */
export function mapRotationPolicy(policy: KeyRotationPolicy | null): RotationPolicySummary | null {
  if (!policy) return null;
  const rotate = (policy.lifetimeActions ?? []).find((a) => a.action.toLowerCase() === 'rotate');
  if (policy.id === undefined && !rotate) return null;
  return {
    rotateAfterDays: durationDays(rotate?.timeAfterCreate),
    rotateBeforeExpiryDays: durationDays(rotate?.timeBeforeExpiry),
  };
}

/**
 * A key from its list item `p`, the current version's properties `current` (from `getKey`; absent
 * when Key Vault refuses to read a disabled key) and its public JWK. `created` is the current
 * version's creation (K009 measures a key's age from it), read from `current` when there is one.
 */
export function mapKey(
  vault: Vault,
  p: KeyProperties,
  jwk: JsonWebKey | undefined,
  rotation: RotationPolicySummary | null,
  current?: KeyProperties,
): Key {
  const type = keyType(jwk?.kty) ?? 'RSA';
  const isRsa = type === 'RSA' || type === 'RSA-HSM';
  const base = common(vault, 'keys', p);
  const created = isoTime(current?.createdOn);
  return {
    ...base,
    ...(created !== null ? { created } : {}),
    keyType: type,
    keySize: isRsa ? modulusBits(jwk?.n) : null,
    curve: isRsa ? null : curve(jwk?.crv),
    rotationPolicy: rotation,
    managed: p.managed === true,
  };
}

/** Key type, size and curve of a certificate's public key, read from its DER. */
export function derKeyShape(
  cer: Uint8Array | undefined,
): Pick<Certificate, 'keyType' | 'keySize' | 'curve'> | null {
  if (!cer || cer.length === 0) return null;
  try {
    const details = new X509Certificate(cer).publicKey.asymmetricKeyDetails ?? {};
    const named = details.namedCurve;
    if (named) {
      const byOid: Record<string, Curve> = {
        prime256v1: 'P-256',
        secp384r1: 'P-384',
        secp521r1: 'P-521',
        secp256k1: 'P-256K',
      };
      return { keyType: 'EC', keySize: null, curve: byOid[named] ?? null };
    }
    return { keyType: 'RSA', keySize: details.modulusLength ?? null, curve: null };
  } catch {
    return null;
  }
}

export function mapCertificate(
  vault: Vault,
  p: CertificateProperties,
  policy: CertificatePolicy | undefined,
  cer: Uint8Array | undefined,
): Certificate {
  const fromPolicy = policy?.keyType
    ? {
        keyType: keyType(policy.keyType),
        keySize: policy.keyType.startsWith('RSA') ? (policy.keySize ?? null) : null,
        curve: policy.keyType.startsWith('EC') ? curve(policy.keyCurveName) : null,
      }
    : null;
  const shape = fromPolicy ?? derKeyShape(cer) ?? { keyType: null, keySize: null, curve: null };
  return {
    ...common(vault, 'certificates', p),
    ...shape,
    issuer: policy?.issuerName ?? null,
    subject: policy?.subject ?? null,
  };
}
