/**
 * Custom rules in PostgreSQL (the CustomRuleStore of store/custom-rules.ts), shared by every
 * replica, with the embedded store's decisions and errors: the same validator, the same refusals
 * (READ_ONLY_RULE, DUPLICATE_RULE, UNKNOWN_RULE, INVALID_CUSTOM_RULE), creation order by position.
 *
 * Identity holds across replicas by the table's own keys: the primary key and the unique index on
 * upper(id), so of two replicas creating one id (in any case) at once, exactly one row is
 * inserted and the other is told DUPLICATE_RULE. A change locks its row (SELECT … FOR UPDATE),
 * so two changes to one rule merge in turn rather than one losing the other.
 *
 * Every read and write first checks the stored rules as the embedded store checks its file
 * (a row edited by hand into an invalid rule, or one whose id a newer build made built-in), and
 * refuses with STORE_CORRUPT, leaving them as they are.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import type { CustomRuleDef } from '../../scanner/rules/custom-types.js';
import {
  builtinIdProblem,
  customRuleChecks,
  duplicateRule,
  foldRuleId,
  unknownRule,
} from '../custom-rule-checks.js';
import type { CustomRuleStore, CustomRuleStoreOptions, CustomRuleValidator } from '../custom-rules.js';
import { isPlainObject } from '../json-file.js';
import { inTransaction, jsonParam, rows } from './sql.js';

const WHERE = 'PostgreSQL table custom_rules';
/** A clash that was removed before it could be named is retried; more than this is a fault. */
const CREATE_ATTEMPTS = 3;

type Db = pg.Pool | pg.PoolClient;

export function createPgCustomRuleStore(pool: pg.Pool, options: CustomRuleStoreOptions): CustomRuleStore {
  const { validate } = options;
  const { builtins, assertNotBuiltin, validated, changed } = customRuleChecks(options);

  /**
   * Every stored rule, in creation order, as the validator reads it back: jsonb keeps no key
   * order, and the validator's value has the rule's own.
   */
  async function stored(db: Db): Promise<CustomRuleDef[]> {
    const found = await rows<{ id: string; def: unknown }>(
      db,
      'read the custom rules',
      'SELECT id, def FROM custom_rules ORDER BY position',
    );
    return checked(found, builtins, validate);
  }

  /**
   * Within a transaction, after checking every stored rule: the rule `id` as `sql` (which returns
   * its `def`) finds it, or UNKNOWN_RULE naming the others.
   */
  async function ruleRow(
    client: pg.PoolClient,
    what: string,
    sql: string,
    id: string,
  ): Promise<CustomRuleDef> {
    const all = await stored(client);
    const found = await rows<{ def: unknown }>(client, what, sql, [id]);
    const row = found[0];
    // Absent, or removed by another replica since `all` was read: unknown either way.
    if (row === undefined)
      throw unknownRule(
        id,
        all.filter((r) => r.id !== id),
      );
    return checked([{ id, def: row.def }], builtins, validate)[0] as CustomRuleDef;
  }

  async function change(id: string, patch: unknown): Promise<CustomRuleDef> {
    assertNotBuiltin(id);
    const what = `change the custom rule ${id}`;
    return inTransaction(pool, what, async (client) => {
      // Read under the row's lock: a change committed since the others were read is merged over.
      const current = await ruleRow(
        client,
        what,
        'SELECT def FROM custom_rules WHERE id = $1 FOR UPDATE',
        id,
      );
      const value = changed(id, current, patch);
      await rows(client, what, 'UPDATE custom_rules SET def = $2::jsonb WHERE id = $1', [
        id,
        jsonParam(value),
      ]);
      return value;
    });
  }

  return {
    async list() {
      return stored(pool);
    },

    async get(id) {
      return (await stored(pool)).find((r) => r.id === id) ?? null;
    },

    async create(input) {
      // Checked before validation, so a built-in id is named as such whatever else is wrong.
      if (isPlainObject(input)) assertNotBuiltin(input.id);
      const value = validated(input, 'create', 'the custom rule');
      assertNotBuiltin(value.id);
      const what = `create the custom rule ${value.id}`;
      for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
        const before = await stored(pool);
        const known = before.find((r) => foldRuleId(r.id) === foldRuleId(value.id));
        if (known !== undefined) throw duplicateRule(value.id, known.id);
        // The keys decide between replicas creating at once: a conflicting row, committed or
        // not, makes this insert wait for it and then do nothing.
        const inserted = await rows(
          pool,
          what,
          'INSERT INTO custom_rules (id, def) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING RETURNING id',
          [value.id, jsonParam(value)],
        );
        if (inserted.length === 1) return value;
        const clash = await rows<{ id: string }>(
          pool,
          what,
          'SELECT id FROM custom_rules WHERE upper(id) = upper($1)',
          [value.id],
        );
        if (clash[0] !== undefined) throw duplicateRule(value.id, clash[0].id);
      }
      throw new CertifyError(
        'STORE_IO',
        `PostgreSQL: cannot ${what}: a rule with its id kept being created and removed meanwhile`,
      );
    },

    update(id, patch) {
      return change(id, patch);
    },

    async remove(id) {
      assertNotBuiltin(id);
      const what = `remove the custom rule ${id}`;
      return inTransaction(pool, what, (client) =>
        ruleRow(client, what, 'DELETE FROM custom_rules WHERE id = $1 RETURNING def', id),
      );
    },

    setEnabled(id, enabled) {
      return change(id, { enabled });
    },
  };
}

/** The rows as rules, or STORE_CORRUPT naming each row the embedded store would refuse in its file. */
function checked(
  found: readonly { id: string; def: unknown }[],
  builtins: ReadonlyMap<string, string>,
  validate: CustomRuleValidator,
): CustomRuleDef[] {
  const problems: string[] = [];
  const rules = found.map(({ id, def }) => {
    const at = `id ${id}`;
    const builtin = builtinIdProblem(at, id, builtins);
    if (builtin !== null) problems.push(builtin);
    if (!isPlainObject(def) || def.id !== id) problems.push(`${at}: "def.id" must be the row's id`);
    const outcome = validate(def, 'update');
    if (!outcome.ok) {
      for (const problem of outcome.problems) problems.push(`${at}: ${problem}`);
      return null;
    }
    return outcome.value;
  });
  if (problems.length > 0) {
    throw new CertifyError(
      'STORE_CORRUPT',
      `the custom rules in the ${WHERE} are not readable: ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}`,
      problems,
      'they were left untouched; fix or delete the rows named (UPDATE or DELETE FROM custom_rules WHERE id = …)',
    );
  }
  return rules as CustomRuleDef[];
}
