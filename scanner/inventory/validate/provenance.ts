/** The `provenance` section: the public keys and the signed certificates of Certify-made credentials. */
import type { ProvenanceCertificate, ProvenanceSection } from '../types.js';
import { REQUIRED, id, isRecord, nested, oneOf, reject, type Check, type Obj } from './fields.js';
import { array, byId, eachElement, type Section } from './lists.js';
import { at, got, type Problems } from './problems.js';

type PublicJwk = ProvenanceSection['jwks']['keys'][number];

/** Certify's certificate ids: `cert-` and 26 base32 characters (provenance/certificate.ts). */
const CERTIFICATE_ID = /^cert-[a-z2-7]{26}$/;
/** Header, payload and signature, each non-empty base64url. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A P-256 coordinate: 32 bytes in unpadded base64url. */
const P256_COORDINATE = /^[A-Za-z0-9_-]{43}$/;
/**
 * A certificate is about 1.5 KB; the bounds keep a hostile section from holding megabytes per
 * entry, since every string here is fed to base64 decoding and signature checks.
 */
export const PROVENANCE_LIMITS = { maxJwsLength: 8 * 1024, maxKidLength: 256 } as const;

const coordinate: Check<string> = (p, v, sec, i, field) => {
  if (typeof v === 'string' && P256_COORDINATE.test(v)) return v;
  const problem = `must be a P-256 coordinate: 43 base64url characters (got ${got(v)})`;
  reject(p, v, sec, i, field, REQUIRED, problem);
  return '';
};

/** Reports a string longer than `max` characters; true when it is. */
function tooLong(p: Problems, sec: string, i: number, field: string, value: string, max: number): boolean {
  if (value.length <= max) return false;
  p.add(at(sec, i, field), `must be at most ${max} characters (got ${value.length})`);
  return true;
}

function jwk(p: Problems, o: Obj, sec: string, i: number): PublicJwk {
  const kid = id(p, o.kid, sec, i, 'kid');
  tooLong(p, sec, i, 'kid', kid, PROVENANCE_LIMITS.maxKidLength);
  return {
    kty: oneOf(p, o.kty, sec, i, 'kty', ['EC'] as const, REQUIRED)!,
    crv: oneOf(p, o.crv, sec, i, 'crv', ['P-256'] as const, REQUIRED)!,
    x: coordinate(p, o.x, sec, i, 'x'),
    y: coordinate(p, o.y, sec, i, 'y'),
    kid,
    alg: oneOf(p, o.alg, sec, i, 'alg', ['ES256'] as const, REQUIRED)!,
    use: oneOf(p, o.use, sec, i, 'use', ['sig'] as const, REQUIRED)!,
  };
}

const JWKS_KEYS: Section<PublicJwk> = { build: jwk, key: { field: 'kid', of: (k) => k.kid, rule: '' } };

function certificate(p: Problems, o: Obj, sec: string, i: number): ProvenanceCertificate {
  let certId = id(p, o.id, sec, i, 'id');
  if (certId !== '' && !CERTIFICATE_ID.test(certId)) {
    p.add(at(sec, i, 'id'), `must be "cert-" and 26 characters a-z or 2-7 (got ${got(certId)})`);
    certId = '';
  }
  const jws = o.jws;
  if (typeof jws !== 'string') {
    reject(p, jws, sec, i, 'jws', REQUIRED, `must be a string (got ${got(jws)})`);
    return { id: certId, jws: '' };
  }
  if (!tooLong(p, sec, i, 'jws', jws, PROVENANCE_LIMITS.maxJwsLength) && !COMPACT_JWS.test(jws)) {
    p.add(at(sec, i, 'jws'), `must be a compact JWS: three base64url parts joined by dots (got ${got(jws)})`);
  }
  return { id: certId, jws };
}

const CERTIFICATES: Section<ProvenanceCertificate> = { build: certificate, key: byId };

/** The provenance section: an object (not an array like the others), or left out. */
export function provenance(p: Problems, v: unknown, consume: boolean): ProvenanceSection | undefined {
  if (v === undefined) return undefined;
  const sec = 'provenance';
  if (!isRecord(v)) {
    p.add(sec, `must be an object, or left out when it was not collected (got ${got(v)})`);
    return undefined;
  }
  const jwks = nested(p, v.jwks, sec, -1, 'jwks', REQUIRED);
  const keys = jwks ? array(p, jwks.keys, `${sec}.jwks`, -1, 'keys') : undefined;
  const certificates = array(p, v.certificates, sec, -1, 'certificates');
  return {
    jwks: { keys: eachElement(p, keys, `${sec}.jwks.keys`, JWKS_KEYS, consume) },
    certificates: eachElement(p, certificates, `${sec}.certificates`, CERTIFICATES, consume),
  };
}
