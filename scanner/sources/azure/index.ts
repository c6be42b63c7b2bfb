import type { Source } from '../types.js';
import { collectAzure, type AzurePorts } from './collect.js';

export { readAzureEnv, type AzureSettings } from './config.js';
export type { AzurePorts } from './collect.js';

/** The `azure` source: a real tenant through the official SDKs (ports built at the edge). */
export function azureSource(ports: AzurePorts): Source {
  return { id: 'azure', collect: (ctx) => collectAzure(ports, ctx) };
}
