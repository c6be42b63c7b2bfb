/**
 * Builds the Azure source's ports from the environment, at the edge: the credential
 * (DefaultAzureCredential reads the standard AZURE_* variables) and one keep-alive HTTP agent.
 * The Azure runtime's own proxy support opens a new tunnel per request; through a corporate
 * proxy (or the local fake) a scan of thousands of requests would pay a TLS handshake each.
 */
import { Agent as HttpsAgent } from 'node:https';
import { DefaultAzureCredential } from '@azure/identity';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { azureSource, readAzureEnv, type AzureSettings } from '../scanner/sources/azure/index.js';
import type { Source } from '../scanner/sources/types.js';

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
      ? new HttpsProxyAgent(settings.proxyUrl, sockets)
      : new HttpsAgent(sockets);
  return azureSource({ credential, settings, agent });
}
