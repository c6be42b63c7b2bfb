/** The per-address limiter of failed download attempts: fixed windows, bounded memory, time passed in. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { createAttemptLimiter } from '../../bot/attempt-limiter.js';

const MIN = 60_000;

describe('attempt limiter', () => {
  it('allows `limit` failures a window, then says how long to wait; the next window starts afresh', () => {
    const limiter = createAttemptLimiter({ limit: 3, windowMs: MIN, maxKeys: 100 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfterMs('10.0.0.1', t0 + i), 0);
      limiter.fail('10.0.0.1', t0 + i);
    }
    assert.equal(limiter.retryAfterMs('10.0.0.1', t0 + 10_000), 50_000);
    assert.equal(limiter.retryAfterMs('10.0.0.2', t0 + 10_000), 0, 'another address is not limited');
    assert.equal(limiter.retryAfterMs('10.0.0.1', t0 + MIN - 1), 1);
    assert.equal(limiter.retryAfterMs('10.0.0.1', t0 + MIN), 0);
    limiter.fail('10.0.0.1', t0 + MIN);
    assert.equal(limiter.retryAfterMs('10.0.0.1', t0 + MIN + 1), 0);
  });

  it('keeps at most maxKeys addresses, dropping expired windows first, then the oldest', () => {
    const limiter = createAttemptLimiter({ limit: 1, windowMs: MIN, maxKeys: 3 });
    limiter.fail('a', 0);
    limiter.fail('b', 10);
    limiter.fail('c', 20);
    assert.equal(limiter.size(), 3);
    limiter.fail('d', 30);
    assert.equal(limiter.size(), 3);
    assert.equal(limiter.retryAfterMs('a', 40), 0, 'the oldest window made room');
    assert.ok(limiter.retryAfterMs('d', 40) > 0);
    limiter.fail('e', MIN + 25);
    // b and c expired: both dropped, not just the oldest.
    assert.equal(limiter.size(), 2);
    assert.ok(limiter.retryAfterMs('e', MIN + 26) > 0);
  });

  it('refuses a nonsensical configuration', () => {
    assert.throws(() => createAttemptLimiter({ limit: 0, windowMs: MIN, maxKeys: 1 }), RangeError);
    assert.throws(() => createAttemptLimiter({ limit: 1, windowMs: 0, maxKeys: 1 }), RangeError);
    assert.throws(() => createAttemptLimiter({ limit: 1, windowMs: MIN, maxKeys: 0 }), RangeError);
  });
});
