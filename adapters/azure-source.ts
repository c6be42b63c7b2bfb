/**
 * Builds the Azure source's ports from the environment, at the edge: the credential
 * (DefaultAzureCredential reads the standard AZURE_* variables) and one keep-alive HTTP agent.
 * Through a proxy (a corporate one, or the local fake) the agent keeps CONNECT tunnels alive;
 * see tunnel-agent.ts for why the runtime's own proxy agents are not used.
 */
import { Agent as HttpsAgent } from 'node:https';
import { DefaultAzureCredential } from '@azure/identity';
import { azureSource, readAzureEnv, type AzureSettings } from '../scanner/sources/azure/index.js';
import type { Source } from '../scanner/sources/types.js';
import { TunnelAgent } from '../base/tunnel-agent.js';

function bypassesProxy(settings: AzureSettings): boolean {
  const host = new URL(settings.armEndpoint).hostname.toLowerCase();
  return settings.noProxy.some(
    (p) => p === '*' || host === p.replace(/^\./, '') || host.endsWith(p.startsWith('.') ? p : `.${p}`),
  );
}

export function azureSourceFromEnv(env: Readonly<Record<string, string | undefined>>): Source {
  const settings = readAzureEnv(env);
  const credential = new DefaultAzureCredential(
    settings.authorityHost ? { authorityHost: settings.authorityHost } : {},
  );
  const sockets = { keepAlive: true, maxSockets: settings.concurrency };
  const agent =
    settings.proxyUrl && !bypassesProxy(settings)
      ? new TunnelAgent(settings.proxyUrl, sockets)
      : new HttpsAgent(sockets);
  return azureSource({ credential, settings, agent });
}
