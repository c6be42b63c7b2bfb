/**
 * Keeps every log line the suite produces under `$CERTIFY_TEST_LOG_DIR` (set by
 * scripts/run-tests.mjs), for the check after the run (test/support/log-check.ts): what a process
 * spawned by a test writes (stdout and stderr, `<name>-<pid>-<test pid>.log`), what a CLI run
 * printed, and the lines a test's in-process `Log` receives, written as the service writes them
 * (bot/log.ts: redaction included) to `inproc-<name>-…`. Without CERTIFY_TEST_LOG_DIR (vitest
 * started directly) nothing is kept.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createLog } from '../../bot/log.js';
import type { Log } from '../../bot/types.js';

function logFile(name: string, pid: number | undefined): string | null {
  const dir = process.env.CERTIFY_TEST_LOG_DIR;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return join(dir, `${safe}-${pid ?? 'nopid'}-${process.pid}.log`);
}

/** Tees a child's stdout and stderr into the log dir (beside whatever the test reads of them). */
export function captureChildOutput<T extends ChildProcess>(child: T, name: string): T {
  const file = logFile(name, child.pid);
  if (!file) return child;
  writeFileSync(file, '', { flag: 'a' });
  const write = (chunk: Buffer | string) => appendFileSync(file, chunk);
  child.stdout?.on('data', write);
  child.stderr?.on('data', write);
  return child;
}

/** Records output already collected (an execFile's or spawnSync's stdout and stderr). */
export function recordOutput(
  name: string,
  ...outputs: ReadonlyArray<string | Buffer | null | undefined>
): void {
  const file = logFile(name, undefined);
  if (!file) return;
  for (const out of outputs)
    if (out !== null && out !== undefined && out.length > 0) appendFileSync(file, out);
}

/**
 * A test's Log (`inner`, e.g. one that collects lines for assertions) that also writes each line,
 * at every level, as the service would to its stdout, into the log dir.
 */
export function suiteLog(name: string, inner: Log = () => undefined): Log {
  const file = logFile(`inproc-${name}`, undefined);
  if (!file) return inner;
  const { log } = createLog({
    level: 'trace',
    destination: { write: (line: string) => appendFileSync(file, line) },
  });
  return (event, fields) => {
    inner(event, fields);
    log(event, fields);
  };
}
