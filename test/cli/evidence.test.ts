/** `certify evidence`, `certify verify`, `certify audit verify` as a user runs them. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import JSZip from 'jszip';
import { runCli, tempDataDir } from './harness.js';

const NOW = '2026-10-05T09:00:00Z';

describe('certify evidence / verify / audit verify', () => {
  const dataDir = tempDataDir();
  const out = join(dataDir, 'soc2-q3.zip');

  it('builds an unsigned bundle from a saved scan, and says so', async () => {
    const scan = await runCli(['scan', '--now', '2026-09-15T06:00:00Z', '--size', '300'], { dataDir });
    assert.equal(scan.code, 0, scan.stderr);
    const r = await runCli(
      ['evidence', 'soc2', '--from', '2026-07-01', '--to', '2026-09-30', '--out', out, '--now', NOW],
      { dataDir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote .*soc2-q3\.zip/);
    assert.match(r.stdout, /NOT signed/);
    assert.match(r.stdout, /manifest SHA-256 [0-9a-f]{64}/);
  });

  it('verify: one line per check, exit 0; --jwks pins the key', async () => {
    const r = await runCli(['verify', out], { dataDir });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^ok {4}sha256 reports\/asset-inventory\.csv: [0-9a-f]{64}$/m);
    assert.match(r.stdout, /^ok {4}timestamp manifest\.json: RFC 3161 time/m);
    assert.match(r.stdout, /^warn {2}assertion: NOT SIGNED/m);
    assert.match(r.stdout, /VERIFIED ev-[0-9a-f]{16}/);
    const jwksFile = join(dataDir, 'jwks.json');
    const zip = await JSZip.loadAsync(readFileSync(out));
    const inner = Object.keys(zip.files).find((n) => n.endsWith('/jwks.json'))!;
    writeFileSync(jwksFile, await zip.files[inner]!.async('nodebuffer'));
    const pinned = await runCli(['verify', out, '--jwks', jwksFile, '--json'], { dataDir });
    assert.equal(pinned.code, 0);
    const json = JSON.parse(pinned.stdout) as { ok: boolean; checks: { name: string }[] };
    assert.equal(json.ok, true);
    assert.ok(!json.checks.some((c) => c.name === 'signing key'), 'no warning once the key is pinned');
  });

  it('verify: a changed CSV fails, names the file, exit 1', async () => {
    const zip = await JSZip.loadAsync(readFileSync(out));
    const name = Object.keys(zip.files).find((n) => n.endsWith('reports/cryptoperiod.csv'))!;
    const text = await zip.files[name]!.async('string');
    zip.file(name, text.replace('false', 'true '));
    const tampered = join(dataDir, 'tampered.zip');
    writeFileSync(tampered, await zip.generateAsync({ type: 'nodebuffer' }));
    const r = await runCli(['verify', tampered], { dataDir });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /^FAIL {2}sha256 reports\/cryptoperiod\.csv: reports\/cryptoperiod\.csv was modified/m,
    );
    assert.match(r.stdout, /NOT VERIFIED/);
  });

  it('audit verify: OK, then names an edited entry', async () => {
    const ok = await runCli(['audit', 'verify'], { dataDir });
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /audit log OK: \d+ entries/);
    const log = join(dataDir, 'audit-log.jsonl');
    const lines = readFileSync(log, 'utf8').split('\n');
    // The saved scan's entry comes first; the bundle's follows it.
    const at = lines.findIndex((l) => l.includes('"evidence.local-bundle"'));
    assert.ok(at >= 0);
    lines[at] = lines[at]!.replace('"evidence.local-bundle"', '"evidence.locally-built"');
    writeFileSync(log, lines.join('\n'));
    const bad = await runCli(['audit', 'verify'], { dataDir });
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, new RegExp(`FAIL {2}entry ${at + 1} \\(edited\\)`));
  });

  it('bad input is named: unknown framework, half a period, a missing bundle', async () => {
    const fw = await runCli(['evidence', 'sox', '--period', 'last-quarter'], { dataDir });
    assert.equal(fw.code, 2);
    assert.match(fw.stderr, /sox/);
    const half = await runCli(['evidence', 'soc2', '--from', '2026-07-01'], { dataDir });
    assert.equal(half.code, 2);
    assert.match(half.stderr, /both --from and --to/);
    const missing = await runCli(['verify', join(dataDir, 'nope.zip')], { dataDir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.zip: ENOENT/);
    const notZip = join(dataDir, 'not.zip');
    writeFileSync(notZip, 'hello');
    const garbage = await runCli(['verify', notZip], { dataDir });
    assert.equal(garbage.code, 1);
    assert.match(garbage.stdout, /FAIL {2}zip: not a readable zip file/);
  });
});
