/**
 * Whether a chat platform's failure is worth another try: throttled (429), the platform's own
 * failure (5xx), or the connection dropped. Anything else (a channel the bot left, a bad token,
 * a card the platform refuses) would fail the same way again, and a repeat might post twice.
 */
import { isTransientHttpStatus } from '../../store/jobs/types.js';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

/** The HTTP status an SDK error carries, wherever it keeps it, or null. */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as {
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    response?: { status?: unknown };
  };
  // @slack/web-api: a rejected rate-limited call has this code and no status.
  if (e.code === 'slack_webapi_rate_limited_error') return 429;
  for (const candidate of [e.statusCode, e.status, e.response?.status]) {
    if (typeof candidate === 'number' && Number.isInteger(candidate)) return candidate;
  }
  return null;
}

export function isTransientDeliveryError(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== null) return isTransientHttpStatus(status);
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return (
    (typeof code === 'string' && NETWORK_CODES.has(code)) ||
    (typeof causeCode === 'string' && NETWORK_CODES.has(causeCode))
  );
}
