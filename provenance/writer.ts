/**
 * The one write the product makes: a new version of a Key Vault secret, for a rotation. A port,
 * so the rotation workflow runs the same against Azure (core/keyvault-writer.ts, the official
 * SDK), the fake Key Vault in tests, and the demo tenant (which keeps only the metadata).
 */

/** Tag names written on a rotated secret; the provenance rule reads them back. */
export const PROVENANCE_TAG = 'certify-provenance';
export const PROVENANCE_URL_TAG = 'certify-provenance-url';
export const PRESET_TAG = 'certify-preset';
/** Key Vault allows tag values up to 256 characters. */
export const MAX_TAG_VALUE = 256;

export interface SecretWrite {
  /** Vault name, e.g. `kv-prod`. */
  vault: string;
  /** Secret name, e.g. `db-password`. */
  name: string;
  /** The credential. Passed to Key Vault and nowhere else: never logged, stored or shown. */
  value: string;
  tags: Record<string, string>;
  expiresOn: Date | null;
  contentType: string;
}

export interface SecretWriteResult {
  /** The new version's id (versioned URL), e.g. `https://kv-prod.vault.azure.net/secrets/db-password/0f1e…`. */
  id: string;
  version: string;
  /** `https://kv-prod.vault.azure.net`. */
  vaultUrl: string;
}

export interface SecretWriter {
  /** 'azure': a real (or fake) Key Vault through the SDK; 'demo': nothing is written anywhere. */
  readonly kind: 'azure' | 'demo';
  write(request: SecretWrite): Promise<SecretWriteResult>;
}
