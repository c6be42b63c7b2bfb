/**
 * Time-stamping authorities: a client for a third-party RFC 3161 TSA (CERTIFY_TSA_URL), and the
 * embedded local TSA for installations without one.
 */
export { createLocalTsa, LOCAL_TSA_NAME, LOCAL_TSA_ROOT_NAME } from './local.js';
export { createRemoteTsa } from './remote.js';
