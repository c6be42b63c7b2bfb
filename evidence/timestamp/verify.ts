/**
 * Reading and verifying RFC 3161 time-stamp tokens: what an auditor would check with
 * `openssl ts -verify`, done in-process so the bot can show every failed check by name.
 */
import { constants, createHash, verify as verifySignatureBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  buildChain,
  extendedKeyUsage,
  fromPemBundle,
  readCert,
  subjectKeyId,
  subjectText,
  validAt,
} from './certs.js';
import type { CertInfo } from './certs.js';
import {
  children,
  contentOf,
  DIGEST_NAMES,
  integerBytes,
  isContext,
  isUniversal,
  octetsOf,
  OID,
  oidOf,
  parse,
  raw,
  smallInt,
} from './der.js';
import type { Node } from './der.js';
import { LOCAL_TSA_POLICY_OID } from './types.js';
import type { TimestampVerification } from './types.js';

export const PKI_STATUS: Readonly<Record<number, string>> = {
  0: 'granted',
  1: 'grantedWithMods',
  2: 'rejection',
  3: 'waiting',
  4: 'revocationWarning',
  5: 'revocationNotification',
};

export const PKI_FAILURE: Readonly<Record<number, string>> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

export interface ParsedResponse {
  status: number;
  statusText: string[];
  failInfo: string[];
  token: Buffer | null;
}

function namedBitsOf(node: Node | undefined): number[] {
  if (!(node instanceof asn1js.BitString)) return [];
  const bytes = node.valueBlock.valueHexView;
  const bits: number[] = [];
  bytes.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) bits.push(i * 8 + b);
  });
  return bits;
}

/** Splits a TimeStampResp into its status and token. Throws when it is not one. */
export function parseResponse(bytes: Buffer): ParsedResponse {
  const [statusInfo, token] = children(parse(bytes, 'time-stamp response'));
  const [status, ...rest] = children(statusInfo);
  const code = smallInt(status);
  if (code === null) throw new Error('time-stamp response has no status');
  const text = rest.find((n) => isUniversal(n, 16));
  const statusText = children(text).map((n) => (n instanceof asn1js.Utf8String ? n.valueBlock.value : '?'));
  const failInfo = namedBitsOf(rest.find((n) => n instanceof asn1js.BitString)).map(
    (bit) => PKI_FAILURE[bit] ?? `failure bit ${bit}`,
  );
  return { status: code, statusText, failInfo, token: token ? raw(token) : null };
}

export function describeStatus(r: ParsedResponse): string {
  const parts = [`status ${PKI_STATUS[r.status] ?? r.status}`];
  if (r.failInfo.length) parts.push(`failure ${r.failInfo.join(', ')}`);
  if (r.statusText.length) parts.push(`"${r.statusText.join(' ')}"`);
  return parts.join('; ');
}

interface SignerInfo {
  sid: { issuer: Buffer; serial: Buffer } | { keyId: Buffer };
  digestAlgorithm: string | null;
  /** The signed attributes re-tagged as SET OF: the exact bytes the signature covers (RFC 5652 5.4). */
  signedAttrs: Buffer | null;
  attributes: Map<string, Node[]>;
  signatureAlgorithm: Node;
  signature: Buffer;
}

export interface ParsedToken {
  token: Buffer;
  /** Null when the input was a bare token. */
  response: ParsedResponse | null;
  tstInfoDer: Buffer;
  tstInfo: pkijs.TSTInfo;
  certificates: Buffer[];
  signers: SignerInfo[];
}

function readSignerInfo(node: Node): SignerInfo {
  const fields = children(node);
  const [, sid, digestAlg] = fields;
  let i = 3;
  let signedAttrs: Buffer | null = null;
  const attributes = new Map<string, Node[]>();
  if (isContext(fields[i], 0)) {
    const attrsNode = fields[i] as Node;
    signedAttrs = raw(attrsNode);
    signedAttrs[0] = 0x31;
    for (const attr of children(attrsNode)) {
      const [type, values] = children(attr);
      const id = oidOf(type);
      if (id) attributes.set(id, [...(attributes.get(id) ?? []), ...children(values)]);
    }
    i++;
  }
  const signatureAlgorithm = fields[i];
  const signature = octetsOf(fields[i + 1]);
  if (!sid || !signatureAlgorithm || !signature) throw new Error('SignerInfo is malformed');
  let parsedSid: SignerInfo['sid'];
  if (isContext(sid, 0)) {
    parsedSid = { keyId: contentOf(sid) ?? Buffer.alloc(0) };
  } else {
    const [issuer, serial] = children(sid);
    if (!issuer || !integerBytes(serial)) throw new Error('SignerInfo identifier is malformed');
    parsedSid = { issuer: raw(issuer), serial: integerBytes(serial) as Buffer };
  }
  return {
    sid: parsedSid,
    digestAlgorithm: oidOf(children(digestAlg)[0]),
    signedAttrs,
    attributes,
    signatureAlgorithm,
    signature,
  };
}

