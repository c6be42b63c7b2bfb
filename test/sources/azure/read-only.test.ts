/**
 * The scanner has no code path that reads a secret's value or writes anything: these SDK
 * operations must not appear anywhere under scanner/ (the request log of the fake cloud checks
 * the same at run time, in azure.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';

const FORBIDDEN = [
  /\bgetSecret\s*\(/, // returns the value
  /\bbackupSecret\s*\(/,
  /\bgetDeletedSecret\s*\(/,
  /\bsetSecret\s*\(/,
  /\bbeginDeleteSecret\s*\(/,
  /\bupdateSecretProperties\s*\(/,
  /\bbackupKey\s*\(/,
  /\bexportKey\s*\(/,
  /\bcreateKey\s*\(/,
  /\bimportKey\s*\(/,
  /\bgetCertificateVersion\s*\(/,
  /\bbeginCreateCertificate\s*\(/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

it('no scanner code calls an operation that returns a secret value or writes', () => {
  const offenders: string[] = [];
  for (const file of files('scanner')) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of FORBIDDEN) if (pattern.test(text)) offenders.push(`${file}: ${pattern}`);
  }
  assert.deepEqual(offenders, []);
});

it('the Azure source lists secret properties only', () => {
  const text = readFileSync('scanner/sources/azure/collect.ts', 'utf8');
  const secretCalls = [...text.matchAll(/secretClient\.(\w+)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(secretCalls)], ['listPropertiesOfSecrets']);
});
