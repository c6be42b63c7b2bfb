/**
 * The requesting side of RFC 3161, shared by the remote client and the local TSA so that a local
 * token passes through exactly the checks a remote one does.
 */
import { randomBytes } from 'node:crypto';
import { CertifyError } from '../../base/errors.js';
import { commonName, orderFromSigner, subjectText, toPem } from '../../evidence/timestamp/certs.js';
import { algorithm, bool, int, octets, OID, seq } from '../../evidence/timestamp/der.js';
import { describeStatus, inspectTimestampToken, parseResponse } from '../../evidence/timestamp/verify.js';
import type { TimestampResult } from '../../evidence/timestamp/types.js';

export interface StampRequest {
  der: Buffer;
  nonce: Buffer;
}

export function assertSha256(sha256: Buffer): void {
  if (!Buffer.isBuffer(sha256) || sha256.length !== 32) {
    throw new CertifyError(
      'BAD_INPUT',
      `a time-stamp needs a 32-byte sha256 digest, got ${sha256?.length} bytes`,
    );
  }
}

/** TimeStampReq v1: sha256 imprint, a fresh nonce against replayed answers, and the TSA's certificate. */
export function buildRequest(sha256: Buffer): StampRequest {
  const nonce = randomBytes(8);
  // Positive and without a leading zero byte, so the bytes echoed back compare equal as-is.
  nonce[0] = ((nonce[0] ?? 0) & 0x7f) | 0x01;
  const der = seq(int(1), seq(algorithm(OID.sha256), octets(sha256)), int(nonce), bool(true));
  return { der, nonce };
}

/**
 * Checks a TimeStampResp against the request that produced it and turns it into a result;
 * `where` names the TSA in error messages ("TSA https://…", "local TSA").
 */
export function acceptResponse(
  response: Buffer,
  sha256: Buffer,
  request: StampRequest,
  authority: Omit<TimestampResult['authority'], 'name'> & { name?: string },
  where: string,
  knownChainPem = '',
): TimestampResult {
  const fail = (cause: string): CertifyError => new CertifyError('TSA_FAILED', `${where}: ${cause}`);
  let status;
  try {
    status = parseResponse(response);
  } catch (e) {
    throw fail(`the answer is not a time-stamp response (${(e as Error).message})`);
  }
  if (status.status > 1 || !status.token) throw fail(`refused the request (${describeStatus(status)})`);

  const inspection = inspectTimestampToken(response, sha256, { extraCertsPem: knownChainPem });
  const parsed = inspection.parsed;
  if (!parsed) throw fail(inspection.problems.join('; '));
  const imprint = Buffer.from(parsed.tstInfo.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!imprint.equals(sha256)) throw fail('the token stamps another hash than the one requested');
  const nonce = parsed.tstInfo.nonce;
  if (!nonce || !Buffer.from(nonce.valueBlock.valueHexView).equals(request.nonce)) {
    throw fail('the token does not echo the request nonce (a replayed or misrouted answer?)');
  }
  if (!inspection.ok || !inspection.signer || !inspection.genTime) {
    throw fail(`the token does not verify: ${inspection.problems.join('; ')}`);
  }

  const chain = orderFromSigner(inspection.signer, inspection.pool);
  return {
    response,
    token: parsed.token,
    genTime: inspection.genTime,
    certificatesPem: chain.map((c) => toPem(c.der)).join(''),
    authority: {
      ...authority,
      name: authority.name ?? commonName(inspection.signer) ?? subjectText(inspection.signer),
    },
  };
}
