#!/usr/bin/env node
// Runs test/**/*.test.ts (or the files named) with Node's own test runner, on the Node that runs
// this script: `npm test` puts the project's Node 24 first on the PATH.
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const files = only.length > 0 ? only : ['test/**/*.test.ts'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  // The fake Azure cloud's test CA; Node reads this once at start, so it is set for every test process.
  env: { ...process.env, NODE_ENV: 'test', NODE_EXTRA_CA_CERTS: 'test/fixtures/fake-azure-tls/ca.pem' },
});
process.exit(result.status ?? 1);
