#!/usr/bin/env node
// `npm test`: vitest over test/**/*.test.ts (or the files named), on the Node that runs this
// script — `npm test` puts the project's Node 24 first on the PATH. Arguments go to vitest.
//
// Every log of the run is kept under .test-logs/<run>/: vitest's own output (teed: it still goes
// to the terminal) and, through CERTIFY_TEST_LOG_DIR, the output of every process the tests spawn
// (test/support/child-log.ts). After vitest, scripts/check-test-logs.ts greps them all for the
// suite's secrets (test/support/secrets.ts); a secret in a log fails the run.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// vitest's own launcher (its package exports do not name the file).
const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');

// One directory per run (runs may overlap); runs older than a day are removed.
const LOGS = join(ROOT, '.test-logs');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const runDir = join(LOGS, `run-${stamp}-${process.pid}`);
mkdirSync(runDir, { recursive: true });
for (const name of readdirSync(LOGS)) {
  const path = join(LOGS, name);
  if (name.startsWith('run-') && Date.now() - statSync(path).mtimeMs > 86_400_000) {
    rmSync(path, { recursive: true, force: true });
  }
}

const vitestLog = createWriteStream(join(runDir, 'vitest.log'));
const env = {
  ...process.env,
  NODE_ENV: 'test',
  // The fake Azure cloud's test CA: Node reads it once at start, so it is set before any test
  // process exists.
  NODE_EXTRA_CA_CERTS: 'test/fixtures/fake-azure-tls/ca.pem',
  // What it was before (a TLS-inspecting proxy's CA, say): a test that runs npm against the
  // registry hands it back to npm.
  CERTIFY_OUTER_NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '',
  CERTIFY_TEST_LOG_DIR: runDir,
  // vitest's output is piped (to be teed): keep its colours when the terminal has them.
  ...(process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {}),
};
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: ['inherit', 'pipe', 'pipe'],
  env,
});
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  vitestLog.write(chunk);
});
child.stderr.on('data', (chunk) => {
  process.stderr.write(chunk);
  vitestLog.write(chunk);
});
// Ctrl-C reaches vitest too (same process group); this process waits for it.
process.on('SIGINT', () => undefined);
const status = await new Promise((done) =>
  child.on('close', (code, signal) => done(signal ? 1 : (code ?? 1))),
);
await new Promise((done) => vitestLog.end(done));

const check = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(ROOT, 'scripts/check-test-logs.ts'), runDir],
  {
    stdio: 'inherit',
    cwd: ROOT,
  },
);
process.exit(status !== 0 ? status : (check.status ?? 1));
