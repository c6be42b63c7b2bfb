import { HttpsProxyAgent } from 'https-proxy-agent';
import { request } from 'node:https';
import { generateDemoInventory } from '../../../scanner/sources/demo/index.js';
import { startFakeAzure } from '../../support/fake-azure/index.js';

const size = Number(process.argv[2] ?? 100000);
const concurrency = Number(process.argv[3] ?? 256);
const latencyMs = Number(process.argv[4] ?? 20);
const durationMs = Number(process.argv[5] ?? 10000);
let t = Date.now();
const inv = generateDemoInventory({ now: Date.now(), size });
console.log(
  'inventory',
  Date.now() - t,
  'ms',
  inv.vaults.length,
  'vaults',
  inv.secrets.length + inv.keys.length + inv.certificates.length,
  'assets',
);
t = Date.now();
const external = process.env.PROXY;
const fake = external ? null : await startFakeAzure({ inventory: inv, latencyMs });
console.log('start', Date.now() - t, 'ms; rss MB', Math.round(process.memoryUsage().rss / 1e6));
const agent = new HttpsProxyAgent(external ?? fake!.proxyUrl, {
  keepAlive: !process.env.NOKA,
  maxSockets: concurrency,
});
const urls: string[] = [];
for (const k of inv.keys) urls.push(`${k.id}/?api-version=7.6`);
for (const c of inv.certificates) urls.push(`${c.id}/?api-version=7.6`);
for (const v of inv.vaults) urls.push(`${v.vaultUri}secrets?api-version=7.6`);
urls.sort(() => Math.random() - 0.5);
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { authorization: 'Bearer fake-bench' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
let done = 0,
  i = 0,
  bad = 0;
if (process.env.WARM) {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < urls.length) await get(urls[i++]!);
    }),
  );
  console.log('warmed', i);
  i = 0;
}
const lat: number[] = [];
const end = Date.now() + durationMs;
t = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const s = Date.now();
      const st = await get(urls[i++ % urls.length]!);
      lat.push(Date.now() - s);
      if (st !== 200 && st !== 403) bad++;
      done++;
    }
  }),
);
const secs = (Date.now() - t) / 1000;
lat.sort((a, b) => a - b);
console.log({
  concurrency,
  latencyMs,
  requests: done,
  rps: Math.round(done / secs),
  bad,
  p50: lat[lat.length >> 1],
  p99: lat[Math.floor(lat.length * 0.99)],
  rssMB: Math.round(process.memoryUsage().rss / 1e6),
});
agent.destroy();
await fake?.close();
