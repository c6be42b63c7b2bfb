/** The client for a third-party RFC 3161 time-stamping authority over HTTP(S). */
import { CertifyError } from '../../base/errors.js';
import { acceptResponse, assertSha256, buildRequest } from './client.js';
import type { TimestampAuthority, TimestampResult } from '../../evidence/timestamp/types.js';

const DEFAULT_TIMEOUT_MS = 15_000;
/** Real responses are a few kilobytes; anything this large is not a time-stamp. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The innermost useful reason of a fetch failure ("fetch failed" alone says nothing). */
function reason(e: unknown): string {
  const err = e as { message?: string; cause?: { message?: string; code?: string } };
  return err.cause?.message ?? err.cause?.code ?? err.message ?? String(e);
}

/**
 * POSTs a TimeStampReq (sha256 imprint, random nonce, certReq) as `application/timestamp-query`
 * to `url` and checks the answer: status granted, imprint and nonce as sent, and a token that
 * verifies. Every failure is a CertifyError('TSA_FAILED') naming the URL and the cause.
 */
export function createRemoteTsa(
  url: string,
  opts: { timeoutMs?: number; fetch?: typeof fetch } = {},
): TimestampAuthority {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `TSA ${url}`;
  const fail = (cause: string): CertifyError => new CertifyError('TSA_FAILED', `${where}: ${cause}`);
  /** A failure the next attempt may not meet (throttled, down, unreachable): `retryable`, as the job queue reads it. */
  const passing = (cause: string): CertifyError => Object.assign(fail(cause), { retryable: true });

  async function post(body: Buffer): Promise<Buffer> {
    const doFetch = opts.fetch ?? fetch;
    const controller = new AbortController();
    // One deadline for connecting, waiting and reading the body: a TSA that trickles is as stuck as a silent one.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: new Uint8Array(body),
        signal: controller.signal,
      });
      if (!res.ok) {
        const answered = `answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
        throw res.status === 429 || res.status >= 500 ? passing(answered) : fail(answered);
      }
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > MAX_RESPONSE_BYTES) throw fail(`answered ${declared} bytes, too large for a time-stamp`);
      const answer = Buffer.from(await res.arrayBuffer());
      if (answer.length > MAX_RESPONSE_BYTES)
        throw fail(`answered ${answer.length} bytes, too large for a time-stamp`);
      return answer;
    } catch (e) {
      if (e instanceof CertifyError) throw e;
      if (controller.signal.aborted) throw passing(`no answer within ${timeoutMs} ms`);
      throw passing(`cannot be reached (${reason(e)})`);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    kind: 'remote',
    async timestamp(sha256: Buffer): Promise<TimestampResult> {
      assertSha256(sha256);
      const request = buildRequest(sha256);
      const response = await post(request.der);
      return acceptResponse(
        response,
        sha256,
        request,
        { kind: 'remote', url, trustedThirdParty: true },
        where,
      );
    },
  };
}
