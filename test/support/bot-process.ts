/**
 * A spawned bot process (`bot/main.ts`) seen from a test: its whole output so far, its exit, and
 * the port it reports in its `service.listening` line (PORT=0 lets the OS choose).
 */
import type { ChildProcess } from 'node:child_process';

export interface ListeningBot {
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Waits for the listening line; fails with the output so far if the process exits or stays silent. */
export async function listeningBot(child: ChildProcess, timeoutMs: number): Promise<ListeningBot> {
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no start-up line: ${out}`)), timeoutMs);
    const check = () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        done(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => fail(new Error(`exited ${code}: ${out}`)));
  });
  return { port, output: () => out, exited };
}
