/**
 * Who may deliver to /api/eventgrid: the holder of the delivery URL's key, or Event Grid with an
 * Entra ID token for our audience. The decision is separate from the HTTP route, and the
 * token's keys come through a port (jose's key resolver), so nothing here fetches at import time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { EventGridConfig } from './config.js';

/** Entra's clock and ours may disagree a little; a minute is what Microsoft's own libraries allow. */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** Why a request was refused: bounded values, safe for the audit log (never the credential). */
export type RefusalReason =
  | 'no credential'
  | 'wrong key'
  | 'token signature'
  | 'token expired'
  | 'token not yet valid'
  | 'token audience'
  | 'token issuer'
  | 'token malformed'
  | 'token keys unavailable';

export type AuthDecision =
  | { ok: true; by: 'key' | 'token' }
  /** `detail`: what failed, for the log (never the token); set when the keys could not be read. */
  | { ok: false; reason: RefusalReason; detail?: string };

/** Constant time whatever the lengths: both sides are hashed to equal-length digests first. */
export function keyMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The issuers Entra ID writes for this tenant: v1 tokens (sts.windows.net in the public cloud) and v2. */
export function entraIssuers(authorityHost: string, tenantId: string): string[] {
  const v2 = `${authorityHost}/${tenantId}/v2.0`;
  const v1 =
    authorityHost === 'https://login.microsoftonline.com'
      ? `https://sts.windows.net/${tenantId}/`
      : `${authorityHost}/${tenantId}/`;
  return [v1, v2];
}

export function jwksUrl(authorityHost: string, tenantId: string): URL {
  return new URL(`${authorityHost}/${tenantId}/discovery/v2.0/keys`);
}

/**
 * The production key resolver: the tenant's published keys, fetched on first use, cached and
 * refetched by jose when a token names a key it does not know (Entra rotates its keys).
 */
export function tenantKeys(entra: NonNullable<EventGridConfig['entra']>): JWTVerifyGetKey {
  return createRemoteJWKSet(jwksUrl(entra.authorityHost, entra.tenantId));
}

function tokenRefusal(e: unknown): RefusalReason {
  if (e instanceof joseErrors.JWTExpired) return 'token expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return 'token audience';
    if (e.claim === 'iss') return 'token issuer';
    if (e.claim === 'nbf' || e.claim === 'iat') return 'token not yet valid';
    return 'token malformed';
  }
  if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'token signature';
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JWKSInvalid)
    return 'token keys unavailable';
  // A fetch of the keys that failed is not a jose error: the token could not be checked.
  if (!(e instanceof joseErrors.JOSEError)) return 'token keys unavailable';
  return 'token malformed';
}

export interface Credentials {
  /** The `key` query parameter, if any. */
  key: string | null;
  /** The Authorization header, if any. */
  authorization: string | null;
}

/**
 * Accepts the request when either configured credential is valid: with both configured, a
 * subscription can move from the key to Entra tokens (or back) without missing a delivery.
 * A presented credential that fails is reported as such even when the other one is absent.
 */
export async function authenticate(
  creds: Credentials,
  config: Pick<EventGridConfig, 'key' | 'entra'>,
  deps: { keys: JWTVerifyGetKey | null; now: number },
): Promise<AuthDecision> {
  let refusal: RefusalReason = 'no credential';
  let detail: string | undefined;
  if (config.key !== null && creds.key !== null) {
    if (keyMatches(creds.key, config.key)) return { ok: true, by: 'key' };
    refusal = 'wrong key';
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(creds.authorization ?? '')?.[1];
  if (config.entra !== null && deps.keys !== null && bearer !== undefined) {
    try {
      await jwtVerify(bearer, deps.keys, {
        audience: config.entra.audience,
        issuer: entraIssuers(config.entra.authorityHost, config.entra.tenantId),
        // Entra signs with RS256; refusing the rest closes the algorithm-confusion door.
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(deps.now),
        requiredClaims: ['exp'],
      });
      return { ok: true, by: 'token' };
    } catch (e) {
      refusal = tokenRefusal(e);
      if (refusal === 'token keys unavailable') detail = (e as Error).message;
    }
  }
  return detail === undefined ? { ok: false, reason: refusal } : { ok: false, reason: refusal, detail };
}
