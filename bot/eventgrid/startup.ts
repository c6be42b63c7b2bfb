/**
 * The start-up line about Event Grid, without loading the route (nor @azure/eventgrid): an
 * operator reads where Key Vault events are received and how, or how to turn them on.
 */
import type { EventGridConfig } from './config.js';

/** The start-up sentence: where events are received and with which credential, or how to turn it on. */
export function eventGridStartupMessage(config: EventGridConfig | null, base: string): string {
  if (config === null)
    return 'Event Grid: off (set CERTIFY_EVENTGRID_KEY or CERTIFY_EVENTGRID_AUDIENCE to receive Key Vault events at /api/eventgrid; README, "Real-time alerts from Event Grid")';
  const creds = [
    config.key !== null ? 'the ?key= of CERTIFY_EVENTGRID_KEY' : null,
    config.entra !== null
      ? `Entra ID tokens for ${config.entra.audience} (tenant ${config.entra.tenantId})`
      : null,
  ].filter((c) => c !== null);
  return `Event Grid: Key Vault events at ${base}/api/eventgrid, accepted with ${creds.join(' or ')}`;
}
