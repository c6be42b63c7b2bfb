/**
 * Asset identifiers (inventory.md, "Asset identifiers"). Secret and reference ids compare
 * case-insensitively, without a trailing version segment and without a trailing slash.
 */

const KINDS: ReadonlySet<string> = new Set(['secrets', 'keys', 'certificates']);

/**
 * Splits a vault asset URL into host, kind and name without a regex or `new URL`: the scanner
 * calls this for every secret and every reference, a million times on a large tenant.
 */
function splitAssetUrl(url: string): { host: string; kind: string; name: string; end: number } | null {
  const scheme = url.indexOf('://');
  if (scheme < 0) return null;
  const pathStart = url.indexOf('/', scheme + 3);
  if (pathStart < 0) return null;
  const kindEnd = url.indexOf('/', pathStart + 1);
  if (kindEnd < 0) return null;
  const kind = url.slice(pathStart + 1, kindEnd).toLowerCase();
  if (!KINDS.has(kind)) return null;
  let nameEnd = kindEnd + 1;
  while (nameEnd < url.length) {
    const ch = url.charCodeAt(nameEnd);
    if (ch === 47 /* / */ || ch === 63 /* ? */ || ch === 35 /* # */) break;
    nameEnd++;
  }
  if (nameEnd === kindEnd + 1) return null;
  return {
    host: url.slice(scheme + 3, pathStart),
    kind,
    name: url.slice(kindEnd + 1, nameEnd),
    end: nameEnd,
  };
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
  const host = parts.host.replace(/:\d+$/, '');
  const dot = host.indexOf('.');
  return `${dot < 0 ? host : host.slice(0, dot)}/${parts.name}`.toLowerCase();
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
