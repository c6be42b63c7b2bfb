/**
 * The check after a test run (scripts/run-tests.mjs runs it): greps every log the run captured
 * under the given directory for the suite's secrets (test/support/secrets.ts). Exit 1, naming the
 * file, the line and which secret (never the secret), when one is found.
 *
 *   node --import tsx scripts/check-test-logs.ts .test-logs/<run>
 */
import { existsSync } from 'node:fs';
import { checkLogDir, describeFindings, filesUnder } from '../test/support/log-check.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: check-test-logs.ts <directory of captured logs>');
  process.exit(2);
}
const files = existsSync(dir) ? filesUnder(dir).length : 0;
const findings = checkLogDir(dir);
if (findings.length > 0) {
  console.error(`\nsecrets in the test logs (${findings.length}; captured under ${dir}):`);
  for (const line of describeFindings(findings)) console.error(`  ${line}`);
  console.error('a secret, token or password reached a log line: find what logged it and stop it');
  process.exit(1);
}
console.log(`\nlog check: no secret in the ${files} log file(s) under ${dir}`);
