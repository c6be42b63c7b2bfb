/**
 * The embedded time-stamping authority: for installations without a third-party TSA, so bundles
 * still carry a standard, OpenSSL-verifiable RFC 3161 token. It proves only what this installation
 * asserts about time; every name and the policy OID say so, and verifiers report it as local.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPair,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import { CertifyError } from '../../base/errors.js';
import { readCert, toPem, validAt } from '../../evidence/timestamp/certs.js';
import type { CertInfo } from '../../evidence/timestamp/certs.js';
import { acceptResponse, assertSha256, buildRequest } from './client.js';
import {
  algorithm,
  bool,
  certTime,
  children,
  ctx,
  ctxPrim,
  DIGEST_NAMES,
  generalizedTime,
  int,
  integerBytes,
  isContext,
  isUniversal,
  namedBits,
  octets,
  oid,
  OID,
  oidOf,
  octetsOf,
  parse,
  raw,
  seq,
  setOf,
  tlv,
  utf8,
} from '../../evidence/timestamp/der.js';
import { LOCAL_TSA_POLICY_OID } from '../../evidence/timestamp/types.js';
import type { LocalTsa, TimestampResult } from '../../evidence/timestamp/types.js';

export const LOCAL_TSA_NAME = 'Certify local TSA (not a trusted third party)';
export const LOCAL_TSA_ROOT_NAME = 'Certify local TSA root (not a trusted third party)';

const FILES = { key: 'tsa-key.pem', cert: 'tsa-cert.pem', ca: 'ca-cert.pem' } as const;
const VALIDITY_YEARS = 20;
/** Backdating covers a clock stepped back a little after creation (as public CAs do). */
const BACKDATE_MS = 3_600_000;

const generateKeyPairAsync = promisify(generateKeyPair);

function name(commonName: string): Buffer {
  return seq(
    setOf(seq(oid(OID.organizationName), utf8('Certify'))),
    setOf(seq(oid(OID.commonName), utf8(commonName))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = children(parse(spki, 'public key'))[1];
  const content = bits instanceof asn1js.BitString ? bits.valueBlock.valueHexView : spki;
  return createHash('sha256').update(content).digest().subarray(0, 20);
}

function randomSerial(): Buffer {
  const serial = randomBytes(16);
  // Positive, and a non-zero top byte keeps all 16 bytes significant.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

function certificate(opts: {
  subject: Buffer;
  issuer: Buffer;
  spki: Buffer;
  issuerKeyId: Buffer;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}): Buffer {
  const tbs = seq(
    ctx(0, int(2)),
    int(randomSerial()),
    algorithm(OID.ecdsaWithSha256),
    opts.issuer,
    seq(certTime(opts.notBefore), certTime(opts.notAfter)),
    opts.subject,
    opts.spki,
    ctx(
      3,
      seq(
        ...opts.extensions,
        extension(OID.authorityKeyIdentifier, false, seq(ctxPrim(0, opts.issuerKeyId))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: opts.signingKey, dsaEncoding: 'der' });
  return seq(tbs, algorithm(OID.ecdsaWithSha256), tlv(0x03, Buffer.from([0]), signature));
}

interface Material {
  key: KeyObject;
  tsa: CertInfo;
  ca: CertInfo;
}

async function generate(now: number): Promise<{ keyPem: string; tsaDer: Buffer; caDer: Buffer }> {
  const ec = { namedCurve: 'prime256v1' } as const;
  const [root, leaf] = await Promise.all([generateKeyPairAsync('ec', ec), generateKeyPairAsync('ec', ec)]);
  const rootSpki = root.publicKey.export({ type: 'spki', format: 'der' });
  const leafSpki = leaf.publicKey.export({ type: 'spki', format: 'der' });
  const rootId = keyIdentifier(rootSpki);
  const notBefore = new Date(now - BACKDATE_MS);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const rootName = name(LOCAL_TSA_ROOT_NAME);

  const caDer = certificate({
    subject: rootName,
    issuer: rootName,
    spki: rootSpki,
    issuerKeyId: rootId,
    signingKey: root.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true), int(0))),
      extension(OID.keyUsage, true, namedBits(5, 6)), // keyCertSign, cRLSign
      extension(OID.subjectKeyIdentifier, false, octets(rootId)),
    ],
  });
  const tsaDer = certificate({
    subject: name(LOCAL_TSA_NAME),
    issuer: rootName,
    spki: leafSpki,
    issuerKeyId: rootId,
    signingKey: root.privateKey,
    notBefore,
    notAfter,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, namedBits(0)), // digitalSignature
      extension(OID.extKeyUsage, true, seq(oid(OID.kpTimeStamping))),
      extension(OID.subjectKeyIdentifier, false, octets(keyIdentifier(leafSpki))),
    ],
  });
  // The root key is dropped here on purpose: it has certified the one TSA key, and a root key
  // that no longer exists cannot be used to certify another behind the auditor's back.
  const keyPem = leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { keyPem, tsaDer, caDer };
}

