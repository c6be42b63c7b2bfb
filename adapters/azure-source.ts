/**
 * Builds the Azure source's ports from the environment, at the edge: the credential and one
 * keep-alive HTTP agent (azure-wiring.ts), tunnelled through HTTPS_PROXY unless NO_PROXY lists
 * the ARM host.
 */
import { azureSource, readAzureEnv } from '../scanner/sources/azure/index.js';
import type { Source } from '../scanner/sources/types.js';
import type { Telemetry } from '../base/telemetry.js';
import { agentsFor, azureCredential } from './azure-wiring.js';

export function azureSourceFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  telemetry?: Telemetry,
): Source {
  const settings = readAzureEnv(env);
  const agent = agentsFor(settings, settings.concurrency)(new URL(settings.armEndpoint).hostname);
  return azureSource({
    credential: azureCredential(settings),
    settings,
    agent,
    ...(telemetry ? { telemetry } : {}),
  });
}
