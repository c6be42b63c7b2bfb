/**
 * Asset identifiers (inventory.md, "Asset identifiers"). Secret and reference ids compare
 * case-insensitively, without a trailing version segment and without a trailing slash.
 */
import { ASSET_KINDS, parseAssetUrl, type AssetUrlParts } from '../../base/asset-url.js';

/** Host, kind and name of a vault asset URL (a kind in {@link ASSET_KINDS}), or null. */
function splitAssetUrl(url: string): AssetUrlParts | null {
  const parts = parseAssetUrl(url);
  return parts !== null && ASSET_KINDS.has(parts.kind) ? parts : null;
}

/** Canonical form of a vault asset URL: lowercase, no version, no trailing slash. */
export function normalizeAssetId(url: string): string {
  const trimmed = url.trim();
  const parts = splitAssetUrl(trimmed);
  if (!parts) return trimmed.replace(/\/+$/, '').toLowerCase();
  return trimmed.slice(0, parts.end).toLowerCase();
}

/** `vault/name` key (lowercase) of a vault asset URL, e.g. `kv-prod/db-password`; null if not one. */
export function vaultAndName(url: string): string | null {
  const parts = splitAssetUrl(url.trim());
  if (!parts) return null;
  return `${parts.vault}/${parts.name}`.toLowerCase();
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
