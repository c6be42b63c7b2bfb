/**
 * The one retry layer of the Azure source (the SDKs' own retries are switched off so that
 * waits are not stacked). 429 honours `retry-after-ms`, `x-ms-retry-after-ms` and
 * `Retry-After`, and falls back to our own backoff when the header is absent, as real Key
 * Vault 429s can be; 5xx, 408, timeouts and dropped connections back off with jitter.
 */
import type { PipelinePolicy, PipelineResponse } from '@azure/core-rest-pipeline';

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  status: number | undefined;
  throttled: boolean;
  reason: string;
}

export interface RetryOptions {
  maxRetries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Aborts waiting (the scan's deadline); an aborted operation is never retried. */
  signal?: AbortSignal;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

interface HeaderBag {
  get(name: string): string | undefined;
}

interface ErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  response?: { status?: number; headers?: HeaderBag };
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'REQUEST_SEND_ERROR',
  'EAI_AGAIN',
]);

/** The server's requested wait in ms, from whichever header it sent, or null. */
export function retryAfterMs(headers: HeaderBag | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const text = headers.get('retry-after');
  if (text === undefined) return null;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function statusOf(e: ErrorLike): number | undefined {
  return e.statusCode ?? e.response?.status;
}

/** Whether an error is worth another attempt, and why. */
export function retryReason(error: unknown): string | null {
  const e = (error ?? {}) as ErrorLike;
  const status = statusOf(e);
  if (status !== undefined) return RETRYABLE_STATUS.has(status) ? `HTTP ${status}` : null;
  if (e.code && RETRYABLE_CODES.has(e.code)) return e.code;
  if (e.name === 'TimeoutError' || /timed? ?out/i.test(e.message ?? '')) return 'timeout';
  return null;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function withRetry<T>(op: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 30_000;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      const reason = retryReason(error);
      if (reason === null || attempt >= opts.maxRetries || opts.signal?.aborted) throw error;
      const e = error as ErrorLike;
      const status = statusOf(e);
      const asked = status === 429 || status === 503 ? retryAfterMs(e.response?.headers) : null;
      // Full jitter around an exponential step, so many throttled requests do not retry in lockstep.
      const backoff = Math.min(cap, base * 2 ** attempt) * (0.5 + random());
      const delayMs = Math.min(cap, asked ?? backoff);
      opts.onRetry?.({ attempt: attempt + 1, delayMs, status, throttled: status === 429, reason });
      await sleep(delayMs, opts.signal);
    }
  }
}

/** A response worth retrying, carried through withRetry as an error and handed back at the end. */
class RetryableResponse extends Error {
  constructor(readonly response: PipelineResponse) {
    super(`HTTP ${response.status}`);
  }
  get statusCode(): number {
    return this.response.status;
  }
}

/**
 * The same retry logic as a pipeline policy, so that every HTTP request an SDK sends —
 * including each page of a paged listing — is retried on its own.
 */
export function retryPolicy(opts: RetryOptions): PipelinePolicy {
  return {
    name: 'certifyRetry',
    async sendRequest(request, next) {
      try {
        return await withRetry(async () => {
          const response = await next(request);
          if (RETRYABLE_STATUS.has(response.status)) throw new RetryableResponse(response);
          return response;
        }, opts);
      } catch (error) {
        // Out of retries: let the SDK see the last response and raise its own error for it.
        if (error instanceof RetryableResponse) return error.response;
        throw error;
      }
    },
  };
}
