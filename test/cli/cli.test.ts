/**
 * The `certify` CLI as a user meets it: exit statuses, messages, JSON shapes, custom rules
 * counted in the score, and bad input refused with nothing stored.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import type { ScanResult } from '../../scanner/scan.js';
import { runCli, tagRuleArgs, tempDataDir } from './harness.js';

const NOW = '2026-11-23T06:00:00Z';
const HAND = 'snapshot:test/fixtures/scans/hand.inventory.json';
const ANSI = new RegExp(String.fromCharCode(27) + '\\[');

describe('certify CLI', () => {
  it('prints help and the version', async () => {
    const help = await runCli(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /certify <command>/);
    assert.match(help.stdout, /control\s+FRAMEWORK CONTROL/);
    const version = await runCli(['--version']);
    assert.match(version.stdout, /^certify \d+\.\d+\.\d+/);
  });

  it('refuses an unknown command and an unknown option with exit 2', async () => {
    const cmd = await runCli(['scna']);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /unknown command "scna"/);
    const opt = await runCli(['score', '--frobnicate']);
    assert.equal(opt.code, 2);
    assert.match(opt.stderr, /frobnicate/);
  });

  it('refuses a --now that is not an ISO 8601 time with a zone', async () => {
    const run = await runCli(['score', '--now', '1/2/2026']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--now: "1\/2\/2026" is not an ISO 8601 time/);
  });

  it('score on the demo tenant prints a score, a rating and failing rules', async () => {
    const run = await runCli(['score', '--source', 'demo', '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Certify score\s+\d+\.\d \/ 100\s+(Strong|Healthy|Significant gaps|Weak)/);
    assert.match(run.stdout, /Failing rules \(\d+\)/);
    assert.match(run.stdout, /not a compliance verdict/);
    assert.doesNotMatch(run.stdout, ANSI, 'no colour when stdout is not a terminal');
  });

  it('colours output on a terminal unless NO_COLOR is set', async () => {
    const tty = await runCli(['score', '--now', NOW], { tty: true });
    assert.match(tty.stdout, ANSI);
    const plain = await runCli(['score', '--now', NOW], { tty: true, env: { NO_COLOR: '1' } });
    assert.doesNotMatch(plain.stdout, ANSI);
  });

  it('the same demo seed, size and --now give the same result', async () => {
    const a = JSON.parse(
      (await runCli(['score', '--json', '--now', NOW, '--size', '400', '--seed', '3'])).stdout,
    );
    const b = JSON.parse(
      (await runCli(['score', '--json', '--now', NOW, '--size', '400', '--seed', '3'])).stdout,
    );
    delete a.scanId;
    delete b.scanId;
    assert.deepEqual(a, b);
    assert.equal(a.assets.secrets + a.assets.keys + a.assets.certificates, 400);
  });

  it('score FRAMEWORK narrows the JSON to that framework and the rules it cites', async () => {
    const run = await runCli(['score', 'PCI-DSS', '--source', HAND, '--now', NOW, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as ScanResult;
    assert.deepEqual(
      result.frameworks.map((f) => f.id),
      ['pci'],
    );
    assert.equal(result.frameworks[0]!.score, 51.7);
    assert.ok(result.rules.every((r) => !['P004', 'P006', 'P015', 'K007'].includes(r.id)));
  });

  it('an unknown framework exits 2 and suggests the closest', async () => {
    const run = await runCli(['score', 'pcii']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown framework "pcii"/);
    assert.match(run.stderr, /did you mean "pci"/);
  });

  it('control pci 3.7 lists the controls under 3.7 with their cited rules', async () => {
    const run = await runCli(['control', 'pci', '3.7', '--source', HAND, '--now', NOW]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /3\.7\.4/);
    assert.match(run.stdout, /3\.7\.5/);
    assert.match(run.stdout, /K005\s+FAIL/);
  });

  it('control with a seed id answers with where the evidence lives now', async () => {
    const run = await runCli(['control', 'iso', 'A.10.1.2', '--source', HAND, '--now', NOW, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.deepEqual(body.redirect.to, ['A.8.24']);
    assert.equal(body.controls[0].id, 'A.8.24');
    assert.equal(body.controls[0].status, 'fail');
  });

  it('an unknown control exits 2 and names the framework controls', async () => {
    const run = await runCli(['control', 'soc2', 'CC9.9', '--source', HAND, '--now', NOW]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /CC9\.9/);
    assert.match(run.stderr, /CC6\.1/);
  });

  it('scan saves the result in the data dir; score does not', async () => {
    const dir = tempDataDir();
    assert.equal((await runCli(['score', '--now', NOW], { dataDir: dir })).code, 0);
    assert.equal(existsSync(join(dir, 'latest-scan.json')), false);
    const run = await runCli(['scan', '--now', NOW, '--json'], { dataDir: dir });
    assert.equal(run.code, 0, run.stderr);
    const saved = JSON.parse(readFileSync(join(dir, 'latest-scan.json'), 'utf8'));
    assert.equal(JSON.stringify(saved).includes(JSON.parse(run.stdout).scanId), true);
  });

  it('scan --export writes a snapshot that scans to the same result', async () => {
    const dir = tempDataDir();
    const file = join(dir, 'export.json');
    const first = JSON.parse(
      (await runCli(['scan', '--now', NOW, '--json', '--export', file], { dataDir: dir })).stdout,
    );
    const again = JSON.parse(
      (await runCli(['scan', '--source', `snapshot:${file}`, '--now', NOW, '--json'], { dataDir: dir }))
        .stdout,
    );
    assert.deepEqual(again.rules, first.rules);
    assert.equal(again.score, first.score);
  });

  it('a malformed snapshot exits 2, names every problem by path, and stores nothing', async () => {
    const dir = tempDataDir();
    const file = join(dir, 'bad.json');
    const inv = JSON.parse(readFileSync('test/fixtures/scans/hand.inventory.json', 'utf8'));
    inv.secrets[3].expires = '1/2/2026';
    inv.vaults[0].sku = 'basic';
    writeFileSync(file, JSON.stringify(inv));
    const run = await runCli(['scan', '--source', `snapshot:${file}`, '--now', NOW], { dataDir: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /secrets\[3\]\.expires: not an ISO 8601 time/);
    assert.match(run.stderr, /vaults\[0\]\.sku/);
    assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/, 'no stack trace');
    assert.deepEqual(readdirSync(dir), ['bad.json']);
  });

  it('a missing snapshot file exits 2 with the path', async () => {
    const run = await runCli(['scan', '--source', 'snapshot:does/not/exist.json']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /does\/not\/exist\.json/);
  });

  it('rules lists the 47 built-in rules', async () => {
    const run = await runCli(['rules', '--json']);
    assert.equal(run.code, 0);
    const body = JSON.parse(run.stdout);
    assert.equal(body.rules.length, 47);
    assert.ok(body.rules.some((r: { id: string }) => r.id === 'K007'));
  });
});

describe('custom rules through the CLI', () => {
  const add = tagRuleArgs({
    id: 'PROD-TAG',
    name: 'Secrets carry env=production',
    severity: 'Critical',
    value: 'env=production',
  });

  it('are created, evaluated with the built-ins, counted in the score, updated, disabled and removed', async () => {
    const dir = tempDataDir();
    const before = JSON.parse(
      (await runCli(['score', '--source', HAND, '--now', NOW, '--json'], { dataDir: dir })).stdout,
    );
    assert.equal(before.score, 52.0);

    const created = await runCli(add, { dataDir: dir });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Added custom rule PROD-TAG/);

    const withRule = JSON.parse(
      (await runCli(['score', '--source', HAND, '--now', NOW, '--json'], { dataDir: dir })).stdout,
    );
    const custom = withRule.rules.find((r: { id: string }) => r.id === 'PROD-TAG');
    // Enabled unmanaged secrets: db-password, key1, payments-signing-secret; none has env=production.
    assert.equal(custom.status, 'fail');
    assert.equal(custom.failing.length, 3);
    assert.equal(custom.weight, 25);
    assert.equal(withRule.score, 49.3); // 232 / (446 + 25) = 49.25… → 49.3

    const updated = await runCli(['rule', 'update', 'PROD-TAG', '--value', 'env=prod'], { dataDir: dir });
    assert.equal(updated.code, 0, updated.stderr);
    const afterUpdate = JSON.parse(
      (await runCli(['score', '--source', HAND, '--now', NOW, '--json'], { dataDir: dir })).stdout,
    );
    const now = afterUpdate.rules.find((r: { id: string }) => r.id === 'PROD-TAG');
    // db-password carries env=prod; key1 (no tags) and payments-signing-secret (owner only) do not.
    assert.deepEqual(now.failing, [
      'https://kv-hand.vault.azure.net/secrets/key1',
      'https://kv-hand.vault.azure.net/secrets/payments-signing-secret',
    ]);

    assert.equal((await runCli(['rule', 'disable', 'PROD-TAG'], { dataDir: dir })).code, 0);
    const disabled = JSON.parse(
      (await runCli(['score', '--source', HAND, '--now', NOW, '--json'], { dataDir: dir })).stdout,
    );
    assert.equal(disabled.rules.length, 47);
    assert.equal(disabled.score, 52.0);

    const list = await runCli(['rule', 'list', '--json'], { dataDir: dir });
    assert.equal(JSON.parse(list.stdout).rules[0].enabled, false);

    assert.equal((await runCli(['rule', 'remove', 'PROD-TAG'], { dataDir: dir })).code, 0);
    assert.equal(
      JSON.parse((await runCli(['rule', 'list', '--json'], { dataDir: dir })).stdout).rules.length,
      0,
    );
  });

  it('a built-in id is read-only (exit 2)', async () => {
    const run = await runCli(['rule', 'update', 'P001', '--severity', 'Low']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /P001 is a built-in rule/);
  });

  it('a rule outside the whitelist is refused with every problem named, and nothing is stored', async () => {
    const dir = tempDataDir();
    const run = await runCli(
      [
        'rule',
        'add',
        '--json',
        JSON.stringify({
          id: 'x',
          name: 'n',
          severity: 'Huge',
          condition: { operator: 'matches', asset_field: 'tag_present', asset_scope: 'vaults', value: 'a' },
        }),
      ],
      { dataDir: dir },
    );
    assert.equal(run.code, 2);
    assert.match(run.stderr, /id:/);
    assert.match(run.stderr, /severity:/);
    assert.match(run.stderr, /condition\.operator: "matches" is not allowed/);
    assert.match(run.stderr, /condition\.asset_scope/);
    assert.equal(existsSync(join(dir, 'custom-rules.json')), false);
  });

  it('a corrupt custom-rules file is reported (exit 1) and left untouched', async () => {
    const dir = tempDataDir();
    const file = join(dir, 'custom-rules.json');
    writeFileSync(file, '{ not json');
    const run = await runCli(add, { dataDir: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /custom-rules\.json/);
    assert.equal(readFileSync(file, 'utf8'), '{ not json');
  });
});
