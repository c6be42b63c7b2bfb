import { generateDemoInventory } from '../../../scanner/sources/demo/index.js';
import { startFakeAzure } from '../../support/fake-azure/index.js';
import { azureSourceFromEnv } from '../../../core/azure.js';

const size = Number(process.argv[2] ?? 300);
const now = Date.now();
const inv = generateDemoInventory({ now, size });
const fake = await startFakeAzure({ inventory: inv, latencyMs: Number(process.argv[3] ?? 0) });
fake.applyEnv();
const t = Date.now();
const got = await azureSourceFromEnv(process.env).collect({ now });
console.log('collect ms', Date.now() - t, fake.stats());
const norm = (x: unknown) => JSON.stringify(x, Object.keys(x as object).sort());
function diff(name: string, a: any[], b: any[], key = 'id') {
  const A = new Map(a.map((x) => [x[key], x]));
  const B = new Map(b.map((x) => [x[key], x]));
  let missing = 0,
    extra = 0,
    changed = 0;
  const samples: string[] = [];
  for (const [k, v] of A) {
    const w = B.get(k);
    if (!w) {
      missing++;
      if (samples.length < 3) samples.push('missing ' + k);
      continue;
    }
    const canon = (x: unknown) =>
      JSON.stringify(x, (_k, val) =>
        typeof val === 'string' && /^\d{4}-\d\d-\d\dT/.test(val)
          ? new Date(Math.floor(Date.parse(val) / 1000) * 1000).toISOString()
          : typeof val === 'string' && val.startsWith('https://') && val.includes('/secrets/')
            ? val.replace(/\/secrets\/([^/]+).*$/, '/secrets/$1')
            : val === null
              ? undefined
              : val,
      );
    for (const f of Object.keys(v)) {
      if (canon(v[f]) !== canon(w[f])) {
        changed++;
        if (samples.length < 8)
          samples.push(`${k} .${f}: ${JSON.stringify(v[f])} vs ${JSON.stringify(w[f])}`);
      }
    }
  }
  for (const k of B.keys())
    if (!A.has(k)) {
      extra++;
      if (samples.length < 10) samples.push('extra ' + k);
    }
  console.log(name, a.length, b.length, { missing, extra, changed }, samples);
}
diff('vaults', inv.vaults, got.vaults);
diff('secrets', inv.secrets, got.secrets);
diff('keys', inv.keys, got.keys);
diff('certificates', inv.certificates, got.certificates);
diff('resources', inv.resources ?? [], got.resources ?? []);
diff('appRegistrations', inv.appRegistrations ?? [], got.appRegistrations ?? [], 'appId');
await fake.close();
