/**
 * Deterministic public material for the fake: versions, RSA moduli, EC points and X.509 DER.
 * Everything derives from an asset's id, so the same inventory always gives the same bytes.
 *
 * The certificates are real, parseable DER (`new X509Certificate(cer)` reads subject, issuer,
 * validity and the public key's type and size) but their signature is random bytes: nothing
 * verifies a Key Vault certificate's signature when reading metadata, and signing thousands
 * of certificates at start-up would cost seconds.
 */
import { createECDH, createHash } from 'node:crypto';
import type { Curve } from '../../../scanner/inventory/types.js';

/** `n` bytes from SHA-256 in counter mode over `seed`. */
export function detBytes(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0, off = 0; off < n; i++) {
    const block = createHash('sha256').update(`${seed}#${i}`).digest();
    off += block.copy(out, off, 0, Math.min(block.length, n - off));
  }
  return out;
}

/** 32 lowercase hex digits, Key Vault's version format; the same for a name in every kind. */
export function versionOf(vaultHost: string, name: string): string {
  return createHash('sha256')
    .update(`version:${vaultHost.toLowerCase()}/${name.toLowerCase()}`)
    .digest('hex')
    .slice(0, 32);
}

/** An odd number of exactly `bits` bits (top bit set): a plausible RSA modulus, big-endian. */
export function rsaModulus(seed: string, bits: number): Buffer {
  const bytes = Math.ceil(bits / 8);
  const n = detBytes(`rsa:${seed}`, bytes);
  const topBit = (bits - 1) % 8;
  n[0] = (n[0]! & ((1 << (topBit + 1)) - 1)) | (1 << topBit);
  n[bytes - 1] = n[bytes - 1]! | 1;
  return n;
}

export const RSA_EXPONENT = Buffer.from([1, 0, 1]);

const OPENSSL_CURVE: Record<Curve, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  'P-256K': 'secp256k1',
};

/** Coordinate length in bytes per curve. */
export const COORDINATE_BYTES: Record<Curve, number> = {
  'P-256': 32,
  'P-384': 48,
  'P-521': 66,
  'P-256K': 32,
};

/** A valid public point on `curve`, from a deterministic private scalar (always below the order). */
function computePoint(seed: string, curve: Curve): { x: Buffer; y: Buffer } {
  const len = COORDINATE_BYTES[curve];
  const scalar = detBytes(`ec:${seed}`, len);
  scalar[0] = curve === 'P-521' ? 0 : scalar[0]! & 0x7f;
  if (scalar.every((b) => b === 0)) scalar[len - 1] = 1;
  const ecdh = createECDH(OPENSSL_CURVE[curve]);
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey(); // 04 || x || y
  return { x: point.subarray(1, 1 + len), y: point.subarray(1 + len) };
}

/** Points per curve: a scalar multiplication costs up to 2 ms (P-521), too much per request. */
const POOL_SIZE = 32;
const pools = new Map<Curve, { x: Buffer; y: Buffer }[]>();

/**
 * A valid public point on `curve` for `seed`, picked deterministically from a small pool of
 * real points (so distinct keys may share one; nothing that reads metadata can tell).
 */
export function ecPoint(seed: string, curve: Curve): { x: Buffer; y: Buffer } {
  let pool = pools.get(curve);
  if (!pool) {
    pool = Array.from({ length: POOL_SIZE }, (_, i) => computePoint(`pool-${i}`, curve));
    pools.set(curve, pool);
  }
  return pool[detBytes(`pick:${seed}`, 4).readUInt32BE(0) % POOL_SIZE]!;
}

export function base64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

// ---- DER -----------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const nul = () => Buffer.from([0x05, 0x00]);
const bitString = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const octets = (b: Buffer) => tlv(0x04, b);
const explicit = (n: number, c: Buffer) => tlv(0xa0 + n, c);

/** Unsigned big-endian integer. */
function uint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = Number(iso.slice(0, 4));
  return year >= 1950 && year < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

const ATTRIBUTES: Record<string, [string, number]> = {
  CN: ['2.5.4.3', 0x0c],
  O: ['2.5.4.10', 0x0c],
  OU: ['2.5.4.11', 0x0c],
  L: ['2.5.4.7', 0x0c],
  ST: ['2.5.4.8', 0x0c],
  S: ['2.5.4.8', 0x0c],
  C: ['2.5.4.6', 0x13],
  E: ['1.2.840.113549.1.9.1', 0x16],
  EMAILADDRESS: ['1.2.840.113549.1.9.1', 0x16],
};

/** `CN=a, O=b` → DER Name. Unknown attributes become CN-less OU text; no escapes are read. */
export function derName(dn: string): Buffer {
  const rdns: Buffer[] = [];
  for (const part of dn.split(/,(?=\s*[A-Za-z.]+\s*=)/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toUpperCase();
    const value = part.slice(eq + 1).trim();
    const [id, tag] = ATTRIBUTES[key] ?? ['2.5.4.11', 0x0c];
    rdns.push(set(seq(oid(id), tlv(tag, Buffer.from(value, tag === 0x0c ? 'utf8' : 'ascii')))));
  }
  return seq(...rdns);
}

const CURVE_OID: Record<Curve, string> = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
  'P-256K': '1.3.132.0.10',
};

export type CertKey = { kind: 'RSA'; bits: number } | { kind: 'EC'; curve: Curve };

export interface CertSpec {
  /** Seeds every random-looking byte. */
  seed: string;
  subject: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
  key: CertKey;
}

/** A self-consistent X.509 v3 certificate (random signature), DER. */
export function buildCertificate(spec: CertSpec): Buffer {
  let spki: Buffer;
  let sigAlg: Buffer;
  let signature: Buffer;
  if (spec.key.kind === 'RSA') {
    const n = rsaModulus(spec.seed, spec.key.bits);
    spki = seq(seq(oid('1.2.840.113549.1.1.1'), nul()), bitString(seq(uint(n), uint(RSA_EXPONENT))));
    sigAlg = seq(oid('1.2.840.113549.1.1.11'), nul()); // sha256WithRSAEncryption
    signature = detBytes(`sig:${spec.seed}`, n.length);
    signature[0] = signature[0]! & 0x7f;
  } else {
    const { x, y } = ecPoint(spec.seed, spec.key.curve);
    spki = seq(
      seq(oid('1.2.840.10045.2.1'), oid(CURVE_OID[spec.key.curve])),
      bitString(Buffer.concat([Buffer.from([4]), x, y])),
    );
    sigAlg = seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
    const rs = detBytes(`sig:${spec.seed}`, 64);
    signature = seq(uint(rs.subarray(0, 32)), uint(rs.subarray(32)));
  }
  const serial = detBytes(`serial:${spec.seed}`, 16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const extensions = explicit(
    3,
    seq(
      seq(oid('2.5.29.19'), octets(seq())), // basicConstraints: not a CA
      seq(oid('2.5.29.15'), Buffer.from([0x01, 0x01, 0xff]), octets(Buffer.from([0x03, 0x02, 0x05, 0xa0]))), // keyUsage digitalSignature, keyEncipherment
      seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')))), // EKU server+client auth
    ),
  );
  const tbs = seq(
    explicit(0, uint(Buffer.from([2]))),
    uint(serial),
    sigAlg,
    derName(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    derName(spec.subject),
    spki,
    extensions,
  );
  return seq(tbs, sigAlg, bitString(signature));
}

/** Key Vault's `x5t`: base64url SHA-1 of the DER. */
export function thumbprint(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}
