/**
 * Configuration is a pure function of the environment (Probot's readEnv): read once at
 * start-up, every mistake reported with what to change.
 */
import { resolve } from 'node:path';
import { CertifyError } from '../base/errors.js';

export interface Config {
  dataDir: string;
  source: string;
  /** Bound on the scan summaries kept in the store. */
  historyLimit: number;
}

export function readEnv(env: Readonly<Record<string, string | undefined>>, cwd: string): Config {
  const problems: string[] = [];
  const historyText = env.CERTIFY_HISTORY_LIMIT ?? '500';
  const historyLimit = Number(historyText);
  if (!Number.isInteger(historyLimit) || historyLimit < 1) {
    problems.push(`CERTIFY_HISTORY_LIMIT: "${historyText}" is not a whole number ≥ 1`);
  }
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the configuration has problems',
      problems,
      'fix the variables named above',
    );
  }
  return {
    dataDir: resolve(cwd, env.CERTIFY_DATA_DIR || '.certify'),
    source: env.CERTIFY_SOURCE || 'demo',
    historyLimit,
  };
}
