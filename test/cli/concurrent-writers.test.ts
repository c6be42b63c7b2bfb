/**
 * The CLI and the bot share a data dir by design, so writes from separate processes must not
 * lose each other: 12 `certify rule add` processes at once keep 12 rules and 12 audit entries.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli } from './harness.js';
import { AUDIT_LOG_FILE } from '../../store/audit-log.js';
import { CUSTOM_RULES_FILE } from '../../store/custom-rules.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = join(ROOT, 'test', 'cli', 'certify-child.ts');

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certify-procs-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function certifyProcess(dataDir: string, barrier: string, args: string[]): Promise<Exit> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, barrier, ...args],
      { cwd: ROOT, env: { ...process.env, CERTIFY_DATA_DIR: dataDir, NO_COLOR: '1' }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const ruleArgs = (i: number) => [
  'rule',
  'add',
  '--id',
  `PAR-${String(i).padStart(2, '0')}`,
  '--name',
  `Parallel rule ${i}`,
  '--severity',
  'Medium',
  '--scope',
  'secrets',
  '--field',
  'tag_present',
  '--operator',
  'not_exists',
  '--value',
  `team${i}`,
];

describe('several certify processes on one data dir', () => {
  it('12 concurrent `rule add` processes: all succeed, 12 rules kept, 12 audited, the audit log verifies', async () => {
    const PROCESSES = 12;
    const dataDir = freshDir();
    // Each process pays for its own start-up; all of them begin the command together after it.
    const barrier = freshDir();
    let ended = 0;
    const running = Promise.all(
      Array.from({ length: PROCESSES }, (_, i) =>
        certifyProcess(dataDir, barrier, ruleArgs(i + 1)).finally(() => (ended += 1)),
      ),
    );
    // A process that died in start-up never gets ready: go on, and let the assertions name it.
    while (
      ended === 0 &&
      readdirSync(barrier).filter((name) => name.startsWith('ready-')).length < PROCESSES
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    writeFileSync(join(barrier, 'go'), '');
    const exits = await running;
    exits.forEach((exit, i) => assert.equal(exit.code, 0, `process ${i + 1}: ${exit.stderr}`));

    const listed = await runCli(['rule', 'list', '--json'], { dataDir });
    assert.equal(listed.code, 0, listed.stderr);
    const ids = (JSON.parse(listed.stdout) as { rules: { id: string }[] }).rules.map((r) => r.id).sort();
    assert.deepEqual(
      ids,
      Array.from({ length: PROCESSES }, (_, i) => `PAR-${String(i + 1).padStart(2, '0')}`),
      `${ids.length}/${PROCESSES} rules kept`,
    );

    const audit = await runCli(['audit', 'verify', '--json'], { dataDir });
    assert.equal(audit.code, 0, audit.stdout + audit.stderr);
    const verified = JSON.parse(audit.stdout) as { ok: boolean; entries: number };
    assert.equal(verified.ok, true);
    assert.equal(verified.entries, PROCESSES);
    const logged = readFileSync(join(dataDir, AUDIT_LOG_FILE), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; subject: string });
    assert.deepEqual(
      logged
        .filter((e) => e.action === 'rule.added')
        .map((e) => e.subject)
        .sort(),
      ids,
      'one rule.added entry per rule',
    );
  });

  it('a rule change that cannot be stored fails loudly, names the file, and is not audited', async () => {
    const dataDir = freshDir();
    // A directory where the rules file belongs: every read and write of it fails with EISDIR.
    mkdirSync(join(dataDir, CUSTOM_RULES_FILE));
    const exit = await certifyProcess(dataDir, '-', ruleArgs(1));
    assert.equal(exit.code, 1, exit.stderr);
    assert.match(exit.stderr, new RegExp(CUSTOM_RULES_FILE.replace('.', '\\.')));
    assert.match(exit.stderr, /hint:/);
    const audit = await runCli(['audit', 'verify', '--json'], { dataDir });
    assert.equal((JSON.parse(audit.stdout) as { entries: number }).entries, 0);
  });
});
