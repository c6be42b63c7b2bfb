/** The shapes the time-stamping modules share (RFC 3161). */

/**
 * The policy every token from the embedded local TSA carries, so a verifier can tell a token the
 * operator's own installation issued from one a third party vouched for.
 *
 * Not registered: `999999` lies far above the IANA Private Enterprise Numbers assigned so far, so
 * it cannot collide with a real TSA's policy today. Replace it with the project's own PEN arc if
 * one is ever registered; tokens already issued keep the old value, so accept both then.
 * The `3161.1` tail is mnemonic only (RFC 3161, first policy).
 */
export const LOCAL_TSA_POLICY_OID = '1.3.6.1.4.1.999999.3161.1';

export interface TimestampResult {
  /** DER TimeStampResp (status granted + token): the `.tsr` file `openssl ts -verify -in x.tsr` reads. */
  response: Buffer;
  /** DER TimeStampToken (ContentInfo with SignedData). */
  token: Buffer;
  /** ISO 8601 UTC. */
  genTime: string;
  /** PEM certificates a verifier needs: TSA cert first, then its chain up to and including the root when known. */
  certificatesPem: string;
  authority: { kind: 'remote' | 'local'; url: string | null; name: string; trustedThirdParty: boolean };
}

export interface TimestampAuthority {
  readonly kind: 'remote' | 'local';
  /** sha256 digest (32 bytes) of the data to stamp; `now` (epoch ms) is used by the local TSA only. */
  timestamp(sha256: Buffer, now: number): Promise<TimestampResult>;
}

export interface LocalTsa extends TimestampAuthority {
  /** Self-signed root "Certify local TSA root (not a trusted third party)". */
  readonly caCertPem: string;
  /** Leaf signed by the root: EKU id-kp-timeStamping (critical), key usage digitalSignature. */
  readonly tsaCertPem: string;
  /** Answers a DER TimeStampReq with a DER TimeStampResp (to serve it over HTTP as a fake remote TSA in tests). */
  respond(request: Buffer, now: number): Promise<Buffer>;
}

export interface TimestampVerification {
  ok: boolean;
  genTime: string | null;
  /** Subject of the signing certificate. */
  tsaName: string | null;
  /** True when the token's policy OID is the local-TSA policy. */
  local: boolean;
  /** Null when no trusted roots were given; true/false when the signer chains to one of them. */
  chainTrusted: boolean | null;
  /** Each names the failed check, e.g. "message imprint does not match". */
  problems: string[];
}
