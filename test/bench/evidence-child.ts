/**
 * One measured evidence run in its own process (so peak RSS is the bundle's, not the parent's):
 * `--phase scan` saves a scan of the demo tenant of `--size` assets into `--dir`; `--phase bundle`
 * requests, stages, signs and writes the bundle from that saved scan, and prints its figures.
 */
import { parseArgs } from 'node:util';
import { openPorts } from '../../app/ports.js';
import { scan } from '../../services/scan.js';
import { openEvidence } from '../../app/evidence.js';
import { parsePeriod } from '../../evidence/period.js';
import { findFramework } from '../../scanner/frameworks/index.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const { values } = parseArgs({
  options: { phase: { type: 'string' }, dir: { type: 'string' }, size: { type: 'string' } },
});
const dir = values.dir!;
const size = Number(values.size);
const NOW = Date.parse('2026-11-26T06:00:00Z');
const ports = openPorts(dir, 50);
const source = demoSource({ profile: 'showcase', size, seed: 1 });

if (values.phase === 'scan') {
  const t0 = performance.now();
  const run = await scan(ports, source, { now: NOW - 86_400_000, save: true, audit: null });
  const c = run.result.assets;
  process.stdout.write(
    JSON.stringify({
      ms: performance.now() - t0,
      assets: c.secrets + c.keys + c.certificates,
      vaults: c.vaults,
    }),
  );
} else {
  const wiring = await openEvidence({
    dataDir: dir,
    ports,
    source,
    approvers: ['approver'],
    publicUrl: 'http://localhost',
    tsaUrl: process.env.CERTIFY_TSA_URL ?? null,
    now: NOW - 30 * 86_400_000,
  });
  const t0 = performance.now();
  const requested = await wiring.service.request({
    framework: findFramework('soc2'),
    period: parsePeriod('last-30d', NOW),
    requester: { id: 'requester', name: 'Requester', channel: 'bench' },
    channel: { kind: 'playground', id: 'bench' },
    now: NOW,
  });
  // The build is a job (in this process here): measured until it is pending.
  const r = (await wiring.service.awaitBuilt(requested.id, 600_000))!;
  if (r.status !== 'pending') throw new Error(`build failed: ${r.error}`);
  const staged = performance.now() - t0;
  await wiring.service.sign(
    r.id,
    { id: 'approver', name: 'Approver', channel: 'bench' },
    { name: 'A', role: 'B' },
    NOW + 1000,
  );
  const ms = performance.now() - t0;
  const bytes = statSync(join(dir, 'bundles', `${r.id}.zip`)).size;
  process.stdout.write(
    JSON.stringify({
      ms,
      stagedMs: staged,
      signMs: ms - staged,
      rows: r.rows,
      zipMb: bytes / 1048576,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
