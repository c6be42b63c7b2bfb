/**
 * A minimal DER writer and a few reading helpers over asn1js.
 *
 * Tokens are built byte by byte rather than through pkijs's object model because the bytes that
 * get hashed and signed (signed attributes, the TSTInfo, certificate hashes in the ESS attribute)
 * must be exactly the bytes that end up in the file; a writer this small leaves no room for a
 * library to re-encode something differently between signing and serialising.
 */
import * as asn1js from 'asn1js';

export const OID = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  kpTimeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

/** Node's names for the digest algorithms a token may use. */
export const DIGEST_NAMES: Readonly<Record<string, string>> = {
  [OID.sha1]: 'sha1',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

// ---------------------------------------------------------------------------------------------
// Writing

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);

/** SET OF in DER order (X.690 11.6), so a verifier that re-encodes the set gets the same bytes. */
export function setOf(...items: Buffer[]): Buffer {
  const width = Math.max(0, ...items.map((i) => i.length));
  const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc(width - b.length)]);
  return tlv(0x31, ...[...items].sort((a, b) => Buffer.compare(pad(a), pad(b))));
}

/** [n] EXPLICIT, or a constructed [n] IMPLICIT: both wrap their content in a constructed tag. */
export const ctx = (n: number, ...content: Buffer[]): Buffer => tlv(0xa0 | n, ...content);

/** A primitive [n] IMPLICIT, e.g. a keyIdentifier. */
export const ctxPrim = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [a = 0, b = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** An INTEGER from a small number or from big-endian bytes taken as an unsigned value. */
export function int(value: number | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const out: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
    bytes = Buffer.from(out.length ? out : [0]);
  } else {
    bytes = Buffer.from(value);
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  // A set top bit would read as negative: serials and nonces are unsigned.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

export const octets = (b: Uint8Array): Buffer => tlv(0x04, Buffer.from(b));
export const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer =>
  tlv(0x03, Buffer.from([unusedBits]), Buffer.from(bytes));

/** Named bits (X.690 11.2.2: trailing zero bits dropped), e.g. KeyUsage or PKIFailureInfo. */
export function namedBits(...bits: number[]): Buffer {
  const top = Math.max(...bits);
  const bytes = Buffer.alloc((top >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return bitString(bytes, 7 - (top & 7));
}

/** AlgorithmIdentifier with absent parameters, as RFC 5754/5758 prefer for SHA-2 and ECDSA. */
export const algorithm = (dotted: string): Buffer => seq(oid(dotted));

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** GeneralizedTime with Z; fractional seconds only when non-zero, without trailing zeros (DER). */
export function generalizedTime(date: Date): Buffer {
  const ms = date.getUTCMilliseconds();
  const fraction = ms ? `.${String(ms).padStart(3, '0').replace(/0+$/, '')}` : '';
  const text =
    `${date.getUTCFullYear()}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}` +
    `${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}${fraction}Z`;
  return tlv(0x18, Buffer.from(text, 'ascii'));
}

/** X.509 Time (RFC 5280 4.1.2.5): UTCTime through 2049, GeneralizedTime after; whole seconds. */
export function certTime(date: Date): Buffer {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  if (whole.getUTCFullYear() >= 2050) return generalizedTime(whole);
  const text =
    `${pad2(whole.getUTCFullYear() % 100)}${pad2(whole.getUTCMonth() + 1)}${pad2(whole.getUTCDate())}` +
    `${pad2(whole.getUTCHours())}${pad2(whole.getUTCMinutes())}${pad2(whole.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

// ---------------------------------------------------------------------------------------------
// Reading

export type Node = asn1js.AsnType;

/** Parses exactly one DER/BER element filling the whole buffer, or throws naming `what`. */
export function parse(bytes: Uint8Array, what: string): Node {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw new Error(`${what} is not valid ASN.1: ${parsed.result.error}`);
  if (parsed.offset !== bytes.byteLength) throw new Error(`${what} has trailing bytes after the ASN.1 value`);
  return parsed.result;
}

export function children(node: Node | undefined): Node[] {
  const value = (node as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock?.value;
  return Array.isArray(value) ? (value as Node[]) : [];
}

/** The element's own encoding, as it was read. */
export function raw(node: Node): Buffer {
  return Buffer.from((node as unknown as { valueBeforeDecodeView: Uint8Array }).valueBeforeDecodeView);
}

export function isContext(node: Node | undefined, n: number): boolean {
  return node?.idBlock.tagClass === 3 && node.idBlock.tagNumber === n;
}

export function isUniversal(node: Node | undefined, n: number): boolean {
  return node?.idBlock.tagClass === 1 && node.idBlock.tagNumber === n;
}

export function oidOf(node: Node | undefined): string | null {
  return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : null;
}

/** OCTET STRING content, joining the pieces of a constructed (BER) one. */
export function octetsOf(node: Node | undefined): Buffer | null {
  if (!(node instanceof asn1js.OctetString)) return null;
  return Buffer.from(node.getValue());
}

/** The content octets of a primitive element, whatever its tag (e.g. an IMPLICIT keyIdentifier). */
export function contentOf(node: Node | undefined): Buffer | null {
  const view = (node as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
  return view ? Buffer.from(view) : null;
}

/** An INTEGER's magnitude as unsigned big-endian bytes without leading zeros, for comparisons. */
export function integerBytes(node: Node | undefined): Buffer | null {
  if (!(node instanceof asn1js.Integer)) return null;
  const bytes = Buffer.from(node.valueBlock.valueHexView);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

export function smallInt(node: Node | undefined): number | null {
  return node instanceof asn1js.Integer ? node.valueBlock.valueDec : null;
}
