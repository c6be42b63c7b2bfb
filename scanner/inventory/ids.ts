/**
 * Asset identifiers (inventory.md, "Asset identifiers"). Secret and reference ids compare
 * case-insensitively, without a trailing version segment and without a trailing slash.
 */

const ASSET_PATH =
  /^(https?:\/\/[^/]+)\/(secrets|keys|certificates)\/([^/?#]+)(?:\/[^/?#]*)?\/?(?:[?#].*)?$/i;

/** Canonical form of a vault asset URL: lowercase, no version, no trailing slash. */
export function normalizeAssetId(url: string): string {
  const trimmed = url.trim();
  const m = ASSET_PATH.exec(trimmed);
  if (!m) return trimmed.replace(/\/+$/, '').toLowerCase();
  return `${m[1]}/${m[2]}/${m[3]}`.toLowerCase();
}

/** `vault/name` key (lowercase) of a vault asset URL, e.g. `kv-prod/db-password`; null if not one. */
export function vaultAndName(url: string): string | null {
  const m = ASSET_PATH.exec(url.trim());
  if (!m) return null;
  const host = new URL(m[1]!).hostname;
  const vault = host.split('.')[0] ?? host;
  return `${vault}/${m[3]}`.toLowerCase();
}

export function appCredentialId(appId: string, keyId: string): string {
  return `app:${appId}/password:${keyId}`;
}

export function settingId(resourceId: string, settingName: string): string {
  return `${resourceId}/settings/${settingName}`;
}

export function dependencyId(resourceId: string, credentialId: string): string {
  return `${resourceId} -> ${credentialId}`;
}

/** The id a sync-worker finding carries (there is at most one worker per inventory). */
export const SYNC_WORKER_ID = 'sync-worker';