/** Reads a TimeStampResp or a bare TimeStampToken. Throws with the reason when it is neither. */
export function parseToken(input: Buffer): ParsedToken {
  const top = parse(input, 'time-stamp token');
  let response: ParsedResponse | null = null;
  let token = input;
  // A token (ContentInfo) starts with its content type OID; a response with a PKIStatusInfo.
  if (!oidOf(children(top)[0])) {
    response = parseResponse(input);
    if (!response.token) throw new Error(`response carries no token (${describeStatus(response)})`);
    token = response.token;
  }
  const [contentType, wrapped] = children(parse(token, 'time-stamp token'));
  if (oidOf(contentType) !== OID.signedData) throw new Error('token is not CMS SignedData');
  const fields = children(children(wrapped)[0]);
  const [eContentType, eContentWrapper] = children(fields[2]);
  if (oidOf(eContentType) !== OID.tstInfo) throw new Error('token content is not a TSTInfo');
  const tstInfoDer = octetsOf(children(eContentWrapper)[0]);
  if (!tstInfoDer) throw new Error('token has no TSTInfo');
  const tstInfo = pkijs.TSTInfo.fromBER(tstInfoDer);
  const certificates = children(fields.find((f) => isContext(f, 0)))
    // Only plain certificates: attribute and other certificate formats say nothing about the signer.
    .filter((n) => isUniversal(n, 16))
    .map(raw);
  const signerSet = fields[fields.length - 1];
  const signers = children(signerSet).map(readSignerInfo);
  return { token, response, tstInfoDer, tstInfo, certificates, signers };
}

const SIGNATURE_HASH: Readonly<Record<string, string>> = {
  [OID.sha1WithRsa]: 'sha1',
  [OID.sha256WithRsa]: 'sha256',
  [OID.sha384WithRsa]: 'sha384',
  [OID.sha512WithRsa]: 'sha512',
  [OID.ecdsaWithSha1]: 'sha1',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};

/** RSASSA-PSS parameters (RFC 4055 3.1), with the defaults the RFC gives for absent fields. */
function pssParams(params: Node | undefined): { hash: string; saltLength: number } | null {
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  for (const field of children(params)) {
    const inner = children(field)[0];
    if (isContext(field, 0)) hash = DIGEST_NAMES[oidOf(children(inner)[0]) ?? ''] ?? '';
    if (isContext(field, 1)) {
      const [mgf, mgfParams] = children(inner);
      if (oidOf(mgf) !== OID.mgf1) return null;
      mgfHash = DIGEST_NAMES[oidOf(children(mgfParams)[0]) ?? ''] ?? '';
    }
    if (isContext(field, 2)) saltLength = smallInt(inner) ?? -1;
  }
  // Node derives MGF1's hash from the signature hash, so a mixed pair cannot be checked.
  if (!hash || hash !== mgfHash || saltLength < 0) return null;
  return { hash, saltLength };
}

/** True/false for a checked signature, or a string naming why it could not be checked. */
function checkSignature(
  algorithm: Node,
  digestName: string,
  data: Buffer,
  signature: Buffer,
  key: KeyObject,
): boolean | string {
  const [algOid, params] = children(algorithm);
  const id = oidOf(algOid) ?? '?';
  try {
    if (id === OID.rsaEncryption) return verifySignatureBytes(digestName, data, key, signature);
    if (id === OID.ecPublicKey)
      return verifySignatureBytes(digestName, data, { key, dsaEncoding: 'der' }, signature);
    if (id.startsWith('1.2.840.10045.4.')) {
      const hash = SIGNATURE_HASH[id];
      if (!hash) return `signature algorithm ${id} is not supported`;
      return verifySignatureBytes(hash, data, { key, dsaEncoding: 'der' }, signature);
    }
    if (SIGNATURE_HASH[id]) return verifySignatureBytes(SIGNATURE_HASH[id], data, key, signature);
    if (id === OID.rsassaPss) {
      const pss = pssParams(params);
      if (!pss) return 'RSASSA-PSS parameters are not supported';
      return verifySignatureBytes(
        pss.hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
        signature,
      );
    }
    return `signature algorithm ${id} is not supported`;
  } catch {
    // A mangled signature or a key of the wrong type: either way it does not verify.
    return false;
  }
}

