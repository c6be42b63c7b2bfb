/**
 * The Azure wiring both Azure adapters (the source and the Key Vault writer) build from the
 * environment, at the edge: the credential (DefaultAzureCredential reads the standard AZURE_*
 * variables) and keep-alive HTTPS agents. Through a proxy (HTTPS_PROXY: a corporate one, or the
 * local fake) the agent keeps CONNECT tunnels alive (see base/tunnel-agent.ts for why the
 * runtime's own proxy agents are not used); a host NO_PROXY lists is reached directly.
 */
import type { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import type { AzureSettings } from '../scanner/sources/azure/index.js';
import { TunnelAgent } from '../base/tunnel-agent.js';

/** The identity of every Azure request, honouring AZURE_AUTHORITY_HOST. */
export function azureCredential(settings: AzureSettings): TokenCredential {
  return new DefaultAzureCredential(settings.authorityHost ? { authorityHost: settings.authorityHost } : {});
}

/** Whether NO_PROXY (`*`, `host`, `.domain` or `domain`) lists `host`. */
export function bypassesProxy(host: string, noProxy: readonly string[]): boolean {
  const h = host.toLowerCase();
  return noProxy.some(
    (p) => p === '*' || h === p.replace(/^\./, '') || h.endsWith(p.startsWith('.') ? p : `.${p}`),
  );
}

/**
 * The agent for a host: one shared CONNECT tunnel through HTTPS_PROXY unless NO_PROXY lists the
 * host, else one shared direct agent; each made on first use, keep-alive, `maxSockets` each.
 */
export function agentsFor(settings: AzureSettings, maxSockets: number): (host: string) => Agent {
  const sockets = { keepAlive: true, maxSockets };
  let tunnel: Agent | undefined;
  let direct: Agent | undefined;
  return (host) =>
    settings.proxyUrl && !bypassesProxy(host, settings.noProxy)
      ? (tunnel ??= new TunnelAgent(settings.proxyUrl, sockets))
      : (direct ??= new HttpsAgent(sockets));
}
