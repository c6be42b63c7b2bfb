#!/usr/bin/env node
// `npm test`: vitest over test/**/*.test.ts (or the files named), on the Node that runs this
// script — `npm test` puts the project's Node 24 first on the PATH. Arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// vitest's own launcher (its package exports do not name the file).
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  // The fake Azure cloud's test CA: Node reads it once at start, so it is set before any test
  // process exists.
  env: { ...process.env, NODE_ENV: 'test', NODE_EXTRA_CA_CERTS: 'test/fixtures/fake-azure-tls/ca.pem' },
});
process.exit(result.status ?? 1);