function findSigner(sid: SignerInfo['sid'], certs: CertInfo[]): CertInfo | undefined {
  if ('keyId' in sid) return certs.find((c) => subjectKeyId(c)?.equals(sid.keyId));
  return certs.find((c) => c.serial.equals(sid.serial) && c.issuerDer.equals(sid.issuer));
}

/**
 * Whether the first certificate named in the ESS signing-certificate attribute is the signer
 * (RFC 5035 / RFC 2634 5.4): this is what stops a token from being re-signed under another cert.
 */
function essProblem(signer: SignerInfo, cert: CertInfo): string | null {
  const v2 = signer.attributes.get(OID.signingCertificateV2)?.[0];
  const v1 = signer.attributes.get(OID.signingCertificate)?.[0];
  if (!v2 && !v1) return 'ESS signing-certificate attribute is missing';
  const mismatch = 'ESS signing-certificate attribute does not match the signer';
  const first = children(children(v2 ?? v1)[0])[0];
  const parts = children(first);
  let hashName = 'sha1';
  let k = 0;
  if (v2 && isUniversal(parts[0], 16)) {
    hashName = DIGEST_NAMES[oidOf(children(parts[0])[0]) ?? ''] ?? '';
    k = 1;
  } else if (v2) {
    hashName = 'sha256';
  }
  if (!hashName) return 'ESS signing-certificate attribute uses an unsupported hash algorithm';
  const certHash = octetsOf(parts[k]);
  if (!certHash || !createHash(hashName).update(cert.der).digest().equals(certHash)) return mismatch;
  const issuerSerial = parts[k + 1];
  if (issuerSerial) {
    const [names, serial] = children(issuerSerial);
    const directoryNames = children(names)
      .filter((n) => isContext(n, 4))
      .map((n) => children(n)[0]);
    const issuerMatches = directoryNames.some((n) => n && raw(n).equals(cert.issuerDer));
    if (!integerBytes(serial)?.equals(cert.serial) || !issuerMatches) return mismatch;
  }
  return null;
}

function attributeProblems(signer: SignerInfo, tstInfoDer: Buffer): string[] {
  const problems: string[] = [];
  if (!signer.signedAttrs) return ['signed attributes are missing'];
  const contentType = signer.attributes.get(OID.contentType);
  if (contentType?.length !== 1 || oidOf(contentType[0]) !== OID.tstInfo) {
    problems.push('contentType attribute is not id-ct-TSTInfo');
  }
  const digestName = DIGEST_NAMES[signer.digestAlgorithm ?? ''];
  const messageDigest = signer.attributes.get(OID.messageDigest);
  if (!digestName) {
    problems.push(`digest algorithm ${signer.digestAlgorithm} is not supported`);
  } else if (
    messageDigest?.length !== 1 ||
    !octetsOf(messageDigest[0])?.equals(createHash(digestName).update(tstInfoDer).digest())
  ) {
    problems.push('messageDigest attribute does not match the TSTInfo');
  }
  return problems;
}

export interface Inspection extends TimestampVerification {
  parsed: ParsedToken | null;
  signer: CertInfo | null;
  /** Every certificate the token and the caller supplied. */
  pool: CertInfo[];
}

function readCerts(ders: Buffer[], problems: string[], from: string): CertInfo[] {
  const certs: CertInfo[] = [];
  for (const der of ders) {
    try {
      certs.push(readCert(der));
    } catch (e) {
      problems.push(`a certificate in ${from} cannot be read: ${(e as Error).message}`);
    }
  }
  return certs;
}

