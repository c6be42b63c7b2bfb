/**
 * RFC 3161 time-stamp tokens: their types, and a verifier that checks what `openssl ts -verify`
 * checks. The authorities that issue them (a third-party TSA's client, the embedded local TSA)
 * are adapters: adapters/tsa.
 */
export { LOCAL_TSA_POLICY_OID } from './types.js';
export type { LocalTsa, TimestampAuthority, TimestampResult, TimestampVerification } from './types.js';
export { verifyTimestampToken } from './verify.js';
