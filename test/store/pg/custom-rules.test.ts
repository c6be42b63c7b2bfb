/**
 * What only the PostgreSQL custom rule store has: rows edited by hand, and rules read back from
 * jsonb. The behaviour it shares with the embedded store is in
 * test/store/contract/custom-rules.contract.test.ts.
 */
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isCertifyError } from '../../../base/errors.js';
import { BUILTIN_RULE_IDS } from '../../../scanner/rules/builtin/index.js';
import { validateCustomRule } from '../../../scanner/rules/custom.js';
import { createPgCustomRuleStore } from '../../../store/pg/custom-rules.js';
import { createTestDatabase, type TestDatabase } from '../../support/pg.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
});
afterAll(() => db?.drop());

/** As the composition root builds it (app/ports.ts). */
const store = () =>
  createPgCustomRuleStore(db.pool, {
    builtinIds: BUILTIN_RULE_IDS,
    validate: (input) => validateCustomRule(input, { builtinIds: BUILTIN_RULE_IDS }),
  });

const rule = (id: string) => ({
  id,
  name: `Secrets of ${id} carry an owner tag`,
  severity: 'Medium',
  condition: { asset_scope: 'secrets', asset_field: 'tag_present', operator: 'not_exists', value: 'owner' },
});

describe('PostgreSQL custom rule store', () => {
  it('gives rules back with their keys in the validator’s order, which jsonb does not keep', async () => {
    await db.pool.query('TRUNCATE custom_rules');
    const created = await store().create(rule('OWNER-TAG'));
    const { rows } = await db.pool.query<{ def: string }>(`SELECT def::text FROM custom_rules`);
    assert.notEqual(rows[0]?.def, JSON.stringify(created), 'jsonb orders keys its own way');
    assert.equal(JSON.stringify(await store().get('OWNER-TAG')), JSON.stringify(created));
    assert.equal(JSON.stringify(await store().list()), JSON.stringify([created]));
  });

  it('refuses rows edited by hand (STORE_CORRUPT), naming each, and leaves them as they are', async () => {
    await db.pool.query('TRUNCATE custom_rules');
    await store().create(rule('GOOD'));
    const builtin = [...BUILTIN_RULE_IDS][0]!;
    await db.pool.query(
      `INSERT INTO custom_rules (id, def) VALUES
         ('NAMELESS', '{"id": "NAMELESS", "severity": "High"}'),
         ($1, $2::jsonb),
         ('MOVED', $3::jsonb)`,
      [
        builtin,
        JSON.stringify({ ...rule(builtin), description: '', weight: 3, enabled: true }),
        JSON.stringify(rule('ELSEWHERE')),
      ],
    );
    const before = (await db.pool.query('SELECT id, def::text FROM custom_rules ORDER BY position')).rows;
    for (const attempt of [
      () => store().list(),
      () => store().get('GOOD'),
      () => store().create(rule('NEW')),
      () => store().update('GOOD', { name: 'x' }),
      () => store().setEnabled('GOOD', false),
      () => store().remove('GOOD'),
    ]) {
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(isCertifyError(e));
        assert.equal(e.code, 'STORE_CORRUPT');
        assert.match(e.message, /custom rules in the PostgreSQL table custom_rules are not readable/);
        assert.ok(
          e.problems.some((p) => p.startsWith('id NAMELESS: name')),
          e.problems.join('; '),
        );
        assert.ok(e.problems.includes(`id ${builtin}: ${builtin} is the id of the built-in rule ${builtin}`));
        assert.ok(e.problems.includes(`id MOVED: "def.id" must be the row's id`));
        assert.ok(!e.problems.some((p) => p.startsWith('id GOOD')));
        return true;
      });
    }
    assert.deepEqual(
      (await db.pool.query('SELECT id, def::text FROM custom_rules ORDER BY position')).rows,
      before,
    );
    await db.pool.query(`DELETE FROM custom_rules WHERE id <> 'GOOD'`);
    assert.deepEqual(
      (await store().list()).map((r) => r.id),
      ['GOOD'],
    );
  });
});
