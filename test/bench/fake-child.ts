/**
 * Runs the fake cloud in its own process for the Azure benchmark, so the fake's work does not
 * share an event loop with the scanner being measured. Prints one JSON line when ready; then
 * answers "stats" on stdin with a JSON line, and exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateDemoInventory } from '../../scanner/sources/demo/index.js';
import { startFakeAzure } from '../support/fake-azure/index.js';

const { values } = parseArgs({ options: { size: { type: 'string' }, latency: { type: 'string' } } });
const inventory = generateDemoInventory({
  profile: 'showcase',
  seed: 1,
  size: Number(values.size ?? 100_000),
  now: Date.now(),
});
const fake = await startFakeAzure({
  inventory,
  latencyMs: Number(values.latency ?? 20),
  graphPageSize: 100,
  pageSize: 50,
});

const bySub = new Map<string, number>();
for (const v of inventory.vaults) bySub.set(v.subscriptionId, (bySub.get(v.subscriptionId) ?? 0) + 1);
const smallest = [...bySub.entries()].sort((a, b) => a[1] - b[1])[0]![0];
const assets = inventory.secrets.length + inventory.keys.length + inventory.certificates.length;
console.log(
  JSON.stringify({ env: fake.env, smallestSubscription: smallest, vaults: inventory.vaults.length, assets }),
);

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') console.log(JSON.stringify(fake.stats()));
});
lines.on('close', () => {
  void fake.close().then(() => process.exit(0));
});
