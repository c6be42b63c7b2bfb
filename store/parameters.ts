/**
 * The organisation parameters an organisation has set (rules.md, "Organisation parameters"), in
 * `parameters.json`: only the values set; every other parameter takes its default. No file means
 * every default, and reading never creates one. A file edited by hand is checked like a change
 * (known names, allowed values, expiringCriticalDays below expiringSoonDays); one that fails is
 * reported with its path and left untouched.
 */
import { join } from 'node:path';
import { storedValuesProblems, type ParameterValues } from '../scanner/rules/parameters-check.js';
import { createDocument, isPlainObject, type JsonDocument } from './json-file.js';

export const PARAMETERS_FILE = 'parameters.json';

interface ParametersData {
  values: ParameterValues;
}

export interface ParameterStore {
  readonly path: string;
  /** The values set (a copy), re-read first when another process changed the file. */
  values(): Promise<ParameterValues>;
  /**
   * Read-modify-write under the file's cross-process lock: `next` gets the values as stored now
   * and returns the new ones (or throws, and nothing changes). Returns both.
   */
  change(
    next: (current: ParameterValues) => ParameterValues,
  ): Promise<{ before: ParameterValues; after: ParameterValues }>;
}

/** Builds the store without touching the disk; the file is read on first use. */
export function createParameterStore(dir: string): ParameterStore {
  const doc: JsonDocument<ParametersData> = createDocument({
    path: join(dir, PARAMETERS_FILE),
    kind: 'certify.parameters',
    version: 1,
    empty: () => ({ values: {} }),
    check: (data) =>
      isPlainObject(data)
        ? storedValuesProblems(data.values).map((p) => `data.values.${p}`)
        : ['"data" must be an object'],
  });
  return {
    path: doc.path,
    async values() {
      await doc.reload();
      return { ...doc.read().values };
    },
    async change(next) {
      let before: ParameterValues = {};
      let after: ParameterValues = {};
      await doc.update((data) => {
        before = { ...data.values };
        after = { ...next({ ...data.values }) };
        data.values = after;
      });
      return { before, after };
    },
  };
}
