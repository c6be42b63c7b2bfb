#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

// contract.md: a .env file in the working directory is read when present.
if (existsSync('.env')) process.loadEnvFile('.env');

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
