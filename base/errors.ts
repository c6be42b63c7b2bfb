/**
 * Errors that carry a stable code and the exit status the CLI maps them to
 * (contract.md: 1 the operation failed, 2 bad usage or bad input).
 */
export type ErrorCode =
  | 'BAD_USAGE'
  | 'BAD_INPUT'
  | 'INVALID_INVENTORY'
  | 'UNKNOWN_FRAMEWORK'
  | 'UNKNOWN_CONTROL'
  | 'UNKNOWN_RULE'
  | 'INVALID_CUSTOM_RULE'
  | 'READ_ONLY_RULE'
  | 'DUPLICATE_RULE'
  | 'STORE_CORRUPT'
  | 'STORE_VERSION'
  | 'STORE_IO'
  | 'SOURCE_UNAVAILABLE'
  | 'SOURCE_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'EXPIRED'
  | 'VERIFY_FAILED'
  | 'SIGNING_KEY'
  | 'TSA_FAILED'
  | 'AUDIT_LOG';

const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BAD_USAGE',
  'BAD_INPUT',
  'INVALID_INVENTORY',
  'UNKNOWN_FRAMEWORK',
  'UNKNOWN_CONTROL',
  'UNKNOWN_RULE',
  'INVALID_CUSTOM_RULE',
  'READ_ONLY_RULE',
  'DUPLICATE_RULE',
]);

export class CertifyError extends Error {
  override readonly name = 'CertifyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Individual problems (e.g. one per invalid field), each already naming its place. */
    readonly problems: readonly string[] = [],
    /** A hint that tells the user what to do. */
    readonly hint?: string,
  ) {
    super(message);
  }

  /** 2 for bad usage or bad input, 1 for an operation that failed. */
  get exitCode(): 1 | 2 {
    return BAD_INPUT_CODES.has(this.code) ? 2 : 1;
  }
}

export function isCertifyError(e: unknown): e is CertifyError {
  return e instanceof CertifyError;
}
