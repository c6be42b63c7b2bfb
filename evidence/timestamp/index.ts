/**
 * RFC 3161 time-stamping: a client for third-party TSAs, an embedded local TSA for installations
 * without one, and a verifier that checks what `openssl ts -verify` checks.
 */
export { LOCAL_TSA_POLICY_OID } from './types.js';
export type { LocalTsa, TimestampAuthority, TimestampResult, TimestampVerification } from './types.js';
export { createLocalTsa, LOCAL_TSA_NAME, LOCAL_TSA_ROOT_NAME } from './local.js';
export { createRemoteTsa } from './remote.js';
export { verifyTimestampToken } from './verify.js';
