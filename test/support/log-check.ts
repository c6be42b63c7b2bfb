/**
 * The check after a test run: every log the suite produced (vitest's own output and the output
 * of every process the tests spawned, captured under CERTIFY_TEST_LOG_DIR by
 * scripts/run-tests.mjs and test/support/child-log.ts) is searched for every credential the
 * suite uses (test/support/secrets.ts). A finding names the file, the line and which secret,
 * never the secret itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REGISTERED_SECRETS_DIR, registeredSecrets, SECRET_SHAPES, suiteSecrets } from './secrets.js';

export interface LogFinding {
  file: string;
  line: number;
  /** Which secret: its name in SECRETS, or the shape's name. */
  secret: string;
  /** Its first characters and its length, enough to recognise it, never the value. */
  hint: string;
}

// eslint-disable-next-line no-control-regex -- terminal colour codes are what is removed
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** A value shown without showing it: `xoxb…(27 chars)`. */
export function mask(value: string): string {
  return `${value.slice(0, Math.min(4, Math.floor(value.length / 3)))}…(${value.length} chars)`;
}

/** The log files under `dir` (the registry of run-time secrets is not one). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== REGISTERED_SECRETS_DIR) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

/** Findings in one text (`file` names it in the findings). */
export function checkText(
  file: string,
  text: string,
  secrets: Record<string, string> = suiteSecrets(),
): LogFinding[] {
  const findings: LogFinding[] = [];
  const values = Object.entries(secrets).filter(([, v]) => v.length >= 4);
  const lines = text.replace(ANSI, '').split('\n');
  lines.forEach((line, i) => {
    for (const [name, value] of values) {
      if (line.includes(value)) findings.push({ file, line: i + 1, secret: name, hint: mask(value) });
    }
    for (const { name, pattern } of SECRET_SHAPES) {
      const m = pattern.exec(line);
      if (m) findings.push({ file, line: i + 1, secret: name, hint: mask(m[0]) });
    }
  });
  return findings;
}

/**
 * Findings in every file under `dir` (paths in the findings relative to `dir`), for `secrets`
 * and the secrets the run registered there (test/support/secrets.ts registerSecret).
 */
export function checkLogDir(dir: string, secrets: Record<string, string> = suiteSecrets()): LogFinding[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  const all = { ...registeredSecrets(dir), ...secrets };
  return filesUnder(dir).flatMap((file) => checkText(relative(dir, file), readFileSync(file, 'utf8'), all));
}

/** The findings as the report's lines: `file:line: secret (hint)`. */
export function describeFindings(findings: readonly LogFinding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}: ${f.secret} (${f.hint})`);
}
