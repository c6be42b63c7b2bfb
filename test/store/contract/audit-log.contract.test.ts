/**
 * The AuditLog contract, over the embedded store (JSONL files) and PostgreSQL (an append-only
 * table): the same hash chain and signed checkpoints whoever appends, entries read back in log
 * order and by time, appends from two replicas at once kept gap-free, and the verifier of each
 * store passing a sound log.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type pg from 'pg';
import { describe, it } from 'vitest';
import { signerFromKey, type Jwks } from '../../../base/jws.js';
import { entryHash } from '../../../evidence/audit/chain.js';
import type { AuditEvent } from '../../../evidence/types.js';
import { openAuditLog, verifyAuditLog } from '../../../store/audit-log.js';
import { openPgAuditLog, verifyPgAuditLog } from '../../../store/pg/audit-log.js';
import { byKind, STORE_KINDS } from './harness.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = signerFromKey(privateKey);
const jwks: Jwks = { keys: [signer.publicJwk] };
const T0 = Date.parse('2026-07-01T09:00:00.000Z');
const MINUTE = 60_000;

function event(i: number, replica = 'one'): AuditEvent {
  return {
    action: 'rule.added',
    actor: { id: `user-${replica}`, name: `User ${replica}`, channel: 'cli' },
    subject: `RULE-${replica}-${i}`,
    details: { n: i, replica },
  };
}

const open = byKind({
  embedded: (dir: string, checkpointEvery: number = 50) => openAuditLog(dir, signer, { checkpointEvery }),
  postgres: (pool: pg.Pool, checkpointEvery: number = 50) =>
    openPgAuditLog(pool, signer, { checkpointEvery }),
});
const verify = byKind({
  embedded: (dir) => verifyAuditLog(dir, jwks),
  postgres: (pool) => verifyPgAuditLog(pool, jwks),
});

describe.each(STORE_KINDS)('AuditLog contract ($name)', (kind) => {
  it('chains every entry to the one before it, from seq 1, and verifies', async () => {
    const [replica] = await kind.open();
    const log = open(replica!, 3);
    const appended = [];
    for (let i = 1; i <= 7; i++) appended.push(await log.append(event(i), T0 + i * MINUTE));
    assert.deepEqual(
      appended.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6, 7],
    );
    for (const [i, entry] of appended.entries()) {
      const { hash, ...rest } = entry;
      assert.equal(hash, entryHash(rest), `entry ${entry.seq} carries its own hash`);
      assert.equal(entry.prev, i === 0 ? '0'.repeat(64) : appended[i - 1]!.hash);
    }
    const result = await verify(replica!);
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.equal(result.entries, 7);
    assert.equal(result.checkpoints, 2, 'a signed checkpoint every 3 entries');
    assert.equal(result.lastSeq, 7);
    assert.equal(result.lastHash, appended[6]!.hash);
  });

  it('reads entries back in log order, and by time range (inclusive)', async () => {
    const [replica] = await kind.open();
    const log = open(replica!);
    for (let i = 1; i <= 5; i++) await log.append(event(i), T0 + i * MINUTE);
    const all = await log.entries();
    assert.deepEqual(
      all.map((e) => e.subject),
      ['RULE-one-1', 'RULE-one-2', 'RULE-one-3', 'RULE-one-4', 'RULE-one-5'],
    );
    const some = await log.entries({
      from: new Date(T0 + 2 * MINUTE).toISOString(),
      to: new Date(T0 + 4 * MINUTE).toISOString(),
    });
    assert.deepEqual(
      some.map((e) => e.seq),
      [2, 3, 4],
    );
  });

  it('a checkpoint on demand signs the head; an empty log has none', async () => {
    const [replica] = await kind.open();
    const log = open(replica!);
    assert.equal(await log.checkpoint(T0), null);
    await log.append(event(1), T0 + MINUTE);
    const last = await log.append(event(2), T0 + 2 * MINUTE);
    assert.deepEqual(await log.checkpoint(T0 + 3 * MINUTE), { seq: 2, hash: last.hash });
    assert.equal((await verify(replica!)).checkpoints, 1);
  });

  it('two replicas appending at once keep one gap-free chain that verifies', async () => {
    const [a, b] = await kind.open(2);
    const one = open(a!, 10);
    const two = open(b!, 10);
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => [
        one.append(event(i, 'one'), T0 + i * MINUTE),
        two.append(event(i, 'two'), T0 + i * MINUTE),
      ]).flat(),
    );
    const entries = await one.entries();
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    assert.equal(new Set(entries.map((e) => e.subject)).size, 30, 'every append kept once');
    const result = await verify(a!);
    assert.equal(result.ok, true, JSON.stringify(result.problems));
    assert.equal(result.entries, 30);
  });

  it('refuses a secret-looking detail, and appends nothing', async () => {
    const [replica] = await kind.open();
    const log = open(replica!);
    await assert.rejects(
      log.append({ ...event(1), details: { clientSecret: 'abc~DEF1234567890abcdefghijklmnopqrstu' } }, T0),
    );
    assert.deepEqual(await log.entries(), []);
  });
});
