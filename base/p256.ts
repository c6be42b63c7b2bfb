/**
 * ECDSA on P-256 over a digest that is already hashed, with the nonce chosen by the caller. Node's
 * `sign` always hashes its input and always draws its own nonce; two places need otherwise: the
 * demo tenant (byte-identical for a seed, so a nonce derived from key and message, as RFC 6979
 * does) and the fake Key Vault (which, like Key Vault, is handed the digest). Node still does the
 * curve arithmetic, through a key object whose private scalar is the nonce; only `s` is computed
 * here with BigInt.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** Order of the P-256 group. */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** SEC 1 ECPrivateKey DER around a 32-byte scalar, with the prime256v1 OID and no public key. */
const SEC1_HEAD = Buffer.from('30310201010420', 'hex');
const SEC1_TAIL = Buffer.from('a00a06082a8648ce3d030107', 'hex');

export const toBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex')}`);
export const to32 = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');

/** The private key object whose scalar is `scalar` (1 ≤ scalar < n). */
export function p256KeyOf(scalar: bigint): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([SEC1_HEAD, to32(scalar), SEC1_TAIL]),
    format: 'der',
    type: 'sec1',
  });
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/**
 * Raw r‖s signature of `digest` with private scalar `d`. `nonce(attempt)` gives the candidate
 * nonce for each attempt; candidates outside [1, n − 1], or giving r or s = 0, are skipped.
 */
export function signP256Digest(d: bigint, digest: Uint8Array, nonce: (attempt: number) => bigint): Buffer {
  const z = toBig(digest) % P256_ORDER;
  for (let attempt = 0; ; attempt++) {
    const k = nonce(attempt);
    if (k <= 0n || k >= P256_ORDER) continue;
    const x = createPublicKey(p256KeyOf(k)).export({ format: 'jwk' }).x;
    const r = toBig(Buffer.from(x ?? '', 'base64url')) % P256_ORDER;
    if (r === 0n) continue;
    const s = (modInverse(k, P256_ORDER) * (z + r * d)) % P256_ORDER;
    if (s === 0n) continue;
    return Buffer.concat([to32(r), to32(s)]);
  }
}
