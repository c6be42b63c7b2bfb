/** Writers in separate processes (the bot and the CLI share a data dir) must not lose each other's changes. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CertifyError } from '../../base/errors.js';
import { acquireFileLock, lockPathOf } from '../../store/file-lock.js';
import { createDocument, type DocumentOptions } from '../../store/json-file.js';
import { captureChildOutput } from '../support/child-log.js';

const run = promisify(execFile);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'certify-xproc-'));
  dirs.push(dir);
  return dir;
}

interface Counter {
  count: number;
  notes: string[];
}
const counter = (path: string, extra: Partial<DocumentOptions<Counter>> = {}): DocumentOptions<Counter> => ({
  path,
  kind: 'certify.test',
  version: 1,
  empty: () => ({ count: 0, notes: [] }),
  ...extra,
});

describe('json-file document across processes', () => {
  it('keeps every change of 6 processes updating one document at once', async () => {
    const dir = await freshDir();
    const path = join(dir, 'shared.json');
    const PROCESSES = 6;
    const EACH = 10;
    const startAt = String(Date.now() + 6_000);
    await Promise.all(
      Array.from({ length: PROCESSES }, (_, p) =>
        run(
          process.execPath,
          [
            '--import',
            'tsx',
            join(HERE, 'fixtures', 'update-child.ts'),
            path,
            `p${p}`,
            String(EACH),
            startAt,
          ],
          { cwd: ROOT, timeout: 120_000 },
        ),
      ),
    );
    const { data } = JSON.parse(await readFile(path, 'utf8')) as { data: { count: number; notes: string[] } };
    assert.equal(
      data.notes.length,
      PROCESSES * EACH,
      `${data.notes.length}/${PROCESSES * EACH} changes kept`,
    );
    assert.equal(data.count, PROCESSES * EACH);
    for (let p = 0; p < PROCESSES; p++) {
      // Each process's own changes stay in the order it made them.
      const own = data.notes.filter((n) => n.startsWith(`p${p}-`));
      assert.deepEqual(
        own,
        Array.from({ length: EACH }, (_, i) => `p${p}-${i}`),
      );
    }
  });

  it('fails loudly, naming the file, and changes nothing when the lock is not obtained in time', async () => {
    const path = join(await freshDir(), 'doc.json');
    const doc = createDocument(counter(path, { lock: { waitMs: 300 } }));
    await doc.update((d) => {
      d.count = 1;
    });
    const before = await readFile(path, 'utf8');
    const held = await acquireFileLock(path); // another writer, busy
    try {
      const started = Date.now();
      await assert.rejects(
        doc.update((d) => {
          d.count = 2;
        }),
        (e: unknown) =>
          e instanceof CertifyError &&
          e.code === 'STORE_IO' &&
          e.message.includes(path) &&
          e.message.includes(lockPathOf(path)) &&
          /nothing was changed/.test(e.message) &&
          /try again/.test(e.hint ?? ''),
      );
      assert.ok(Date.now() - started < 5_000, 'the wait is bounded');
    } finally {
      await held.release();
    }
    assert.equal(await readFile(path, 'utf8'), before);
    assert.equal(doc.read().count, 1);
    // Nothing is stuck: the next update goes through.
    await doc.update((d) => {
      d.count = 3;
    });
    assert.equal(doc.read().count, 3);
  });

  it('takes over the lock of a process killed while holding it, once it is stale', async () => {
    const path = join(await freshDir(), 'doc.json');
    const child = captureChildOutput(
      spawn(process.execPath, ['--import', 'tsx', join(HERE, 'fixtures', 'hold-lock.ts'), path], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'hold-lock',
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((ready, failed) => {
      child.stdout.on('data', () => ready());
      child.on('exit', () => failed(new Error(`hold-lock exited early: ${stderr}`)));
    });
    const exited = new Promise((done) => child.on('exit', done));
    child.kill('SIGKILL');
    await exited;
    assert.ok((await stat(lockPathOf(path))).isDirectory(), 'the killed holder left its lock behind');

    const doc = createDocument(counter(path, { lock: { staleMs: 2_000, waitMs: 10_000 } }));
    const started = Date.now();
    await doc.update((d) => {
      d.count = 1;
    });
    assert.equal(doc.read().count, 1);
    assert.ok(Date.now() - started < 8_000);
    await assert.rejects(stat(lockPathOf(path)), { code: 'ENOENT' }, 'and released it after the write');
  });

  it('takes over a lock left long ago at once', async () => {
    const path = join(await freshDir(), 'doc.json');
    await mkdir(lockPathOf(path));
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPathOf(path), old, old);
    const doc = createDocument(counter(path, { lock: { waitMs: 1_000 } }));
    await doc.update((d) => {
      d.count = 1;
    });
    assert.equal(doc.read().count, 1);
  });
});
