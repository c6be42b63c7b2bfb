/**
 * Drives the real `certify` entry point in-process with captured streams and a temp data dir, or
 * as processes of its own (test/cli/certify-child.ts) started together.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.js';
import { recordOutput } from '../support/child-log.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test', 'cli', 'certify-child.ts');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'certify-cli-'));
}

export async function runCli(
  argv: string[],
  opts: {
    dataDir?: string;
    env?: Record<string, string>;
    tty?: boolean;
    clock?: () => number;
    /** What the command reads on standard input. */
    stdin?: string;
  } = {},
): Promise<CliRun> {
  const stdout = new Capture(opts.tty);
  const stderr = new Capture(opts.tty);
  const code = await main(argv, {
    stdout,
    stderr,
    // The showcase tenant, where every rule has both sides: the CLI tests and goldens read it.
    env: { CERTIFY_DATA_DIR: opts.dataDir ?? tempDataDir(), CERTIFY_DEMO_PROFILE: 'showcase', ...opts.env },
    cwd: process.cwd(),
    clock: opts.clock,
    ...(opts.stdin !== undefined ? { stdin: Readable.from([Buffer.from(opts.stdin)]) } : {}),
  });
  // What the command printed is kept for the log check after the run (test/support/child-log.ts).
  recordOutput('certify-cli-inproc', stdout.text, stderr.text);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export interface CertifyProcessOptions {
  dataDir: string;
  /** More environment for the process (over this one's), e.g. CERTIFY_DATABASE_URL. */
  env?: Record<string, string>;
  /**
   * A directory where the process says it is ready (`ready-<pid>`) and then waits for `go`
   * before it runs the command; none: it runs the command at once.
   */
  barrier?: string;
}

/** `certify <args…>` as its own process, from the TypeScript sources, without colour. */
export function certifyProcess(args: string[], options: CertifyProcessOptions): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, options.barrier ?? '-', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CERTIFY_DATA_DIR: options.dataDir,
          CERTIFY_DEMO_PROFILE: 'showcase',
          ...options.env,
          NO_COLOR: '1',
        },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        recordOutput('certify-cli', stdout, stderr);
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * One `certify` process for each argument list, all running their command at the same time: each
 * pays for its own start-up, then all begin together. Their exits, in the order of `argvs`.
 */
export async function certifyProcessesAtOnce(
  argvs: string[][],
  options: Omit<CertifyProcessOptions, 'barrier'>,
): Promise<CliRun[]> {
  const barrier = mkdtempSync(join(tmpdir(), 'certify-barrier-'));
  try {
    let ended = 0;
    const running = Promise.all(
      argvs.map((args) => certifyProcess(args, { ...options, barrier }).finally(() => (ended += 1))),
    );
    // A process that died in start-up never gets ready: go on, and let the caller's assertions name it.
    while (
      ended === 0 &&
      readdirSync(barrier).filter((name) => name.startsWith('ready-')).length < argvs.length
    ) {
      await new Promise((wait) => setTimeout(wait, 20));
    }
    writeFileSync(join(barrier, 'go'), '');
    return await running;
  } finally {
    rmSync(barrier, { recursive: true, force: true });
  }
}

/** `certify rule add` arguments for a custom rule that fails secrets without the tag `value`. */
export function tagRuleArgs(rule: { id: string; name: string; value: string; severity?: string }): string[] {
  return [
    'rule',
    'add',
    '--id',
    rule.id,
    '--name',
    rule.name,
    '--severity',
    rule.severity ?? 'Medium',
    '--scope',
    'secrets',
    '--field',
    'tag_present',
    '--operator',
    'not_exists',
    '--value',
    rule.value,
  ];
}
