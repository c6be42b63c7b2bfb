/** Drives the real `certify` entry point in-process with captured streams and a temp data dir. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../cli/main.js';

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
    env: { CERTIFY_DATA_DIR: opts.dataDir ?? tempDataDir(), ...opts.env },
    cwd: process.cwd(),
    clock: opts.clock,
    ...(opts.stdin !== undefined ? { stdin: Readable.from([Buffer.from(opts.stdin)]) } : {}),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
