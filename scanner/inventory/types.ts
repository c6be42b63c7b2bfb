/**
 * `certify.inventory/v1` — the one shape every source produces and the only thing rules read.
 * See shared/spec/inventory.md. `null` means "known to be absent"; an optional top-level
 * section left `undefined` means "this source did not collect it".
 */

export const INVENTORY_SCHEMA = 'certify.inventory/v1';

/** ISO 8601 UTC time string, e.g. `2026-01-02T00:00:00Z`. */
export type IsoTime = string;
export type Tags = Record<string, string>;

export interface Vault {
  /** ARM resource id. */
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  vaultUri: string;
  sku: 'standard' | 'premium';
  softDeleteEnabled: boolean;
  /** 7–90, null when unknown. */
  softDeleteRetentionDays: number | null;
  purgeProtectionEnabled: boolean;
  publicNetworkAccess: 'Enabled' | 'Disabled';
  networkDefaultAction: 'Allow' | 'Deny';
  privateEndpointConnections: number;
  rbacAuthorization: boolean;
  /** Why the data plane could not be listed, or null. */
  accessError: string | null;
  tags: Tags;
}

interface VaultAssetBase {
  /** Asset URL without version, e.g. `https://kv-prod.vault.azure.net/secrets/db-password`. */
  id: string;
  vault: string;
  name: string;
  enabled: boolean;
  created: IsoTime;
  updated: IsoTime;
  notBefore: IsoTime | null;
  expires: IsoTime | null;
  tags: Tags;
}

export interface Secret extends VaultAssetBase {
  contentType: string | null;
  /** True when the secret backs a certificate; secret rules skip it. */
  managed: boolean;
}

export type KeyType = 'RSA' | 'RSA-HSM' | 'EC' | 'EC-HSM' | 'oct' | 'oct-HSM';
export type Curve = 'P-256' | 'P-384' | 'P-521' | 'P-256K';

export interface RotationPolicySummary {
  rotateAfterDays: number | null;
  rotateBeforeExpiryDays: number | null;
}

export interface Key extends VaultAssetBase {
  keyType: KeyType;
  keySize: number | null;
  curve: Curve | null;
  rotationPolicy: RotationPolicySummary | null;
  managed: boolean;
}

export interface Certificate extends VaultAssetBase {
  keyType: KeyType | null;
  keySize: number | null;
  curve: Curve | null;
  issuer: string | null;
  subject: string | null;
}

export type ResourceSetting =
  | { name: string; kind: 'keyVaultReference'; secretId: string }
  | { name: string; kind: 'plain'; looksLikeCredential: boolean; pattern?: string | null };

export interface Resource {
  id: string;
  name: string;
  type: string;
  settings: ResourceSetting[];
}

export interface Dependency {
  resourceId: string;
  credentialId: string;
  confidence: number;
  reviewed: boolean;
}

export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  endDateTime: IsoTime | null;
}

export interface AppRegistration {
  appId: string;
  displayName: string;
  passwordCredentials: PasswordCredential[];
}

export type MatchState = 'verified' | 'unverified' | 'excluded';

export interface RotationPolicy {
  id: string;
  credential: { appId: string; keyId: string };
  enabled: boolean;
  targetVault: string | null;
  matches: { secretId: string; state: MatchState }[];
}

export interface RotationEvent {
  id: string;
  credentialId: string;
  fullStack: boolean;
  status: 'succeeded' | 'failed';
  startedAt: IsoTime;
  finishedAt: IsoTime | null;
}

export interface SyncRun {
  at: IsoTime;
  status: 'succeeded' | 'failed';
  sourceHash: string | null;
  targetHash: string | null;
}

export interface SyncRecord {
  id: string;
  secretId: string;
  target: string;
  active: boolean;
  runs: SyncRun[];
}

export interface SyncWorker {
  running: boolean;
  lastHeartbeat: IsoTime | null;
}

/** A provenance certificate Certify issued (a compact JWS), as the provenance rule reads it. */
export interface ProvenanceCertificate {
  id: string;
  jws: string;
}

/**
 * What the provenance rule (P011) checks secrets' `certify-provenance` tags against: the
 * certificates Certify issued and the public keys that sign them. Not read from Azure: the
 * service adds it to every scan from its own certificate store and signing key.
 */
export interface ProvenanceSection {
  jwks: { keys: { kty: 'EC'; crv: 'P-256'; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' }[] };
  certificates: ProvenanceCertificate[];
}

export interface Inventory {
  schema: typeof INVENTORY_SCHEMA;
  tenantId: string;
  collectedAt: IsoTime;
  vaults: Vault[];
  secrets: Secret[];
  keys: Key[];
  certificates: Certificate[];
  resources?: Resource[];
  dependencies?: Dependency[];
  appRegistrations?: AppRegistration[];
  rotationPolicies?: RotationPolicy[];
  rotationEvents?: RotationEvent[];
  syncRecords?: SyncRecord[];
  /** `null`: no worker known; `undefined`: not collected. */
  syncWorker?: SyncWorker | null;
  provenance?: ProvenanceSection;
}

/** The optional sections, whose absence makes the rules that need them not_applicable. */
export const OPTIONAL_SECTIONS = [
  'resources',
  'dependencies',
  'appRegistrations',
  'rotationPolicies',
  'rotationEvents',
  'syncRecords',
  'syncWorker',
  'provenance',
] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];
