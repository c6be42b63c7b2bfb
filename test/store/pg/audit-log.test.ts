/**
 * The operator audit log in PostgreSQL: the file log's chain, byte for byte; one gap-free chain
 * whichever replica appends; verified by the file log's verifier, which catches tampering.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { signerFromKey, type Jwks } from '../../../base/jws.js';
import { entryHash } from '../../../evidence/audit/chain.js';
import { AUDIT_LOG_FILE } from '../../../evidence/audit/format.js';
import type { AuditEntry, AuditEvent } from '../../../evidence/types.js';
import { openAuditLog } from '../../../store/audit-writer.js';
import { AUDIT_LOCK_KEY, openPgAuditLog, verifyPgAuditLog } from '../../../store/pg/audit-log.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = signerFromKey(privateKey);
const jwks: Jwks = { keys: [signer.publicJwk] };

const dbs: TestDatabase[] = [];
async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: true });
  dbs.push(db);
  return db;
}
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.drop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-07-01T09:00:00.000Z');
const MINUTE = 60_000;

function event(i: number, actor = 'alice'): AuditEvent {
  return {
    action: i % 3 === 0 ? 'rule.added' : 'command',
    actor: { id: `${actor}@contoso.com`, name: actor, channel: 'teams' },
    subject: i % 2 === 0 ? `rule-${i}` : null,
    details: { text: `scan vault-${i} — Zoë ✓`, n: i, ratio: i / 7, ok: true, none: null },
  };
}

async function lines(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ line: string }>('SELECT line FROM audit_log ORDER BY seq');
  return rows.map((r) => r.line);
}

async function checkpointSeqs(db: TestDatabase): Promise<number[]> {
  const { rows } = await db.pool.query<{ seq: string }>('SELECT seq FROM audit_checkpoints ORDER BY seq');
  return rows.map((r) => Number(r.seq));
}

describe('PostgreSQL audit log: writing', () => {
  it('writes the file log’s lines exactly, with its checkpoints and signed head', async () => {
    const db = await fresh();
    const dir = mkdtempSync(join(tmpdir(), 'certify-pg-audit-'));
    dirs.push(dir);
    const file = openAuditLog(dir, signer, { checkpointEvery: 5 });
    const pg = openPgAuditLog(db.pool, signer, { checkpointEvery: 5 });
    for (let i = 1; i <= 12; i++) {
      const a = await file.append(event(i), T0 + i * MINUTE);
      const b = await pg.append(event(i), T0 + i * MINUTE);
      assert.deepEqual(b, a);
    }
    assert.equal(`${(await lines(db)).join('\n')}\n`, readFileSync(join(dir, AUDIT_LOG_FILE), 'utf8'));
    assert.deepEqual(await checkpointSeqs(db), [5, 10]);
    const verified = await verifyPgAuditLog(db.pool, jwks);
    assert.deepEqual(
      {
        ok: verified.ok,
        entries: verified.entries,
        checkpoints: verified.checkpoints,
        lastSeq: verified.lastSeq,
      },
      { ok: true, entries: 12, checkpoints: 2, lastSeq: 12 },
    );
    assert.equal(verified.lastHash, (await pg.entries()).at(-1)?.hash);
  });

  it('reads entries by time, inclusive, in log order', async () => {
    const db = await fresh();
    const log = openPgAuditLog(db.pool, signer);
    assert.deepEqual(await log.entries(), []);
    for (let i = 1; i <= 6; i++) await log.append(event(i), T0 + i * MINUTE);
    const at = (i: number) => new Date(T0 + i * MINUTE).toISOString();
    assert.deepEqual(
      (await log.entries({ from: at(2), to: at(4) })).map((e) => e.seq),
      [2, 3, 4],
    );
    assert.deepEqual(
      (await log.entries({ from: at(5) })).map((e) => e.seq),
      [5, 6],
    );
    assert.deepEqual(
      (await log.entries({ to: at(1) })).map((e) => e.seq),
      [1],
    );
    await assert.rejects(log.entries({ from: 'yesterday' }), /"from" "yesterday" is not an ISO time/);
  });

  it('signs a checkpoint at the head on demand, once per entry, and none on an empty log', async () => {
    const db = await fresh();
    const log = openPgAuditLog(db.pool, signer);
    assert.equal(await log.checkpoint(T0), null);
    const entry = await log.append(event(1), T0);
    assert.deepEqual(await log.checkpoint(T0 + MINUTE), { seq: 1, hash: entry.hash });
    assert.deepEqual(await log.checkpoint(T0 + 2 * MINUTE), { seq: 1, hash: entry.hash });
    assert.deepEqual(await checkpointSeqs(db), [1]);
    assert.equal((await verifyPgAuditLog(db.pool, jwks)).ok, true);
  });

  it('refuses a secret or a malformed event before logging anything', async () => {
    const db = await fresh();
    const log = openPgAuditLog(db.pool, signer);
    const secret = { ...event(1), details: { clientSecret: 'hunter2' } };
    await assert.rejects(log.append(secret, T0), (e: unknown) => isCertifyError(e) && e.code === 'AUDIT_LOG');
    await assert.rejects(log.append({ ...event(1), action: '' }, T0), /"action" must be a non-empty string/);
    await assert.rejects(log.append(event(1), Number.NaN), /is not a time/);
    assert.deepEqual(await lines(db), []);
  });

  it('keeps any string the file log keeps, NUL and lone surrogates included', async () => {
    const db = await fresh();
    const log = openPgAuditLog(db.pool, signer);
    const odd = { ...event(1), details: { text: 'a\u0000b \ud800 "c"\n' } };
    const entry = await log.append(odd, T0);
    assert.deepEqual((await log.entries())[0], entry);
    assert.equal((await verifyPgAuditLog(db.pool, jwks)).ok, true);
  });
});

describe('PostgreSQL audit log: replicas', () => {
  it('keeps one gap-free chain when two replicas append 20 entries at once', async () => {
    const db = await fresh();
    const other = await db.newPool();
    const logs = [db.pool, other].map((pool) => openPgAuditLog(pool, signer, { checkpointEvery: 5 }));
    const appended = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        logs[i % 2]!.append(event(i + 1, i % 2 ? 'bob' : 'alice'), T0 + i),
      ),
    );
    assert.deepEqual(
      appended.map((e) => e.seq).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const stored = (await logs[1]!.entries()) as AuditEntry[];
    assert.deepEqual(
      stored.map((e) => e.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    stored.forEach((e, i) => {
      assert.equal(
        e.prev,
        i === 0 ? '0'.repeat(64) : stored[i - 1]!.hash,
        `entry ${e.seq} links to the one before`,
      );
      assert.equal(entryHash(e), e.hash);
    });
    assert.deepEqual(await checkpointSeqs(db), [5, 10, 15, 20]);
    const verified = await verifyPgAuditLog(other, jwks);
    assert.deepEqual(verified.problems, []);
    assert.equal(verified.ok, true);
    assert.equal(verified.lastSeq, 20);
  });

  it('gives up on a writer that holds the log too long, logging nothing', async () => {
    const db = await fresh();
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY]);
      const log = openPgAuditLog(await db.newPool(), signer, { lockTimeoutMs: 300 });
      await assert.rejects(
        log.append(event(1), T0),
        (e: unknown) =>
          isCertifyError(e) && e.code === 'AUDIT_LOG' && /held the audit log for too long/.test(e.message),
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    assert.deepEqual(await lines(db), []);
  });
});

describe('PostgreSQL audit log: tampering', () => {
  async function built(n: number, every = 5): Promise<TestDatabase> {
    const db = await fresh();
    const log = openPgAuditLog(db.pool, signer, { checkpointEvery: every });
    for (let i = 1; i <= n; i++) await log.append(event(i), T0 + i * MINUTE);
    return db;
  }

  it('names an entry edited in its row', async () => {
    const db = await built(8);
    await db.pool.query(`UPDATE audit_log SET line = replace(line, 'vault-3', 'vault-X') WHERE seq = 3`);
    const verified = await verifyPgAuditLog(db.pool, jwks);
    assert.equal(verified.ok, false);
    assert.deepEqual(
      verified.problems.map((p) => [p.kind, p.seq]),
      [['edited', 3]],
    );
  });

  it('catches an edit whose hashes were all recomputed, by the signed checkpoint and head', async () => {
    const db = await built(8);
    const log = openPgAuditLog(db.pool, signer);
    const entries = await log.entries();
    // Rewrite entry 2 and rechain everything after it, as a forger without the key would.
    let prev = entries[0]!.hash;
    for (const original of entries.slice(1)) {
      const base = {
        ...original,
        prev,
        details: original.seq === 2 ? { ...original.details, text: 'nothing to see' } : original.details,
      };
      const { hash: _old, ...content } = base;
      const hash = entryHash(content);
      await db.pool.query('UPDATE audit_log SET line = $1, hash = $2 WHERE seq = $3', [
        JSON.stringify({ ...content, hash }),
        hash,
        original.seq,
      ]);
      prev = hash;
    }
    const verified = await verifyPgAuditLog(db.pool, jwks);
    assert.equal(verified.ok, false);
    assert.deepEqual(verified.problems.map((p) => p.kind).sort(), ['bad-checkpoint', 'bad-head']);
    // And the writer will not sign a new head over it.
    await assert.rejects(log.append(event(9), T0 + 9 * MINUTE), /signed head records entry 8/);
  });

  it('catches entries cut off the end, and refuses to append after them', async () => {
    const db = await built(7);
    await db.pool.query('DELETE FROM audit_log WHERE seq >= 6');
    const verified = await verifyPgAuditLog(db.pool, jwks);
    assert.deepEqual(
      verified.problems.map((p) => [p.kind, p.seq]),
      [['truncated', 6]],
    );
    await assert.rejects(openPgAuditLog(db.pool, signer).append(event(8), T0), (e: unknown) => {
      assert.ok(isCertifyError(e) && e.code === 'AUDIT_LOG');
      assert.match(e.message, /ends at entry 5 but its signed head records entry 7/);
      return true;
    });
    assert.equal((await lines(db)).length, 5, 'nothing was appended');
  });

  it('catches a deleted entry in the middle, and a row whose columns disagree with its entry', async () => {
    const db = await built(6);
    await db.pool.query('DELETE FROM audit_log WHERE seq = 3');
    await db.pool.query(`UPDATE audit_log SET hash = repeat('0', 64) WHERE seq = 5`);
    const verified = await verifyPgAuditLog(db.pool, jwks);
    assert.equal(verified.ok, false);
    assert.deepEqual(
      verified.problems.map((p) => [p.kind, p.seq]),
      [
        ['deleted', 3],
        ['edited', 5],
      ],
    );
  });
});
