/**
 * The organisation parameters in PostgreSQL (the ParameterStore of store/parameters.ts): one row,
 * `parameters` id 1, holding only the values set. A change is a read-modify-write under that
 * row's lock (SELECT … FOR UPDATE), so two replicas changing parameters at once never lose each
 * other's change: the second sees the first's result. Stored values are checked like the
 * embedded store's file: a row edited by hand into something no change could write is reported
 * and left as it is.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import { PARAMETER_NAMES } from '../../scanner/rules/parameters.js';
import { storedValuesProblems, type ParameterValues } from '../../scanner/rules/parameters-check.js';
import type { ParameterStore } from '../parameters.js';
import { inTransaction, jsonParam, rows } from './sql.js';

const WHERE = 'PostgreSQL table parameters';

function checked(values: unknown): ParameterValues {
  const problems = storedValuesProblems(values).map((p) => `values.${p}`);
  if (problems.length > 0) {
    throw new CertifyError(
      'STORE_CORRUPT',
      `the organisation parameters in the ${WHERE} are not readable`,
      problems,
      `it was left untouched; fix the row (UPDATE parameters SET values = '{}' restores every default)`,
    );
  }
  // jsonb keeps no key order: the parameters' own order, whatever order they were set in.
  const set = values as ParameterValues;
  return Object.fromEntries(PARAMETER_NAMES.filter((n) => set[n] !== undefined).map((n) => [n, set[n]]));
}

function missingRow(): CertifyError {
  return new CertifyError(
    'STORE_CORRUPT',
    `the ${WHERE} has no row: the database was changed by hand`,
    [],
    'restore it with INSERT INTO parameters (id) VALUES (1) (every parameter at its default)',
  );
}

export function createPgParameterStore(pool: pg.Pool): ParameterStore {
  return {
    path: WHERE,
    async values() {
      const found = await rows<{ values: unknown }>(
        pool,
        'read the organisation parameters',
        'SELECT values FROM parameters WHERE id = 1',
      );
      if (found[0] === undefined) throw missingRow();
      return checked(found[0].values);
    },
    async change(next) {
      return inTransaction(pool, 'change the organisation parameters', async (client) => {
        const found = await rows<{ values: unknown }>(
          client,
          'read the organisation parameters',
          'SELECT values FROM parameters WHERE id = 1 FOR UPDATE',
        );
        if (found[0] === undefined) throw missingRow();
        const before = checked(found[0].values);
        // What `next` throws reaches the caller as it is, and nothing changes.
        const after = { ...next({ ...before }) };
        await rows(
          client,
          'change the organisation parameters',
          'UPDATE parameters SET values = $1::jsonb, updated_at = now() WHERE id = 1',
          [jsonParam(after)],
        );
        return { before, after };
      });
    },
  };
}