/** verifyTimestampToken, plus what the client needs to assemble its result. */
export function inspectTimestampToken(
  tsrOrToken: Buffer,
  sha256: Buffer,
  opts: { extraCertsPem?: string; trustedRootsPem?: string } = {},
): Inspection {
  const problems: string[] = [];
  const result: Inspection = {
    ok: false,
    genTime: null,
    tsaName: null,
    local: false,
    chainTrusted: null,
    problems,
    parsed: null,
    signer: null,
    pool: [],
  };
  let parsed: ParsedToken;
  try {
    parsed = parseToken(tsrOrToken);
  } catch (e) {
    problems.push(`token cannot be read: ${(e as Error).message}`);
    return result;
  }
  result.parsed = parsed;
  if (parsed.response && parsed.response.status > 1) {
    problems.push(`response status is not granted (${describeStatus(parsed.response)})`);
  }

  const tst = parsed.tstInfo;
  const genTime = tst.genTime;
  result.genTime = genTime.toISOString();
  result.local = tst.policy === LOCAL_TSA_POLICY_OID;
  if (tst.version !== 1) problems.push('TSTInfo version is not 1');
  const imprintAlg = tst.messageImprint.hashAlgorithm.algorithmId;
  if (imprintAlg !== OID.sha256) problems.push(`message imprint hash algorithm is ${imprintAlg}, not sha256`);
  const imprint = Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!imprint.equals(sha256)) problems.push('message imprint does not match');

  const pool = [
    ...readCerts(parsed.certificates, problems, 'the token'),
    ...readCerts(fromPemBundle(opts.extraCertsPem), problems, 'extraCertsPem'),
  ];
  result.pool = pool;
  if (parsed.signers.length !== 1) {
    problems.push(`token has ${parsed.signers.length} signers, not exactly one`);
    return result;
  }
  const signerInfo = parsed.signers[0] as SignerInfo;
  problems.push(...attributeProblems(signerInfo, parsed.tstInfoDer));

  const signer = findSigner(signerInfo.sid, pool);
  if (!signer) {
    problems.push('signing certificate is not in the token nor in the extra certificates');
    return result;
  }
  result.signer = signer;
  result.tsaName = subjectText(signer);

  if (signerInfo.signedAttrs) {
    const verdict = checkSignature(
      signerInfo.signatureAlgorithm,
      DIGEST_NAMES[signerInfo.digestAlgorithm ?? ''] ?? 'sha256',
      signerInfo.signedAttrs,
      signerInfo.signature,
      signer.x509.publicKey,
    );
    if (verdict !== true) problems.push(typeof verdict === 'string' ? verdict : 'signature does not verify');
    const ess = essProblem(signerInfo, signer);
    if (ess) problems.push(ess);
  }

  // RFC 3161 2.3: the TSA certificate carries exactly the timeStamping purpose, marked critical.
  const eku = extendedKeyUsage(signer);
  if (!eku?.purposes.includes(OID.kpTimeStamping)) {
    problems.push('signing certificate lacks the timeStamping extended key usage');
  } else if (!eku.critical) {
    problems.push('signing certificate timeStamping extended key usage is not critical');
  } else if (eku.purposes.length !== 1) {
    problems.push('signing certificate extended key usage has purposes besides timeStamping');
  }
  if (!validAt(signer, genTime)) problems.push('signing certificate is not valid at the genTime');

  if (opts.trustedRootsPem !== undefined) {
    const roots = readCerts(fromPemBundle(opts.trustedRootsPem), problems, 'trustedRootsPem');
    result.chainTrusted = buildChain(signer, pool, roots, genTime) !== null;
    if (!result.chainTrusted) {
      problems.push('signing certificate does not chain to a trusted root valid at the genTime');
    }
  }
  result.ok = problems.length === 0;
  return result;
}

/**
 * Accepts a DER TimeStampResp or TimeStampToken and checks it against the sha256 of the data:
 * imprint, CMS signature over the signed attributes, messageDigest, ESS signing certificate (v1
 * or v2), the signer's timeStamping EKU and, given trusted roots, the chain at genTime.
 */
export async function verifyTimestampToken(
  tsrOrToken: Buffer,
  sha256: Buffer,
  opts: { extraCertsPem?: string; trustedRootsPem?: string } = {},
): Promise<TimestampVerification> {
  const { ok, genTime, tsaName, local, chainTrusted, problems } = inspectTimestampToken(
    tsrOrToken,
    sha256,
    opts,
  );
  return { ok, genTime, tsaName, local, chainTrusted, problems };
}
