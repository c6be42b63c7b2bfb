/**
 * The PostgreSQL adapters of the ports that were already async: what only PostgreSQL shows (rows
 * left unwritten, rows edited by hand), and the Slack delivery ledger across replicas. What they
 * share with their embedded siblings is in test/store/contract/ (conversations, parameters).
 */
import assert from 'node:assert/strict';
import type pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import type { DeliveryLedger } from '../../../bot/slack/delivery-ledger.js';
import { createPgConversationStore } from '../../../store/pg/conversations.js';
import { createPgDeliveryLedger, type PgDeliveryLedger } from '../../../store/pg/delivery-ledger.js';
import { createPgParameterStore } from '../../../store/pg/parameters.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';
import { conversationRef as ref, type ConversationRef as Ref } from '../../support/store-fixtures.js';

let db: TestDatabase;
let replica: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
  replica = await db.newPool();
});
afterAll(() => db?.drop());

describe('conversations', () => {
  it('write nothing for an unchanged reference, and replace a changed one', async () => {
    const store = createPgConversationStore<Ref>(db.pool);
    await store.save('b:1', ref('b:1'));
    const stamp = async () =>
      (
        await db.pool.query<{ t: Date }>(`SELECT updated_at AS t FROM conversations WHERE key = 'b:1'`)
      ).rows[0]!.t.getTime();
    const first = await stamp();
    await store.save('b:1', ref('b:1'));
    assert.equal(await stamp(), first);
    await store.save('b:1', ref('b:1', { tenantId: 't2' }));
    assert.deepEqual(await store.get('b:1'), ref('b:1', { tenantId: 't2' }));
  });
});

describe('organisation parameters', () => {
  it('report a row edited into something no change could write, and leave it', async () => {
    const store = createPgParameterStore(db.pool);
    await db.pool.query(`UPDATE parameters SET values = '{"expiringSoonDays": 9999, "nope": 1}'`);
    try {
      for (const attempt of [store.values(), store.change(() => ({}))]) {
        await assert.rejects(attempt, (e: unknown) => {
          assert.ok(isCertifyError(e));
          assert.equal(e.code, 'STORE_CORRUPT');
          assert.match(e.message, /PostgreSQL table parameters/);
          assert.ok(
            e.problems.some((p) => p.startsWith('values.expiringSoonDays')),
            e.problems.join('; '),
          );
          assert.ok(
            e.problems.some((p) => p.startsWith('values.nope')),
            e.problems.join('; '),
          );
          return true;
        });
      }
      const { rows } = await db.pool.query<{ values: unknown }>('SELECT values FROM parameters');
      assert.deepEqual(rows[0]?.values, { expiringSoonDays: 9999, nope: 1 });
    } finally {
      await db.pool.query(`UPDATE parameters SET values = '{}'`);
    }
  });
});

describe('the Slack delivery ledger', () => {
  const T0 = Date.parse('2026-11-26T10:00:00Z');
  const WINDOW = 601_000;

  it('has the bot port’s shape', () => {
    const ledger: DeliveryLedger = createPgDeliveryLedger(db.pool, { windowMs: WINDOW });
    const back: PgDeliveryLedger = ledger;
    assert.equal(typeof back.seen, 'function');
  });

  it('records a key the first time and recognises it after, on every replica', async () => {
    const one = createPgDeliveryLedger(db.pool, { windowMs: WINDOW });
    const two = createPgDeliveryLedger(replica, { windowMs: WINDOW });
    assert.equal(await one.seen('ledger:a', T0), false);
    assert.equal(await two.seen('ledger:a', T0 + 1), true);
    assert.equal(await two.seen('ledger:b', T0 + 1), false);
  });

  it('tells only one of many copies arriving together on two replicas that it is new', async () => {
    const ledgers = [db.pool, replica].map((pool) => createPgDeliveryLedger(pool, { windowMs: WINDOW }));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => ledgers[i % 2]!.seen('ledger:race', T0)),
    );
    assert.equal(answers.filter((seen) => !seen).length, 1);
  });

  it('forgets a key once its window has passed, and sweeps what expired', async () => {
    const ledger = createPgDeliveryLedger(db.pool, { windowMs: WINDOW });
    await ledger.seen('ledger:c', T0);
    assert.equal(await ledger.seen('ledger:c', T0 + WINDOW - 1), true, 'the last millisecond is inside');
    assert.equal(await ledger.seen('ledger:c', T0 + WINDOW), false, 'expired: new again');
    assert.equal(await ledger.seen('ledger:c', T0 + WINDOW + 1), true, 're-recorded');
    await ledger.seen('ledger:d', T0 + 10 * WINDOW);
    const { rows } = await db.pool.query<{ key: string }>('SELECT key FROM slack_deliveries ORDER BY key');
    assert.deepEqual(
      rows.map((r) => r.key),
      ['ledger:d'],
      'a sweep removed every expired row',
    );
  });

  it('refuses a window that could not bound it', () => {
    assert.throws(() => createPgDeliveryLedger(db.pool, { windowMs: 0 }), /windowMs must be > 0/);
  });
});
