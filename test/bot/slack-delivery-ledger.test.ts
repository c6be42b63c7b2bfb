/**
 * The in-memory DeliveryLedger and the identity of a Slack delivery, with time given as `now`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { deliveryIdentity } from '../../bot/slack/delivery-identity.js';
import { MemoryDeliveryLedger } from '../../bot/slack/memory-delivery-ledger.js';

const T0 = Date.parse('2026-11-26T10:00:00Z');
const WINDOW = 601_000;

describe('MemoryDeliveryLedger', () => {
  it('records a key the first time and recognises it after', async () => {
    const ledger = new MemoryDeliveryLedger({ windowMs: WINDOW });
    assert.equal(await ledger.seen('a', T0), false);
    assert.equal(await ledger.seen('a', T0 + 1), true);
    assert.equal(await ledger.seen('b', T0 + 1), false);
    assert.equal(ledger.size, 2);
  });

  it('tells only one of two copies arriving together that it is new', async () => {
    const ledger = new MemoryDeliveryLedger({ windowMs: WINDOW });
    const answers = await Promise.all([ledger.seen('a', T0), ledger.seen('a', T0)]);
    assert.deepEqual(answers.sort(), [false, true]);
  });

  it('forgets a key once its window has passed, and prunes what expired', async () => {
    const ledger = new MemoryDeliveryLedger({ windowMs: WINDOW });
    await ledger.seen('a', T0);
    await ledger.seen('b', T0 + 1_000);
    assert.equal(await ledger.seen('a', T0 + WINDOW - 1), true, 'the last millisecond is inside');
    assert.equal(await ledger.seen('a', T0 + WINDOW), false, 'expired: new again');
    // 'b' expired with 'a'; asking about anything drops it.
    await ledger.seen('c', T0 + 1_000 + WINDOW);
    assert.equal(ledger.size, 2, 'a (re-recorded) and c');
    assert.equal(await ledger.seen('b', T0 + 1_000 + WINDOW), false);
  });

  it('does not take an expired key for a live one when the clock steps back', async () => {
    const ledger = new MemoryDeliveryLedger({ windowMs: WINDOW });
    await ledger.seen('late', T0 + 10 * WINDOW);
    await ledger.seen('early', T0);
    assert.equal(await ledger.seen('early', T0 + WINDOW), false);
  });

  it('holds at most maxEntries, forgetting the oldest first', async () => {
    const ledger = new MemoryDeliveryLedger({ windowMs: WINDOW, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) assert.equal(await ledger.seen(key, T0), false);
    assert.equal(ledger.size, 3);
    assert.equal(await ledger.seen('d', T0), true);
    assert.equal(await ledger.seen('b', T0), true);
    assert.equal(await ledger.seen('a', T0), false, 'the oldest was forgotten');
    assert.equal(ledger.size, 3);
  });

  it('refuses a window or size that could not bound it', () => {
    assert.throws(() => new MemoryDeliveryLedger({ windowMs: 0 }), /windowMs must be > 0/);
    assert.throws(() => new MemoryDeliveryLedger({ windowMs: WINDOW, maxEntries: 0 }), /maxEntries/);
  });
});

describe('deliveryIdentity', () => {
  it('names a slash command by its trigger_id', () => {
    assert.deepEqual(deliveryIdentity({ command: '/certify', text: 'score', trigger_id: '1.2.abc' }), {
      kind: 'command',
      key: 'command:1.2.abc',
    });
    assert.equal(deliveryIdentity({ command: '/certify', text: 'score' }), undefined);
  });

  it('names an Events API delivery by its event_id', () => {
    assert.deepEqual(deliveryIdentity({ type: 'event_callback', event_id: 'Ev123', event: { type: 'x' } }), {
      kind: 'event',
      key: 'event:Ev123',
    });
  });

  it('names a button press by trigger, action and who pressed', () => {
    const press = (over: Record<string, unknown> = {}, action: Record<string, unknown> = {}) =>
      deliveryIdentity({
        type: 'block_actions',
        trigger_id: 't1',
        user: { id: 'U1' },
        actions: [{ action_id: 'evidence.sign', action_ts: '1.5', ...action }],
        ...over,
      });
    const base = press();
    assert.equal(base?.kind, 'interaction');
    assert.equal(press()?.key, base?.key, 'the same press has the same identity');
    assert.notEqual(press({ trigger_id: 't2' })?.key, base?.key);
    assert.notEqual(press({}, { action_id: 'evidence.reject' })?.key, base?.key);
    assert.notEqual(press({}, { action_ts: '1.6' })?.key, base?.key);
    assert.notEqual(press({ user: { id: 'U2' } })?.key, base?.key);
    assert.notEqual(press({ type: 'interactive_message' })?.key, base?.key);
    assert.ok(press({ trigger_id: undefined }), 'action_ts alone still identifies it');
  });

  it('gives none to what carries nothing unique', () => {
    assert.equal(deliveryIdentity({ type: 'block_suggestion', action_id: 'a', value: 'q' }), undefined);
    assert.equal(deliveryIdentity({ type: 'app_rate_limited', team_id: 'T1' }), undefined);
    assert.equal(deliveryIdentity({}), undefined);
  });
});
