/**
 * Vault asset URLs, `https://<vault>.<suffix>[:port]/<kind>/<name>[/<version>]`: the one place
 * that splits them into vault, kind and name. Without a regex or `new URL`: the scanner splits
 * every secret and every reference (a million times on a large tenant), and `new URL` dominated
 * large report exports.
 */

/** The path kinds of a vault asset. */
export const ASSET_KINDS: ReadonlySet<string> = new Set(['secrets', 'keys', 'certificates']);

export interface AssetUrlParts {
  /** The host as written, with any port: `kv-prod.vault.azure.net`, `127.0.0.1:8443`. */
  host: string;
  /** The host's first label without a port, as written: the vault name. */
  vault: string;
  /** The first path segment, lowercased: `secrets`, `keys` or `certificates` for a vault asset. */
  kind: string;
  /** The segment after the kind, as written, up to a `/`, `?` or `#`; never empty. */
  name: string;
  /** Where the kind starts: `url.slice(start, end)` is `<kind>/<name>` as written. */
  start: number;
  /** Where the name ends: `url.slice(0, end)` is the URL without a version. */
  end: number;
}

/**
 * Host, vault, kind and name of `scheme://host/kind/name[...]`, or null when the URL has no
 * scheme, no kind segment or an empty name. Any kind is returned: callers that take only vault
 * assets check {@link ASSET_KINDS}.
 */
export function parseAssetUrl(url: string): AssetUrlParts | null {
  const scheme = url.indexOf('://');
  if (scheme < 0) return null;
  const pathStart = url.indexOf('/', scheme + 3);
  if (pathStart < 0) return null;
  const kindEnd = url.indexOf('/', pathStart + 1);
  if (kindEnd < 0) return null;
  let nameEnd = kindEnd + 1;
  while (nameEnd < url.length) {
    const ch = url.charCodeAt(nameEnd);
    if (ch === 47 /* / */ || ch === 63 /* ? */ || ch === 35 /* # */) break;
    nameEnd++;
  }
  if (nameEnd === kindEnd + 1) return null;
  const host = url.slice(scheme + 3, pathStart);
  const dot = host.indexOf('.');
  const label = dot < 0 ? host : host.slice(0, dot);
  return {
    host,
    vault: label.includes(':') ? label.replace(/:\d+$/, '') : label,
    kind: url.slice(pathStart + 1, kindEnd).toLowerCase(),
    name: url.slice(kindEnd + 1, nameEnd),
    start: pathStart + 1,
    end: nameEnd,
  };
}

/**
 * {@link parseAssetUrl} for an `https:` URL of a vault asset (a kind in {@link ASSET_KINDS})
 * whose host is `<vault>.<suffix>`; null for anything else (`http:`, `localhost`, an ARM id).
 */
export function parseVaultAssetUrl(url: string): AssetUrlParts | null {
  if (url.length < 8 || url.slice(0, 8).toLowerCase() !== 'https://') return null;
  const parts = parseAssetUrl(url);
  if (parts === null || !ASSET_KINDS.has(parts.kind)) return null;
  return parts.host.indexOf('.') > 0 ? parts : null;
}
