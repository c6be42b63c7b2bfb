#!/usr/bin/env node
// `prepare` (run by `npm ci` / `npm install` in this directory): compiles the TypeScript to dist/
// when the compiler is installed — every development install, CI included. A production install
// (`npm ci --omit=dev`) has no TypeScript: there dist/ must already be built (the packed package,
// the container image) and this step only says so, instead of failing on a missing `tsc`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url);
let tsc;
try {
  tsc = createRequire(new URL('package.json', root)).resolve('typescript/bin/tsc');
} catch {
  tsc = null;
}

if (tsc === null) {
  if (!existsSync(new URL('dist/bot/main.js', root))) {
    console.error(
      'certify: TypeScript is not installed and dist/ is not built: run `npm ci` (with dev dependencies) to build it',
    );
    process.exit(1);
  }
  console.log('certify: TypeScript is not installed (production install): using the dist/ already built');
  process.exit(0);
}

const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
