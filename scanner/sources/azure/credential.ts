/**
 * One token per audience for the whole scan. Every SDK client keeps its own token cache, and a
 * scan makes three Key Vault clients per vault: without sharing, each of them asks the
 * credential again — with the Azure CLI credential that is one `az` process per client (about
 * 600 for a 200-vault tenant, most of the scan's CPU). Tokens are shared only while comfortably
 * valid, and a request carrying claims (a CAE challenge) always reaches the credential.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** A token this close to expiry is fetched again (the SDKs' own cyclers refresh within 2 min). */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface Entry {
  fetching: Promise<AccessToken | null>;
  token?: AccessToken;
}

export function sharedTokenCredential(credential: TokenCredential, now = Date.now): TokenCredential {
  const entries = new Map<string, Entry>();
  function getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (options?.claims) return credential.getToken(scopes, options);
    const key = JSON.stringify([
      [scopes].flat().sort(),
      options?.tenantId ?? '',
      options?.enableCae === true,
      options?.proofOfPossessionOptions ?? null,
    ]);
    const entry = entries.get(key);
    // A fetch still in flight is shared, failure included; a finished one only while fresh.
    if (entry && !entry.token) return entry.fetching;
    if (entry?.token && entry.token.expiresOnTimestamp - now() > REFRESH_MARGIN_MS)
      return Promise.resolve(entry.token);
    const fresh: Entry = { fetching: credential.getToken(scopes, options) };
    entries.set(key, fresh);
    fresh.fetching.then(
      (token) => {
        if (token) fresh.token = token;
        else if (entries.get(key) === fresh) entries.delete(key);
      },
      () => {
        // Not kept: the next caller asks the credential again.
        if (entries.get(key) === fresh) entries.delete(key);
      },
    );
    return fresh.fetching;
  }
  return { getToken };
}
