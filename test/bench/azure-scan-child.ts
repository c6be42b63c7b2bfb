/**
 * One measured scan for the Azure benchmark, in its own process (so its peak RSS is its own):
 *   --mode parallel    Certify's azure source (the product code)
 *   --mode sequential  a straightforward scan with the same SDKs: one request at a time
 * Prints {ms, requests, assets, vaults, peakRssMb} as JSON.
 */
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { WebSiteManagementClient } from '@azure/arm-appservice';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { TunnelAgent } from '../../base/tunnel-agent.js';
import { azureSourceFromEnv } from '../../adapters/azure-source.js';

const { values } = parseArgs({ options: { mode: { type: 'string' } } });

async function parallel() {
  let requests = 0;
  const inv = await azureSourceFromEnv(process.env).collect({
    now: Date.now(),
    onProgress: (p) => {
      requests = p.detail?.requests ?? requests;
    },
  });
  return {
    requests,
    assets: inv.secrets.length + inv.keys.length + inv.certificates.length,
    vaults: inv.vaults.length,
  };
}

/** What a first, honest implementation looks like: nested loops, one await at a time. */
async function sequential() {
  let requests = 0;
  const counter: PipelinePolicy = {
    name: 'count',
    sendRequest: (req, next) => {
      requests++;
      return next(req);
    },
  };
  // The same keep-alive agent as the product, so the comparison measures concurrency alone.
  const proxy = process.env.HTTPS_PROXY;
  const agent = proxy ? new TunnelAgent(proxy) : new Agent({ keepAlive: true });
  const options = { agent, additionalPolicies: [{ policy: counter, position: 'perRetry' as const }] };
  const credential = new DefaultAzureCredential();
  const subs = process.env.AZURE_SUBSCRIPTION_IDS
    ? process.env.AZURE_SUBSCRIPTION_IDS.split(',')
    : await (async () => {
        const out: string[] = [];
        for await (const s of new SubscriptionClient(credential, options).subscriptions.list())
          out.push(s.subscriptionId!);
        return out;
      })();
  let assets = 0;
  let vaults = 0;
  for (const sub of subs) {
    for await (const vault of new KeyVaultManagementClient(
      credential,
      sub,
      options,
    ).vaults.listBySubscription()) {
      vaults++;
      const url = vault.properties.vaultUri!;
      try {
        for await (const _s of new SecretClient(url, credential, options).listPropertiesOfSecrets()) assets++;
        const keys = new KeyClient(url, credential, options);
        for await (const k of keys.listPropertiesOfKeys()) {
          await keys.getKey(k.name);
          await keys.getKeyRotationPolicy(k.name).catch(() => null);
          assets++;
        }
        const certs = new CertificateClient(url, credential, options);
        for await (const c of certs.listPropertiesOfCertificates()) {
          await certs.getCertificate(c.name!);
          assets++;
        }
      } catch {
        // the vault that refuses us
      }
    }
    const web = new WebSiteManagementClient(credential, sub, options);
    for await (const site of web.webApps.list()) {
      await web.webApps.listApplicationSettings(site.id!.split('/')[4]!, site.name!);
    }
  }
  const pipeline = createPipelineFromOptions({ agent });
  pipeline.addPolicy(counter);
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential, scopes: 'https://graph.microsoft.com/.default' }),
  );
  let next: string | undefined = 'https://graph.microsoft.com/v1.0/applications?$top=999';
  while (next) {
    const res = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url: next }));
    next = (JSON.parse(res.bodyAsText ?? '{}') as { '@odata.nextLink'?: string })['@odata.nextLink'];
  }
  return { requests, assets, vaults };
}

let peakHeapMb = 0;
const sampler = setInterval(() => {
  peakHeapMb = Math.max(peakHeapMb, Math.round(process.memoryUsage().heapUsed / 2 ** 20));
}, 250);
const t0 = performance.now();
const result = values.mode === 'sequential' ? await sequential() : await parallel();
const ms = Math.round(performance.now() - t0);
clearInterval(sampler);
console.log(
  JSON.stringify({ ms, ...result, peakHeapMb, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
);
