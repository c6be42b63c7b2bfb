/**
 * The check that runs after every `npm test` (scripts/check-test-logs.ts) can fail: a secret
 * planted in a log directory is reported by file, line and name, never shown.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { checkLogDir, checkText, describeFindings } from '../support/log-check.js';
import { registerSecret, SECRETS, suiteSecrets } from '../support/secrets.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function logDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'certify-log-check-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const JWT = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJib3QifQ', 'c2lnbmF0dXJlLWJ5dGVz'].join('.');

describe('the log check', () => {
  it('reports each planted secret by file, line and name, without the secret', () => {
    const dir = logDir({
      'vitest.log': ' ✓ test/bot/a.test.ts (3 tests)\n',
      'bot-main-4242.log': [
        '{"level":"info","event":"service.listening","msg":"listening on 127.0.0.1:1"}',
        '{"level":"info","event":"http","path":"/downloads/…"}',
        `{"level":"error","event":"slack.sdk","message":"token ${SECRETS.slackBotToken}"}`,
        '{"level":"warn","event":"teams.sdk","authorization":"[redacted]"}',
        `{"level":"error","event":"teams.sdk","message":"refused \u001b[31m${JWT}\u001b[39m"}`,
        `{"level":"error","event":"oops","details":{"clientSecret":"${SECRETS.teamsClientSecret}"}}`,
      ].join('\n'),
      'nested/cli-1.log': 'GET /downloads/AbCdEfGhIjKlMnOpQrStUv 200\n',
    });
    const findings = checkLogDir(dir);
    assert.deepEqual(
      findings.map((f) => [f.file, f.line, f.secret]),
      [
        ['bot-main-4242.log', 3, 'slackBotToken'],
        ['bot-main-4242.log', 3, 'a Slack token'],
        ['bot-main-4242.log', 5, 'a JWT'],
        ['bot-main-4242.log', 6, 'teamsClientSecret'],
        ['nested/cli-1.log', 1, 'a download-link token'],
      ],
    );
    const report = describeFindings(findings).join('\n');
    assert.match(report, /^bot-main-4242\.log:3: slackBotToken \(xoxb…\(27 chars\)\)$/m);
    for (const value of [SECRETS.slackBotToken, SECRETS.teamsClientSecret, JWT]) {
      assert.ok(!report.includes(value), 'the report shows a secret');
    }
  });

  it('finds a secret registered at run time, and does not search the registry itself', () => {
    const dir = logDir({ 'bot-7.log': 'rotated to generated-credential-Zq81x\n' });
    registerSecret('rotated credential', 'generated-credential-Zq81x', { CERTIFY_TEST_LOG_DIR: dir });
    assert.deepEqual(
      checkLogDir(dir).map((f) => [f.file, f.line, f.secret]),
      [['bot-7.log', 1, 'rotated credential']],
    );
  });

  it('finds the test database password when CERTIFY_TEST_DATABASE_URL has one', () => {
    const secrets = suiteSecrets({
      CERTIFY_TEST_DATABASE_URL: 'postgres://certify:s3cr%2Fet-pw@db:5432/postgres',
    });
    assert.deepEqual(
      checkText('pg.log', 'connecting with s3cr/et-pw\nok', secrets).map((f) => [f.line, f.secret]),
      [[1, 'CERTIFY_TEST_DATABASE_URL password']],
    );
  });

  it('the script fails the run on a finding and passes a clean directory', () => {
    const leaky = logDir({ 'bot-1.log': `line one\nSLACK_SIGNING_SECRET=${SECRETS.slackSigningSecret}\n` });
    const run = (dir: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'check-test-logs.ts'), dir], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const failed = run(leaky);
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /bot-1\.log:2: slackSigningSecret \(test…\(36 chars\)\)/);
    assert.ok(
      !failed.stderr.includes(SECRETS.slackSigningSecret) &&
        !failed.stdout.includes(SECRETS.slackSigningSecret),
    );
    const clean = run(logDir({ 'bot-2.log': '{"level":"info","event":"http","path":"/healthz"}\n' }));
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /no secret in the 1 log file/);
  });
});
