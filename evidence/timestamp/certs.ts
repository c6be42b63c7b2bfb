/** Reading X.509 certificates as far as time-stamp verification needs, and PEM conversion. */
import { X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { children, contentOf, integerBytes, isContext, oidOf, OID, parse, raw } from './der.js';

export interface CertInfo {
  der: Buffer;
  x509: X509Certificate;
  /** Encodings exactly as in the certificate, for IssuerAndSerialNumber and ESS comparisons. */
  issuerDer: Buffer;
  subjectDer: Buffer;
  serialDer: Buffer;
  /** Serial as unsigned bytes without leading zeros. */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Map<string, { critical: boolean; value: Buffer }>;
}

function toDate(node: asn1js.AsnType | undefined, what: string): Date {
  if (node instanceof asn1js.UTCTime || node instanceof asn1js.GeneralizedTime) return node.toDate();
  throw new Error(`certificate ${what} is not a time`);
}

export function readCert(der: Buffer): CertInfo {
  const x509 = new X509Certificate(der);
  const tbs = children(parse(der, 'certificate'))[0];
  const fields = children(tbs);
  // The version field is optional (absent means v1), so everything after it shifts.
  const at = isContext(fields[0], 0) ? 1 : 0;
  const [serial, , issuer, validity, subject] = fields.slice(at);
  const serialBytes = integerBytes(serial);
  if (!serial || !serialBytes || !issuer || !subject) throw new Error('certificate is malformed');
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  const extField = fields.find((f) => isContext(f, 3));
  for (const ext of children(children(extField)[0])) {
    const parts = children(ext);
    const id = oidOf(parts[0]);
    const critical = parts[1] instanceof asn1js.Boolean ? parts[1].getValue() : false;
    const value = contentOf(parts[parts.length - 1]);
    if (id && value) extensions.set(id, { critical, value });
  }
  const [notBefore, notAfter] = children(validity);
  return {
    der,
    x509,
    issuerDer: raw(issuer),
    subjectDer: raw(subject),
    serialDer: raw(serial),
    serial: serialBytes,
    notBefore: toDate(notBefore, 'notBefore'),
    notAfter: toDate(notAfter, 'notAfter'),
    extensions,
  };
}

export function validAt(cert: CertInfo, at: Date): boolean {
  return cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime();
}

/** The OIDs of the extended key usage extension, or null when the certificate has none. */
export function extendedKeyUsage(cert: CertInfo): { critical: boolean; purposes: string[] } | null {
  const ext = cert.extensions.get(OID.extKeyUsage);
  if (!ext) return null;
  const purposes = children(parse(ext.value, 'extended key usage')).map((n) => oidOf(n) ?? '?');
  return { critical: ext.critical, purposes };
}

/** Subject key identifier bytes, to match a SignerInfo that names its signer that way. */
export function subjectKeyId(cert: CertInfo): Buffer | null {
  const ext = cert.extensions.get(OID.subjectKeyIdentifier);
  return ext ? contentOf(parse(ext.value, 'subject key identifier')) : null;
}

/** "CN=…, O=…" in the certificate's own order. */
export function subjectText(cert: CertInfo): string {
  return cert.x509.subject.split('\n').join(', ');
}

export function commonName(cert: CertInfo): string | null {
  const line = cert.x509.subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : null;
}

export function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Every certificate in a PEM bundle; anything else in the text is ignored. */
export function fromPemBundle(pem: string | undefined): Buffer[] {
  if (!pem) return [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  return [...pem.matchAll(re)].map((m) => Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/** Whether `issuer` signed `cert` (names, key identifiers and signature). */
export function issued(issuer: CertInfo, cert: CertInfo): boolean {
  try {
    return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

const MAX_CHAIN = 8;

/**
 * A path from `leaf` to one of `roots` through `pool`, every certificate valid at `at` and every
 * intermediate a CA; null when there is none. A root is a trust anchor: its own CA flag is not
 * second-guessed, only its validity.
 */
export function buildChain(leaf: CertInfo, pool: CertInfo[], roots: CertInfo[], at: Date): CertInfo[] | null {
  const walk = (path: CertInfo[]): CertInfo[] | null => {
    const current = path[path.length - 1] as CertInfo;
    if (!validAt(current, at)) return null;
    if (roots.some((r) => r.der.equals(current.der))) return path;
    for (const root of roots) {
      if (validAt(root, at) && issued(root, current)) return [...path, root];
    }
    if (path.length >= MAX_CHAIN) return null;
    for (const candidate of pool) {
      if (path.some((p) => p.der.equals(candidate.der)) || !candidate.x509.ca) continue;
      if (!issued(candidate, current)) continue;
      const found = walk([...path, candidate]);
      if (found) return found;
    }
    return null;
  };
  return walk([leaf]);
}

/** The signer first, then whatever of its issuers `pool` holds, in order up the chain. */
export function orderFromSigner(signer: CertInfo, pool: CertInfo[]): CertInfo[] {
  const ordered = [signer];
  for (;;) {
    const current = ordered[ordered.length - 1] as CertInfo;
    if (current.x509.checkIssued(current.x509) || ordered.length >= MAX_CHAIN) break;
    const next = pool.find((c) => !ordered.some((o) => o.der.equals(c.der)) && issued(c, current));
    if (!next) break;
    ordered.push(next);
  }
  return ordered;
}
