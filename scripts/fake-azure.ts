/**
 * `npm run fake-azure -- [--size N] [--seed N] [--latency MS] [--port P] [--throttle N]`
 *
 * Serves the demo tenant as a fake Azure cloud (test/support/fake-azure) and prints the
 * environment that points a product process at it. Request statistics every 10 s; Ctrl-C stops.
 */
import { parseArgs } from 'node:util';
import { generateDemoInventory } from '../scanner/sources/demo/index.js';
import { startFakeAzure } from '../test/support/fake-azure/index.js';

function int(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fake-azure: --${name} must be a whole number ≥ 0, got "${text}"`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    size: { type: 'string' },
    seed: { type: 'string' },
    latency: { type: 'string' },
    port: { type: 'string' },
    throttle: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    [
      'usage: npm run fake-azure -- [--size N] [--seed N] [--latency MS] [--port P] [--throttle N]',
      '  --size N       demo tenant size (vault assets), default 150',
      '  --seed N       demo seed, default 1',
      '  --latency MS   added to every answer, default 20',
      '  --port P       proxy port on 127.0.0.1, default: any free port',
      '  --throttle N   every Nth Key Vault request answers 429 (Retry-After: 1)',
    ].join('\n'),
  );
  process.exit(0);
}

const size = int('size', values.size, undefined);
const seed = int('seed', values.seed, undefined);
const latencyMs = int('latency', values.latency, 20);
const port = int('port', values.port, undefined);
const throttleEvery = int('throttle', values.throttle, undefined);

const inventory = generateDemoInventory({
  profile: 'showcase',
  now: Date.now(),
  ...(size !== undefined ? { size } : {}),
  ...(seed !== undefined ? { seed } : {}),
});
const fake = await startFakeAzure({
  inventory,
  ...(latencyMs !== undefined ? { latencyMs } : {}),
  ...(port !== undefined ? { port } : {}),
  ...(throttleEvery ? { throttle: { everyNth: throttleEvery } } : {}),
});

const assets = inventory.secrets.length + inventory.keys.length + inventory.certificates.length;
console.log(
  `fake Azure: ${inventory.vaults.length} vaults, ${assets} vault assets, ${inventory.resources?.length ?? 0} apps, ` +
    `${inventory.appRegistrations?.length ?? 0} app registrations; tenant ${inventory.tenantId}; latency ${latencyMs} ms`,
);
console.log(`proxy ${fake.proxyUrl}\n\nPaste into the shell that runs certify:\n`);
console.log(
  `export HTTPS_PROXY=${fake.proxyUrl} NO_PROXY=${fake.env.NO_PROXY} NODE_EXTRA_CA_CERTS=${fake.caFile} ` +
    `AZURE_TOKEN_CREDENTIALS=AzureCliCredential FAKE_AZ_TENANT=${inventory.tenantId} PATH=${fake.azDir}:$PATH`,
);
console.log('unset AZURE_SUBSCRIPTION_IDS\n');

const timer = setInterval(() => {
  const s = fake.stats();
  console.log(
    `${new Date().toISOString()} requests ${s.requests} (served ${s.served}, throttled ${s.throttled}, failed ${s.failed}, ` +
      `value reads ${s.valueReads}, writes ${s.writes}, refused connects ${s.refusedConnects})`,
  );
}, 10_000);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await fake.close();
  console.log(`\nstopped; ${fake.stats().requests} requests served in all`);
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
