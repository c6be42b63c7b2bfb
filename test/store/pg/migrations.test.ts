import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { openCertifyDatabase } from '../../../store/pg/index.js';
import { migrate, migrationsProblem } from '../../../store/pg/migrate.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../../store/pg/migrations.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

const dbs: TestDatabase[] = [];
async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  dbs.push(db);
  return db;
}
afterAll(async () => {
  await Promise.all(dbs.map((db) => db.drop()));
});

async function tables(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

async function schemaRows(db: TestDatabase) {
  const { rows } = await db.pool.query<{ version: number; name: string; certify_version: string }>(
    'SELECT version, name, certify_version FROM certify_schema ORDER BY version',
  );
  return rows;
}

const EVERY_TABLE = [
  'alert_claims',
  'alert_groups',
  'alert_posts',
  'alert_resolutions',
  'alert_subscriptions',
  'alert_suppressions',
  'audit_checkpoints',
  'audit_head',
  'audit_log',
  'certificates',
  'certify_schema',
  'charts',
  'conversations',
  'custom_rules',
  'download_tokens',
  'evidence_requests',
  'evidence_staged',
  'evidence_staged_files',
  'evidence_zips',
  'parameters',
  'rotations',
  'scan_frameworks',
  'scan_rules',
  'scans',
  'slack_deliveries',
  'slack_home_viewers',
  'snapshots',
];

describe('PostgreSQL migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await fresh();
  });

  it('bring a fresh database to the current version, with every table the stores need', async () => {
    const result = await migrate(db.pool, { certifyVersion: '9.9.9-test' });
    assert.deepEqual(result, {
      from: 0,
      to: SCHEMA_VERSION,
      applied: MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    });
    assert.deepEqual(await tables(db), EVERY_TABLE);
    assert.deepEqual(
      await schemaRows(db),
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, certify_version: '9.9.9-test' })),
    );
    const { rows } = await db.pool.query<{ values: unknown }>('SELECT values FROM parameters');
    assert.deepEqual(rows, [{ values: {} }], 'the parameters row exists from the start');
  });

  it('do nothing when run again', async () => {
    const result = await migrate(db.pool);
    assert.deepEqual(result, { from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    assert.equal((await schemaRows(db)).length, MIGRATIONS.length);
  });

  it('migrate once when two replicas start at the same moment', async () => {
    const racing = await fresh();
    const replicas = await Promise.all([racing.newPool(), racing.newPool(), racing.newPool()]);
    const results = await Promise.all(replicas.map((pool) => migrate(pool)));
    assert.equal(results.filter((r) => r.applied.length > 0).length, 1, 'one replica migrated');
    for (const r of results) assert.equal(r.to, SCHEMA_VERSION);
    assert.equal((await schemaRows(racing)).length, MIGRATIONS.length);
    assert.deepEqual(await tables(racing), EVERY_TABLE);
  });

  it('refuse a database a newer Certify migrated, and leave it untouched', async () => {
    const newer = await fresh();
    await newer.pool.query(
      `CREATE TABLE certify_schema (version integer PRIMARY KEY, name text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now(), certify_version text NOT NULL);
       INSERT INTO certify_schema (version, name, certify_version) VALUES (1, 'initial schema', '0.1.0'),
         (${MIGRATIONS.length + 1}, 'from the future', '99.0.0')`,
    );
    const before = { tables: await tables(newer), rows: await schemaRows(newer) };
    await assert.rejects(migrate(newer.pool), (e: unknown) => {
      assert.ok(isCertifyError(e));
      assert.equal(e.code, 'STORE_VERSION');
      assert.equal(
        e.message,
        `the PostgreSQL database was migrated by a newer Certify (schema ${MIGRATIONS.length + 1}, this build knows ${MIGRATIONS.length}): ` +
          'upgrade Certify or point CERTIFY_DATABASE_URL at another database',
      );
      return true;
    });
    assert.deepEqual({ tables: await tables(newer), rows: await schemaRows(newer) }, before);
    // The lock was let go: another replica is refused the same way, not left waiting.
    await assert.rejects(migrate(newer.pool, { lockTimeoutMs: 2_000 }), /newer Certify/);
  });

  it('apply only what is new, each migration in its own transaction', async () => {
    const upgrade = await fresh();
    await migrate(upgrade.pool, { migrations: MIGRATIONS.slice(0, 1) });
    const next: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'a column', sql: 'ALTER TABLE scans ADD COLUMN note text' },
      {
        version: MIGRATIONS.length + 2,
        name: 'broken',
        sql: 'ALTER TABLE scans ADD COLUMN late text; SELECT nope',
      },
    ];
    await assert.rejects(
      migrate(upgrade.pool, { migrations: next }),
      (e: unknown) =>
        isCertifyError(e) &&
        e.code === 'STORE_IO' &&
        e.message.includes(
          `migration ${MIGRATIONS.length + 2} (broken) failed; the database is left at schema ${MIGRATIONS.length + 1}`,
        ),
    );
    assert.deepEqual(
      (await schemaRows(upgrade)).map((r) => r.version),
      next.slice(0, -1).map((m) => m.version),
    );
    const { rows } = await upgrade.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'scans' AND column_name IN ('note', 'late')`,
    );
    assert.deepEqual(
      rows.map((r) => r.column_name),
      ['note'],
      'the failed migration left nothing behind',
    );
  });

  it('refuse a list of migrations with gaps, or without a name or SQL', () => {
    assert.equal(migrationsProblem(MIGRATIONS), null);
    const one = MIGRATIONS[0]!;
    assert.match(migrationsProblem([{ ...one, version: 2 }]) ?? '', /versions run 1, 2, 3/);
    assert.match(migrationsProblem([{ ...one, name: ' ' }]) ?? '', /no name/);
    assert.match(migrationsProblem([{ ...one, sql: '' }]) ?? '', /no SQL/);
  });

  it('give up waiting for a stuck migrator, naming the lock', async () => {
    const stuck = await fresh();
    const holder = await stuck.pool.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock('4847371095894284621'::bigint)`);
      const other = await stuck.newPool({ max: 1 });
      await assert.rejects(
        migrate(other, { lockTimeoutMs: 300 }),
        (e: unknown) =>
          isCertifyError(e) && /held the migration lock/.test(e.message) && /pg_locks/.test(e.hint ?? ''),
      );
      // The connection went back to the pool without the short lock timeout.
      const { rows } = await other.query<{ lock_timeout: string }>('SHOW lock_timeout');
      assert.equal(rows[0]?.lock_timeout, '0');
    } finally {
      holder.release();
    }
  });
});

describe('openCertifyDatabase', () => {
  it('opens the pool and migrates, as a replica does at start-up', async () => {
    const target = await fresh();
    const first = await openCertifyDatabase(target.url, { max: 2 });
    const second = await openCertifyDatabase(target.url, { max: 2 });
    try {
      assert.equal(first.schema.applied.length, MIGRATIONS.length);
      assert.deepEqual(second.schema.applied, []);
      assert.equal(second.schema.to, SCHEMA_VERSION);
    } finally {
      await Promise.all([first.pool.end(), second.pool.end()]);
    }
  });
});
