/**
 * `npm run bench:azure`: the large demo tenant (200 vaults, 100 k assets) served by the fake
 * cloud with 20 ms latency per request, scanned by Certify's azure source — against a
 * straightforward sequential scan written with the same SDKs, in the same run.
 *
 * A sequential scan of the whole tenant would take about twenty minutes, so both scanners are
 * also run on the same slice (the smallest subscription: its vaults, apps and Graph); the
 * speed-up is measured there and the sequential full-tenant time projected from its rate.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

interface Run {
  peakHeapMb: number;
  ms: number;
  requests: number;
  assets: number;
  vaults: number;
  peakRssMb: number;
}

const tsx = ['--import', 'tsx'];
const fake = spawn(
  process.execPath,
  [...tsx, 'test/bench/fake-child.ts', '--size', '100000', '--latency', '20'],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const lines = createInterface({ input: fake.stdout! });
const firstLine = await new Promise<string>((resolve) => lines.once('line', resolve));
const ready = JSON.parse(firstLine) as {
  env: Record<string, string>;
  smallestSubscription: string;
  vaults: number;
  assets: number;
};

function scan(mode: 'parallel' | 'sequential', extra: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...ready.env, ...extra };
    if (!extra.AZURE_SUBSCRIPTION_IDS) delete env.AZURE_SUBSCRIPTION_IDS;
    // The scanners run compiled, as the product does (no TypeScript loader in the measured process).
    const child = spawn(process.execPath, ['dist/test/bench/azure-scan-child.js', '--mode', mode], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Run) : reject(new Error(`${mode} scan exited ${code}`)),
    );
  });
}

process.stderr.write(
  `bench: fake cloud ready (${ready.vaults} vaults, ${ready.assets.toLocaleString('en')} assets, 20 ms latency)\n`,
);
process.stderr.write('bench: certify, whole tenant…\n');
const full = await scan('parallel');
const slice = { AZURE_SUBSCRIPTION_IDS: ready.smallestSubscription };
process.stderr.write('bench: certify, slice…\n');
const parSlice = await scan('parallel', slice);
process.stderr.write('bench: sequential, slice…\n');
const seqSlice = await scan('sequential', slice);
fake.stdin!.end();

const rate = (r: Run) => Math.round((r.requests / r.ms) * 1000);
const row = (name: string, r: Run) =>
  `| ${name} | ${r.vaults} | ${r.assets.toLocaleString('en')} | ${(r.ms / 1000).toFixed(1)} s | ${r.requests.toLocaleString('en')} | ${rate(r).toLocaleString('en')} | ${r.peakRssMb} MB | ${r.peakHeapMb} MB |`;
const projected = (seqSlice.ms / seqSlice.requests) * full.requests;
console.log(
  `Azure source benchmark — ${new Date().toISOString()}, Node ${process.version}, fake cloud with 20 ms latency per request\n`,
);
console.log('| scan | vaults | assets | wall time | requests | requests/s | peak RSS | peak heap |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(row('Certify, whole tenant', full));
console.log(row('Certify, slice (smallest subscription)', parSlice));
console.log(row('sequential SDK scan, same slice', seqSlice));
console.log(
  `\nSpeed-up on the slice: ×${(seqSlice.ms / parSlice.ms).toFixed(1)}. Sequential scan of the whole tenant, projected from its rate: ${(projected / 1000).toFixed(0)} s → Certify ×${(projected / full.ms).toFixed(1)} faster.`,
);
const speedUp = projected / full.ms;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
// Issue 20's targets for the whole tenant, the speed-up against this run's own sequential baseline.
console.log(
  `Targets: ≤ 20 s (${verdict(full.ms <= 20_000)}), ≤ 400 MB RSS (${verdict(full.peakRssMb <= 400)}), ≥ 50× the sequential SDK scan (${verdict(speedUp >= 50)}).`,
);
