/**
 * What stands between the download route and the evidence service: failed attempts are limited
 * per client address (429 with Retry-After), and a token not in the issued format is answered
 * 404 and only counted — it never reaches the store or the operator audit log, so junk requests
 * cannot grow that log. Audit entries stay for tokens that could be real.
 */
import { isWellFormedDownloadToken } from '../evidence/download-token.js';
import { NOT_VALID } from '../services/link-state.js';
import type { EvidenceService } from '../services/evidence.js';
import { CertifyError, isCertifyError } from '../base/errors.js';
import { createAttemptLimiter, type AttemptLimiter } from './attempt-limiter.js';
import { TooManyAttempts, type DownloadFile, type DownloadLinks } from './download-route.js';
import { throttledCount } from './throttled-count.js';
import type { Log } from './types.js';

/**
 * Ten wrong links a minute is more than a person mistyping or clicking old links ever needs;
 * an issued token is 256 random bits, so the limit is about the log's growth, not guessing.
 */
export const FAILED_ATTEMPTS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
/** Addresses remembered at once (~100 bytes each). */
const MAX_ADDRESSES = 10_000;
const REPORT_EVERY_MS = 60_000;

export function guardDownloads(
  service: Pick<EvidenceService, 'redeem' | 'check'>,
  opts: { log: Log; clock: () => number; limiter?: AttemptLimiter },
): DownloadLinks {
  const limiter =
    opts.limiter ??
    createAttemptLimiter({ limit: FAILED_ATTEMPTS_PER_MINUTE, windowMs: WINDOW_MS, maxKeys: MAX_ADDRESSES });
  // Counts only: a junk token may be someone's mistyped real one, and a token is never logged.
  const malformed = throttledCount(REPORT_EVERY_MS, (count) =>
    opts.log('download_tokens_malformed', { level: 'warn', count, windowSeconds: REPORT_EVERY_MS / 1000 }),
  );
  const limited = throttledCount(REPORT_EVERY_MS, (count) =>
    opts.log('download_attempts_limited', { level: 'warn', count, windowSeconds: REPORT_EVERY_MS / 1000 }),
  );

  async function attempt(
    token: string,
    client: { address: string | null },
    run: (now: number) => Promise<DownloadFile>,
  ): Promise<DownloadFile> {
    const now = opts.clock();
    const key = client.address ?? 'unknown';
    const wait = limiter.retryAfterMs(key, now);
    if (wait > 0) {
      limited.add(now);
      throw new TooManyAttempts(Math.ceil(wait / 1000));
    }
    if (!isWellFormedDownloadToken(token)) {
      limiter.fail(key, now);
      malformed.add(now);
      throw new CertifyError('NOT_FOUND', NOT_VALID);
    }
    try {
      return await run(now);
    } catch (e) {
      if (isCertifyError(e)) limiter.fail(key, now);
      throw e;
    }
  }

  return {
    redeem: (token, client) => attempt(token, client, (now) => service.redeem(token, now, client)),
    check: (token, client) => attempt(token, client, (now) => service.check(token, now)),
  };
}
