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
import type { CustomRuleStore, CustomRuleStoreOptions, CustomRuleValidator } from '../custom-rules.js';
import { isPlainObject } from '../json-file.js';
import { inTransaction, jsonParam, rows } from './sql.js';

const WHERE = 'PostgreSQL table custom_rules';
/** Most ids named in an UNKNOWN_RULE hint, as in the embedded store. */
const HINT_IDS = 20;
/** A clash that was removed before it could be named is retried; more than this is a fault. */
const CREATE_ATTEMPTS = 3;

type Db = pg.Pool | pg.PoolClient;

function fold(id: string): string {
  return id.toUpperCase();
}

export function createPgCustomRuleStore(pool: pg.Pool, options: CustomRuleStoreOptions): CustomRuleStore {
  const { validate } = options;
  const builtins = new Map([...options.builtinIds].map((id) => [fold(id), id]));

  function assertNotBuiltin(id: unknown): void {
    const builtin = typeof id === 'string' ? builtins.get(fold(id)) : undefined;
    if (builtin !== undefined) {
      throw new CertifyError(
        'READ_ONLY_RULE',
        `${builtin} is a built-in rule and cannot be changed; create a custom rule with its own id`,
      );
    }
  }

  function validated(input: unknown, mode: 'create' | 'update', what: string): CustomRuleDef {
    const outcome = validate(input, mode);
    if (!outcome.ok) {
      throw new CertifyError(
        'INVALID_CUSTOM_RULE',
        `${what} is invalid`,
        outcome.problems,
        'fix the fields named above; rules.md "Custom rules" lists what each one allows',
      );
    }
    return outcome.value;
  }

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

  async function change(id: string, patch: unknown): Promise<CustomRuleDef> {
    assertNotBuiltin(id);
    return inTransaction(pool, `change the custom rule ${id}`, async (client) => {
      const all = await stored(client);
      // Re-read under the row's lock: a change committed since `all` was read is merged over.
      const locked = await rows<{ def: unknown }>(
        client,
        `change the custom rule ${id}`,
        'SELECT def FROM custom_rules WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = locked[0];
      if (row === undefined) {
        // Absent, or removed by another replica since `all` was read: unknown either way.
        throw unknownRule(
          id,
          all.filter((r) => r.id !== id),
        );
      }
      const current = checked([{ id, def: row.def }], builtins, validate)[0] as CustomRuleDef;
      if (!isPlainObject(patch)) {
        throw new CertifyError('INVALID_CUSTOM_RULE', `custom rule ${id} is invalid`, [
          'the change must be an object of the fields to change',
        ]);
      }
      if ('id' in patch && patch.id !== current.id) {
        throw new CertifyError('INVALID_CUSTOM_RULE', `custom rule ${id} is invalid`, [
          `id: cannot be changed (it is ${id}); create a rule with the new id and remove this one`,
        ]);
      }
      const value = validated(merge(current, patch), 'update', `custom rule ${id}`);
      await rows(
        client,
        `change the custom rule ${id}`,
        'UPDATE custom_rules SET def = $2::jsonb WHERE id = $1',
        [id, jsonParam(value)],
      );
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
        const known = before.find((r) => fold(r.id) === fold(value.id));
        if (known !== undefined) throw duplicate(value.id, known.id);
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
        if (clash[0] !== undefined) throw duplicate(value.id, clash[0].id);
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
      return inTransaction(pool, `remove the custom rule ${id}`, async (client) => {
        const all = await stored(client);
        const removed = await rows<{ def: unknown }>(
          client,
          `remove the custom rule ${id}`,
          'DELETE FROM custom_rules WHERE id = $1 RETURNING def',
          [id],
        );
        const row = removed[0];
        // Absent, or removed by another replica since `all` was read: unknown either way.
        if (row === undefined)
          throw unknownRule(
            id,
            all.filter((r) => r.id !== id),
          );
        return checked([{ id, def: row.def }], builtins, validate)[0] as CustomRuleDef;
      });
    },

    setEnabled(id, enabled) {
      return change(id, { enabled });
    },
  };
}

function merge(current: CustomRuleDef, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current, ...patch };
  if (isPlainObject(patch.condition)) merged.condition = { ...current.condition, ...patch.condition };
  return merged;
}

function duplicate(id: string, existing: string): CertifyError {
  return new CertifyError(
    'DUPLICATE_RULE',
    existing === id
      ? `a custom rule with id ${id} already exists`
      : `${id} differs from the existing custom rule ${existing} only by case`,
    [],
    `pick another id, or update ${existing} instead`,
  );
}

function unknownRule(id: string, rules: readonly CustomRuleDef[]): CertifyError {
  const ids = rules.map((r) => r.id);
  const nearly = ids.find((known) => fold(known) === fold(id));
  const listed =
    ids.length === 0
      ? 'there are no custom rules yet'
      : `custom rule ids: ${ids.slice(0, HINT_IDS).join(', ')}${ids.length > HINT_IDS ? ', …' : ''}`;
  return new CertifyError(
    'UNKNOWN_RULE',
    `there is no custom rule ${id}`,
    [],
    nearly === undefined ? listed : `ids are case-sensitive: did you mean ${nearly}? ${listed}`,
  );
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
    const builtin = builtins.get(fold(id));
    if (builtin !== undefined) problems.push(`${at}: ${id} is the id of the built-in rule ${builtin}`);
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
