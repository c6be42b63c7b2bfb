/** The download token's one format: 32 random bytes, base64url without padding (43 characters). */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isWellFormedDownloadToken, newDownloadToken } from '../../evidence/download-token.js';

describe('download token format', () => {
  it('every new token is well formed, and they differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const token = newDownloadToken();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(isWellFormedDownloadToken(token), token);
      seen.add(token);
    }
    assert.equal(seen.size, 200);
  });

  it('refuses anything that is not the base64url of exactly 32 bytes', () => {
    for (const bad of [
      '',
      'x',
      'junk-token',
      'A'.repeat(42),
      'A'.repeat(44),
      `${'A'.repeat(42)}B`, // 43 characters, but the last one carries bits beyond 32 bytes
      `${'A'.repeat(42)}=`,
      `${'A'.repeat(41)}+A`,
      `${'A'.repeat(41)}/A`,
      `${'A'.repeat(41)}.A`,
      `${'A'.repeat(41)}%2`,
      Buffer.alloc(32).toString('base64'), // padded base64, not base64url
    ]) {
      assert.equal(isWellFormedDownloadToken(bad), false, JSON.stringify(bad));
    }
    assert.ok(isWellFormedDownloadToken(`${'A'.repeat(42)}A`));
    assert.ok(isWellFormedDownloadToken(`${'_'.repeat(42)}w`));
  });
});
