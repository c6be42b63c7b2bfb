/** The signing key on a fresh data dir: created once, whoever asks first and however many ask at once. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { loadOrCreateSigningKey, SIGNING_KEY_FILE } from '../../store/signing-key.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('signing key', () => {
  it('eight starts at once on a fresh data dir end with one key, and none reads a half-written file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certify-key-'));
    dirs.push(dir);
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningKey(dir)));
    assert.equal(new Set(keys.map((k) => k.kid)).size, 1);
    assert.equal((await loadOrCreateSigningKey(dir)).kid, keys[0]!.kid);
    assert.equal(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777, 0o600);
    // No temp file is left behind.
    assert.deepEqual(readdirSync(dir), [SIGNING_KEY_FILE]);
  });
});
