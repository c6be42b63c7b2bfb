/**
 * `npm run bench:evidence`: an evidence bundle of all reports (ten reports, the provenance register and the control matrix,
 * CSV and PDF, manifests, signatures, two RFC 3161 timestamps, zip) for the large demo tenant,
 * from a saved scan — its time and peak RSS, against the 10 k-asset tenant in the same run as the
 * baseline for how it scales. Targets (issue 5): ≤ 20 s and ≤ 600 MB at ≥ 100 k assets.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function child(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    // Compiled, as the product runs (no TypeScript loader in the measured process).
    const p = spawn(process.execPath, ['dist/test/bench/evidence-child.js', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, number>)
        : reject(new Error(`child exited ${code}`)),
    );
  });
}

const rows: string[] = [];
for (const size of [10_000, 100_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'certify-bench-ev-'));
  try {
    const scanned = await child(['--phase', 'scan', '--dir', dir, '--size', String(size)]);
    const b = await child(['--phase', 'bundle', '--dir', dir, '--size', String(size)]);
    const line = `| ${scanned.assets!.toLocaleString('en')} assets, ${scanned.vaults} vaults | ${(b.ms! / 1000).toFixed(1)} s (stage ${(b.stagedMs! / 1000).toFixed(1)} s + sign ${(b.signMs! / 1000).toFixed(1)} s) | ${b.peakRssMb!.toFixed(0)} MB | ${b.rows!.toLocaleString('en')} | ${b.zipMb!.toFixed(1)} MB |`;
    rows.push(line);
    process.stderr.write(`bench: ${line}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log('| tenant | bundle (request → signed zip) | peak RSS | report rows | zip |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('Targets at ≥ 100 k assets: ≤ 20 s, ≤ 600 MB.');
