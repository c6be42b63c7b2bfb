/**
 * The `certify` command as its own process, like bin/certify.js but from the TypeScript
 * sources (bin/ runs dist/, which a test must not depend on being freshly built).
 * Usage: node --import tsx test/cli/certify-child.ts <barrierDir | -> <certify args…>
 * With a barrier directory it starts the command only once the test says go: it creates
 * `ready-<pid>` there, then waits for `go`, so that processes whose start-up (loading and
 * transpiling the CLI) took different times really run the command at the same time.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.js';

const [barrier, ...argv] = process.argv.slice(2);
if (barrier === undefined) throw new Error('usage: <barrierDir | -> <certify args…>');
if (barrier !== '-') {
  writeFileSync(join(barrier, `ready-${process.pid}`), '');
  while (!existsSync(join(barrier, 'go'))) await new Promise((resolve) => setTimeout(resolve, 5));
}
process.exitCode = await main(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
