/**
 * The CLI and the bot share a data dir by design, so writes from separate processes must not
 * lose each other: 12 `certify rule add` processes at once keep 12 rules and 12 audit entries.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { certifyProcess, certifyProcessesAtOnce, runCli, tagRuleArgs } from './harness.js';
import { AUDIT_LOG_FILE } from '../../store/audit-log.js';
import { CUSTOM_RULES_FILE } from '../../store/custom-rules.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'certify-procs-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ruleArgs = (i: number) =>
  tagRuleArgs({ id: `PAR-${String(i).padStart(2, '0')}`, name: `Parallel rule ${i}`, value: `team${i}` });

describe('several certify processes on one data dir', () => {
  it('12 concurrent `rule add` processes: all succeed, 12 rules kept, 12 audited, the audit log verifies', async () => {
    const PROCESSES = 12;
    const dataDir = freshDir();
    const exits = await certifyProcessesAtOnce(
      Array.from({ length: PROCESSES }, (_, i) => ruleArgs(i + 1)),
      { dataDir },
    );
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
    const exit = await certifyProcess(ruleArgs(1), { dataDir });
    assert.equal(exit.code, 1, exit.stderr);
    assert.match(exit.stderr, new RegExp(CUSTOM_RULES_FILE.replace('.', '\\.')));
    assert.match(exit.stderr, /hint:/);
    const audit = await runCli(['audit', 'verify', '--json'], { dataDir });
    assert.equal((JSON.parse(audit.stdout) as { entries: number }).entries, 0);
  });
});
