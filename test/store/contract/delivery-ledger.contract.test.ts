/**
 * The Slack delivery ledger contract, over the one a single process keeps in memory (the
 * embedded store's) and PostgreSQL's (shared by replicas): checking and recording are one step,
 * so of copies arriving together only one is new; a key is remembered for its window and no
 * longer. Sharing between replicas is PostgreSQL's alone and is tested in test/store/pg.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import type { DeliveryLedger } from '../../../bot/slack/delivery-ledger.js';
import { MemoryDeliveryLedger } from '../../../bot/slack/memory-delivery-ledger.js';
import { createPgDeliveryLedger } from '../../../store/pg/delivery-ledger.js';
import { byKind, STORE_KINDS } from './harness.js';

const WINDOW = 10 * 60_000;
const T0 = Date.parse('2026-07-01T09:00:00.000Z');

const open = byKind({
  embedded: (): DeliveryLedger => new MemoryDeliveryLedger({ windowMs: WINDOW }),
  postgres: (pool): DeliveryLedger => createPgDeliveryLedger(pool, { windowMs: WINDOW }),
});

describe.each(STORE_KINDS)('DeliveryLedger contract ($name)', (kind) => {
  it('a key is new once, then seen, for its window', async () => {
    const [replica] = await kind.open();
    const ledger = open(replica!);
    assert.equal(await ledger.seen('event:Ev1', T0), false);
    assert.equal(await ledger.seen('event:Ev1', T0 + 1000), true);
    assert.equal(await ledger.seen('event:Ev2', T0 + 1000), false, 'another key is new');
    assert.equal(await ledger.seen('event:Ev1', T0 + WINDOW - 1), true, 'still inside the window');
    assert.equal(await ledger.seen('event:Ev1', T0 + WINDOW + 1), false, 'forgotten after it');
    assert.equal(await ledger.seen('event:Ev1', T0 + WINDOW + 2), true, 'and remembered again');
  });

  it('a forgotten key is new again, and only that key', async () => {
    const [replica] = await kind.open();
    const ledger = open(replica!);
    assert.equal(await ledger.seen('eventgrid:A', T0), false);
    assert.equal(await ledger.seen('eventgrid:B', T0), false);
    await ledger.forget('eventgrid:A');
    await ledger.forget('eventgrid:never-seen');
    assert.equal(await ledger.seen('eventgrid:A', T0 + 1000), false, 'its retry is handled');
    assert.equal(await ledger.seen('eventgrid:B', T0 + 1000), true, 'the other is still seen');
  });

  it('of ten copies arriving together, exactly one is new', async () => {
    const [replica] = await kind.open();
    const ledger = open(replica!);
    const answers = await Promise.all(Array.from({ length: 10 }, () => ledger.seen('trigger:T1', T0)));
    assert.equal(answers.filter((seen) => !seen).length, 1);
  });
});
