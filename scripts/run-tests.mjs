#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (Node 20 has no --test glob).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'bench' || name === 'fixtures' ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : find('test').sort();
if (files.length === 0) {
  console.error('no test files found under test/');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  // The fake Azure cloud's test CA; Node reads this once at start, so it is set for every test process.
  env: { ...process.env, NODE_ENV: 'test', NODE_EXTRA_CA_CERTS: 'test/fixtures/fake-azure-tls/ca.pem' },
});
process.exit(result.status ?? 1);
