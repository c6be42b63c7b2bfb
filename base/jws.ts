/**
 * ES256 JSON Web Signatures (RFC 7515) and keys (RFC 7517), on Node's crypto alone: compact
 * JWS, detached JWS (RFC 7515 appendix F: the payload travels beside the signature) and the
 * RFC 7638 thumbprint used as `kid`. Pure functions of their inputs; no key is read here.
 */
import { createHash, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface Jwks {
  keys: PublicJwk[];
}

/** What signs: the private key and its public half's identifiers. */
export interface Signer {
  readonly kid: string;
  readonly publicJwk: PublicJwk;
  /** Raw r‖s ES256 signature over `data`; asynchronous because the key may live in an HSM. */
  sign(data: Uint8Array): Promise<Buffer>;
  /**
   * A key that rotates (Key Vault, unversioned) returns a signer fixed to its current version, so
   * a JWS's `kid` header and its signature always come from the same version.
   */
  pin?(): Promise<Signer>;
}

/** The product's signing key, wherever it lives (the data dir's PEM, or Key Vault). */
export interface SigningKey extends Signer {
  /** Every public key a bundle or certificate may still be verified with. */
  jwks(): Jwks;
  /** Where the key lives, for the audit log and start-up messages: a path or a key id, never a secret. */
  readonly source: string;
  /** Why the key cannot sign now, or null; cheap enough for every readiness probe. */
  problem(): Promise<string | null>;
}

export const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');

function fromB64url(part: string, what: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw new JwsError(`${what} is not base64url`);
  return Buffer.from(part, 'base64url');
}

export class JwsError extends Error {
  override readonly name = 'JwsError';
}

/** RFC 7638 thumbprint of a P-256 public key: the canonical `kid`. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JsonWebKey;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new JwsError('the signing key is not an EC P-256 key');
  }
  const base = { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x, y: jwk.y };
  return { ...base, kid: jwkThumbprint(base), alg: 'ES256', use: 'sig' };
}

/** A Signer over an EC P-256 private key. */
export function signerFromKey(privateKey: KeyObject): Signer {
  const publicJwk = publicJwkOf(privateKey);
  return {
    kid: publicJwk.kid,
    publicJwk,
    sign: async (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
  };
}

/**
 * The signer fixed to one key version, for a caller that names the key (`kid`, the public JWK)
 * beside the signatures it makes: both then come from the same version, even across a rotation.
 */
export async function pinSigner(signer: Signer): Promise<Signer> {
  return signer.pin ? signer.pin() : signer;
}

function header(kid: string, extra: Record<string, unknown>): string {
  return b64url(JSON.stringify({ alg: 'ES256', kid, ...extra }));
}

/**
 * The signing input `header.payload` of a compact JWS: for a signer that must stay synchronous
 * (the demo tenant's, drawn while a tenant is generated) to append its own signature to.
 */
export function compactSigningInput(
  kid: string,
  payload: unknown,
  extraHeader: Record<string, unknown> = {},
): string {
  return `${header(kid, { typ: 'JWT', ...extraHeader })}.${b64url(JSON.stringify(payload))}`;
}

/** Compact JWS `header.payload.signature` over a JSON payload. */
export async function signCompact(
  key: Signer,
  payload: unknown,
  extraHeader: Record<string, unknown> = {},
): Promise<string> {
  const signer = await pinSigner(key);
  const input = compactSigningInput(signer.kid, payload, extraHeader);
  return `${input}.${b64url(await signer.sign(Buffer.from(input)))}`;
}

/**
 * Detached JWS `header..signature` over exact bytes (e.g. manifest.json as written), so the
 * file itself is what is signed and a verifier never has to re-serialise JSON.
 */
export async function signDetached(
  key: Signer,
  content: Uint8Array,
  extraHeader: Record<string, unknown> = {},
): Promise<string> {
  const signer = await pinSigner(key);
  const h = header(signer.kid, extraHeader);
  return `${h}..${b64url(await signer.sign(Buffer.from(`${h}.${b64url(content)}`)))}`;
}

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: Buffer;
  kid: string;
}

function keyFor(jwks: Jwks, kid: unknown): PublicJwk {
  if (typeof kid !== 'string') throw new JwsError('the JWS header has no kid');
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new JwsError(`no key with kid ${kid} in the key set`);
  if (jwkThumbprint(jwk) !== kid)
    throw new JwsError(`the key set's key ${kid} does not match its thumbprint`);
  return jwk;
}

function verifyParts(h: string, p: string, s: string, jwks: Jwks): VerifiedJws {
  let parsedHeader: Record<string, unknown>;
  try {
    parsedHeader = JSON.parse(fromB64url(h, 'the JWS header').toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new JwsError(e instanceof JwsError ? e.message : 'the JWS header is not JSON');
  }
  if (parsedHeader.alg !== 'ES256')
    throw new JwsError(`unexpected alg ${String(parsedHeader.alg)} (only ES256)`);
  const jwk = keyFor(jwks, parsedHeader.kid);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  const signature = fromB64url(s, 'the JWS signature');
  const ok =
    signature.length === 64 &&
    verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new JwsError(`the signature does not verify with key ${jwk.kid}`);
  return { header: parsedHeader, payload: fromB64url(p, 'the JWS payload'), kid: jwk.kid };
}

/** Verifies a compact JWS against a key set; throws JwsError naming what is wrong. */
export function verifyCompact(jws: string, jwks: Jwks): VerifiedJws {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] === '')
    throw new JwsError('not a compact JWS (header.payload.signature)');
  return verifyParts(parts[0]!, parts[1]!, parts[2]!, jwks);
}

/** Verifies a detached JWS over `content`; throws JwsError naming what is wrong. */
export function verifyDetached(jws: string, content: Uint8Array, jwks: Jwks): VerifiedJws {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || parts[1] !== '') throw new JwsError('not a detached JWS (header..signature)');
  return verifyParts(parts[0]!, b64url(content), parts[2]!, jwks);
}

/** Reads a JSON key set, keeping only well-formed ES256 P-256 keys. */
export function parseJwks(text: string): Jwks {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwsError('the key set is not JSON');
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new JwsError('the key set has no "keys" array');
  const ok = keys.filter(
    (k): k is PublicJwk =>
      typeof k === 'object' &&
      k !== null &&
      (k as PublicJwk).kty === 'EC' &&
      (k as PublicJwk).crv === 'P-256' &&
      typeof (k as PublicJwk).x === 'string' &&
      typeof (k as PublicJwk).y === 'string' &&
      typeof (k as PublicJwk).kid === 'string',
  );
  return { keys: ok };
}