function incomplete(dir: string, cause: string): CertifyError {
  return new CertifyError(
    'TSA_FAILED',
    `local TSA in ${dir} cannot be loaded: ${cause}`,
    [],
    `Restore the files from a backup, or move the folder away to create a new local TSA (earlier tokens then chain to the old root).`,
  );
}

async function load(dir: string): Promise<Material> {
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(join(dir, file), 'utf8');
    } catch (e) {
      throw incomplete(dir, `${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const [keyPem, tsaPem, caPem] = [await read(FILES.key), await read(FILES.cert), await read(FILES.ca)];
  try {
    const key = createPrivateKey(keyPem);
    const tsa = readCert(Buffer.from(new X509Certificate(tsaPem).raw));
    const ca = readCert(Buffer.from(new X509Certificate(caPem).raw));
    if (!tsa.x509.checkPrivateKey(key)) throw new Error(`${FILES.key} does not belong to ${FILES.cert}`);
    if (!tsa.x509.verify(ca.x509.publicKey)) throw new Error(`${FILES.cert} is not signed by ${FILES.ca}`);
    return { key, tsa, ca };
  } catch (e) {
    throw incomplete(dir, (e as Error).message);
  }
}

/** Creates the TSA atomically: a complete folder appears, or the one another process made wins. */
async function loadOrCreate(dataDir: string, now: number): Promise<Material> {
  const dir = join(dataDir, 'tsa');
  const existing = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw incomplete(dir, e.code ?? e.message);
  });
  // A half-present TSA is an error, never silently replaced: its root may already be in evidence.
  if (existing.length > 0) return load(dir);
  await mkdir(dataDir, { recursive: true });
  const staging = await mkdtemp(join(dataDir, '.tsa-'));
  try {
    const { keyPem, tsaDer, caDer } = await generate(now);
    await writeFile(join(staging, FILES.key), keyPem, { mode: 0o600 });
    await writeFile(join(staging, FILES.cert), toPem(tsaDer));
    await writeFile(join(staging, FILES.ca), toPem(caDer));
    try {
      await rename(staging, dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return load(dir);
}

const FAIL = { badAlg: 0, badRequest: 2, badDataFormat: 5, unacceptedPolicy: 15, unacceptedExtension: 16 };
const SYSTEM_FAILURE = 25;

function rejection(failBit: number, text: string): Buffer {
  return seq(seq(int(2), seq(utf8(text)), namedBits(failBit)));
}

interface Request {
  /** The messageImprint exactly as sent: RFC 3161 wants it echoed unchanged. */
  imprintDer: Buffer;
  hashAlg: string | null;
  hash: Buffer | null;
  policy: string | null;
  nonce: Buffer | null;
  certReq: boolean;
  hasExtensions: boolean;
}

function readRequest(der: Buffer): Request | null {
  try {
    const [version, imprint, ...rest] = children(parse(der, 'time-stamp request'));
    if (integerBytes(version)?.equals(Buffer.from([1])) !== true || !imprint) return null;
    const [alg, hashed] = children(imprint);
    const nonce = rest.find((n) => isUniversal(n, 2));
    const certReq = rest.find((n) => isUniversal(n, 1));
    return {
      imprintDer: raw(imprint),
      hashAlg: oidOf(children(alg)[0]),
      hash: octetsOf(hashed),
      policy: oidOf(rest.find((n) => isUniversal(n, 6))),
      nonce: nonce ? raw(nonce) : null,
      certReq: certReq ? (certReq.valueBlock as { value: boolean }).value : false,
      hasExtensions: rest.some((n) => isContext(n, 0)),
    };
  } catch {
    return null;
  }
}

function issue(m: Material, req: Request, now: number): Buffer {
  const tstInfo = seq(
    int(1),
    oid(LOCAL_TSA_POLICY_OID),
    req.imprintDer,
    int(randomSerial()),
    generalizedTime(new Date(now)),
    ...(req.nonce ? [req.nonce] : []),
    ctx(0, ctx(4, m.tsa.subjectDer)),
  );
  const signedAttrs = setOf(
    seq(oid(OID.contentType), setOf(oid(OID.tstInfo))),
    seq(oid(OID.messageDigest), setOf(octets(createHash('sha256').update(tstInfo).digest()))),
    seq(
      oid(OID.signingCertificateV2),
      // ESSCertIDv2 with the default hash (sha256) left out, as DER requires; issuerSerial pins the cert further.
      setOf(
        seq(
          seq(
            seq(
              octets(createHash('sha256').update(m.tsa.der).digest()),
              seq(seq(ctx(4, m.tsa.issuerDer)), m.tsa.serialDer),
            ),
          ),
        ),
      ),
    ),
  );
  const signature = sign('sha256', signedAttrs, { key: m.key, dsaEncoding: 'der' });
  const signerInfo = seq(
    int(1),
    seq(m.tsa.issuerDer, m.tsa.serialDer),
    algorithm(OID.sha256),
    Buffer.concat([Buffer.from([0xa0]), signedAttrs.subarray(1)]),
    algorithm(OID.ecdsaWithSha256),
    octets(signature),
  );
  const signedData = seq(
    int(3),
    setOf(algorithm(OID.sha256)),
    seq(oid(OID.tstInfo), ctx(0, octets(tstInfo))),
    // RFC 3161 2.4.1: the certificate is included exactly when the requester asked for it.
    ...(req.certReq ? [ctx(0, m.tsa.der)] : []),
    setOf(signerInfo),
  );
  const token = seq(oid(OID.signedData), ctx(0, signedData));
  return seq(seq(int(0)), token);
}

/**
 * The local TSA, created on first use in `${dataDir}/tsa/` (the key file mode 0600) and reused
 * afterwards. Its certificates are valid for 20 years from creation.
 */
export async function createLocalTsa(dataDir: string, now: number): Promise<LocalTsa> {
  const material = await loadOrCreate(dataDir, now);
  const caCertPem = toPem(material.ca.der);
  const tsaCertPem = toPem(material.tsa.der);

  async function respond(request: Buffer, at: number): Promise<Buffer> {
    const req = readRequest(request);
    if (!req || !req.hash) return rejection(FAIL.badDataFormat, 'the request is not a TimeStampReq v1');
    if (req.hashAlg !== OID.sha256 || req.hash.length !== 32) {
      const alg = DIGEST_NAMES[req.hashAlg ?? ''] ?? req.hashAlg;
      return rejection(FAIL.badAlg, `only sha256 imprints are stamped, not ${alg}`);
    }
    if (req.policy && req.policy !== LOCAL_TSA_POLICY_OID) {
      return rejection(FAIL.unacceptedPolicy, `only policy ${LOCAL_TSA_POLICY_OID} is offered`);
    }
    if (req.hasExtensions) return rejection(FAIL.unacceptedExtension, 'request extensions are not supported');
    const date = new Date(at);
    if (!Number.isFinite(at) || !validAt(material.tsa, date) || !validAt(material.ca, date)) {
      return rejection(
        SYSTEM_FAILURE,
        `the TSA certificate is not valid at ${Number.isFinite(at) ? date.toISOString() : at}`,
      );
    }
    return issue(material, req, at);
  }

  return {
    kind: 'local',
    caCertPem,
    tsaCertPem,
    respond,
    async timestamp(sha256: Buffer, at: number): Promise<TimestampResult> {
      assertSha256(sha256);
      const request = buildRequest(sha256);
      const response = await respond(request.der, at);
      return acceptResponse(
        response,
        sha256,
        request,
        { kind: 'local', url: null, name: LOCAL_TSA_NAME, trustedThirdParty: false },
        'local TSA',
        caCertPem,
      );
    },
  };
}
