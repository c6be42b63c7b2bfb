/**
 * The one format of a download token: 32 random bytes in base64url without padding, so always
 * 43 characters. Knowing the exact format lets a caller tell a token Certify could have issued
 * from junk without looking anything up: junk never reaches the store or the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
const TOKEN_CHARS = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A fresh bearer token for one download link. */
export function newDownloadToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * True only for what `newDownloadToken` can return. The round trip also refuses a 43-character
 * string whose last character carries bits beyond the 32 bytes: no issued token looks like that.
 */
export function isWellFormedDownloadToken(token: string): boolean {
  if (token.length !== TOKEN_CHARS || !BASE64URL.test(token)) return false;
  const bytes = Buffer.from(token, 'base64url');
  return bytes.length === TOKEN_BYTES && bytes.toString('base64url') === token;
}

/** What the store keeps of a token: a link is a bearer secret, so never the token itself. */
export function downloadTokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
