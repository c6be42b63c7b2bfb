/** `certify parameters` (show, set, reset) as a user runs it, and what a change does to scans and bundles. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import JSZip from 'jszip';
import { runCli, tempDataDir } from './harness.js';

const NOW = '2026-09-28T06:00:00Z';
const DAY = 86_400_000;
const env = { USER: 'casey' };

/** The sample inventory with one secret expiring 40 days after NOW (P003 at 45 days, not at 30). */
function snapshot(dir: string): string {
  const inv = JSON.parse(readFileSync('test/fixtures/inventories/sample.json', 'utf8')) as {
    secrets: Record<string, unknown>[];
  };
  const t = Date.parse(NOW);
  inv.secrets = [
    {
      ...inv.secrets[0],
      enabled: true,
      created: new Date(t - 10 * DAY).toISOString(),
      updated: new Date(t - 10 * DAY).toISOString(),
      expires: new Date(t + 40 * DAY).toISOString(),
    },
  ];
  const path = join(dir, 'inv.json');
  writeFileSync(path, JSON.stringify(inv));
  return path;
}

interface AuditLine {
  action: string;
  subject: string | null;
  actor: { name: string; channel: string };
  details: Record<string, unknown>;
}
const auditOf = (dataDir: string): AuditLine[] =>
  readFileSync(join(dataDir, 'audit-log.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditLine);

describe('certify parameters', () => {
  const dataDir = tempDataDir();

  it('shows the defaults, with bounds and rules, creating no file', async () => {
    const r = await runCli(['parameters'], { dataDir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Organisation parameters\nEvery scan uses these thresholds; all are the defaults\./,
    );
    assert.match(r.stdout, /^expiringSoonDays +30 days +30 days +1–365 days +P003, C003, K003$/m);
    assert.match(r.stdout, /^certificateMaxValidityMonths +12 months +12 months +1–120 months +C007$/m);
    assert.doesNotMatch(r.stdout, /\*/);
    const json = JSON.parse((await runCli(['parameters', '--json'], { dataDir, env })).stdout) as {
      schema: string;
      parameters: Record<string, number>;
      nonDefault: string[];
    };
    assert.equal(json.schema, 'certify.parameters/v1');
    assert.deepEqual(json.parameters, {
      expiringSoonDays: 30,
      expiringCriticalDays: 7,
      secretMaxAgeDays: 90,
      certificateMaxValidityMonths: 12,
      keyMaxAgeDays: 365,
    });
    assert.deepEqual(json.nonDefault, []);
  });

  it('set: changes several at once, marks them, and records each in the audit log', async () => {
    const r = await runCli(['parameters', 'set', 'expiringSoonDays=45', 'keyMaxAgeDays=730'], {
      dataDir,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Parameters changed\nexpiringSoonDays 30 → 45 days; keyMaxAgeDays 365 → 730 days\./,
    );
    assert.match(r.stdout, /^expiringSoonDays +45 days \* +30 days/m);
    assert.match(r.stdout, /^\* set by the organisation: not the default$/m);
    const shown = await runCli(['parameters', '--json'], { dataDir, env });
    assert.deepEqual((JSON.parse(shown.stdout) as { nonDefault: string[] }).nonDefault, [
      'expiringSoonDays',
      'keyMaxAgeDays',
    ]);
    const entries = auditOf(dataDir).filter((e) => e.action.startsWith('parameter.'));
    assert.deepEqual(
      entries.map((e) => [e.action, e.subject, e.details.from, e.details.to, e.actor.name, e.actor.channel]),
      [
        ['parameter.set', 'expiringSoonDays', 30, 45, 'casey', 'cli'],
        ['parameter.set', 'keyMaxAgeDays', 365, 730, 'casey', 'cli'],
      ],
    );
  });

  it('set: refuses a bad change whole with exit 2, naming each parameter and what it allows', async () => {
    const before = readFileSync(join(dataDir, 'parameters.json'), 'utf8');
    const r = await runCli(
      ['parameters', 'set', 'expiringCriticalDays=60', 'secretMaxAgeDays=0', 'colour=blue'],
      { dataDir, env },
    );
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: the organisation parameters were not changed$/m);
    assert.match(r.stderr, /^ {2}- secretMaxAgeDays: must be a whole number of days from 1 to 3650, got 0$/m);
    assert.match(
      r.stderr,
      /^ {2}- colour: not an organisation parameter; the parameters are expiringSoonDays, /m,
    );
    const inconsistent = await runCli(['parameters', 'set', 'expiringCriticalDays=60'], { dataDir, env });
    assert.equal(inconsistent.code, 2);
    assert.match(
      inconsistent.stderr,
      /- expiringCriticalDays: must be less than expiringSoonDays, got 60 with expiringSoonDays 45/,
    );
    const usage = await runCli(['parameters', 'set'], { dataDir, env });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /parameters set needs NAME=VALUE/);
    const unknown = await runCli(['parameters', 'sett'], { dataDir, env });
    assert.equal(unknown.code, 2);
    assert.equal(readFileSync(join(dataDir, 'parameters.json'), 'utf8'), before);
    assert.equal(auditOf(dataDir).filter((e) => e.action.startsWith('parameter.')).length, 2);
  });

  it('reset: one name, then all; nothing to reset changes nothing', async () => {
    const one = await runCli(['parameters', 'reset', 'keyMaxAgeDays', '--json'], { dataDir, env });
    assert.equal(one.code, 0, one.stderr);
    const json = JSON.parse(one.stdout) as { changed: unknown; nonDefault: string[] };
    assert.deepEqual(json.changed, [{ name: 'keyMaxAgeDays', from: 730, to: 365 }]);
    assert.deepEqual(json.nonDefault, ['expiringSoonDays']);
    const all = await runCli(['parameters', 'reset'], { dataDir, env });
    assert.match(all.stdout, /^Parameters reset\nexpiringSoonDays 45 → 30 days\./);
    const none = await runCli(['parameters', 'reset'], { dataDir, env });
    assert.match(none.stdout, /^Nothing changed\n/);
    assert.deepEqual(
      auditOf(dataDir)
        .filter((e) => e.action === 'parameter.reset')
        .map((e) => e.subject),
      ['keyMaxAgeDays', 'expiringSoonDays'],
    );
    const verified = await runCli(['audit', 'verify'], { dataDir, env });
    assert.equal(verified.code, 0, verified.stdout);
  });

  it('help names the command and every parameter', async () => {
    const help = await runCli(['help'], { dataDir, env });
    assert.match(help.stdout, /^ {2}parameters \[--json\] \| set NAME=VALUE … \| reset \[NAME …\]/m);
    const one = await runCli(['help', 'parameters'], { dataDir, env });
    for (const name of [
      'expiringSoonDays',
      'expiringCriticalDays',
      'secretMaxAgeDays',
      'certificateMaxValidityMonths',
      'keyMaxAgeDays',
    ])
      assert.match(one.stdout, new RegExp(`^ {2}${name} +\\d+–\\d+ (days|months), default \\d+`, 'm'));
  });
});

describe('a change reaches scans, cards and bundles', () => {
  const dataDir = tempDataDir();
  const inv = snapshot(dataDir);
  const scoreJson = async () => {
    const r = await runCli(['score', '--source', `snapshot:${inv}`, '--now', NOW, '--json'], {
      dataDir,
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      parameters: Record<string, number>;
      rules: { id: string; status: string }[];
    };
  };

  it("score --json carries the parameters, and expiringSoonDays moves P003's verdict", async () => {
    const before = await scoreJson();
    assert.equal(before.parameters.expiringSoonDays, 30);
    assert.equal(before.rules.find((r) => r.id === 'P003')?.status, 'pass');
    assert.equal((await runCli(['parameters', 'set', 'expiringSoonDays=45'], { dataDir, env })).code, 0);
    const after = await scoreJson();
    assert.deepEqual(after.parameters, { ...before.parameters, expiringSoonDays: 45 });
    assert.equal(after.rules.find((r) => r.id === 'P003')?.status, 'fail');
    const text = await runCli(['score', '--source', `snapshot:${inv}`, '--now', NOW], { dataDir, env });
    assert.match(text.stdout, /^Organisation parameters: expiringSoonDays 45 days \(default 30\)$/m);
    const control = await runCli(['control', 'iso', 'A.8.24', '--source', `snapshot:${inv}`, '--now', NOW], {
      dataDir,
      env,
    });
    assert.match(control.stdout, /^Organisation parameters: expiringSoonDays 45 days \(default 30\)$/m);
  });

  it("a bundle's scope.json and PDF covers state the parameters the scan used", async () => {
    const scanned = await runCli(['scan', '--source', `snapshot:${inv}`, '--now', NOW], { dataDir, env });
    assert.equal(scanned.code, 0, scanned.stderr);
    const out = join(dataDir, 'soc2.zip');
    const r = await runCli(
      ['evidence', 'soc2', '--period', '2026-Q3', '--out', out, '--now', '2026-10-05T09:00:00Z'],
      { dataDir, env },
    );
    assert.equal(r.code, 0, r.stderr);
    const zip = await JSZip.loadAsync(readFileSync(out));
    const file = (suffix: string) => Object.keys(zip.files).find((n) => n.endsWith(suffix))!;
    const scope = JSON.parse(await zip.files[file('/scope.json')]!.async('string')) as {
      parameters: Record<string, number>;
    };
    assert.equal(scope.parameters.expiringSoonDays, 45);
    assert.equal(scope.parameters.keyMaxAgeDays, 365);
    const pdfs = Object.keys(zip.files).filter((n) => n.endsWith('.pdf'));
    assert.ok(pdfs.length > 0);
    for (const name of pdfs) {
      const path = join(dataDir, 'cover.pdf');
      writeFileSync(path, await zip.files[name]!.async('nodebuffer'));
      const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', path, '-'], { encoding: 'utf8' });
      assert.match(text, /Organisation parameters/, name);
      assert.match(text, /expiringSoonDays = 45 days \(default 30 days\): P003, C003, K003/, name);
    }
  });
});
