/**
 * The Event Grid route as bot/service.ts wires it: the routes with their production ports (the
 * shared delivery ledger or this process's, the tenant's signing keys), and the start-up line.
 * Loaded only when configured, so a start without Event Grid never loads @azure/eventgrid.
 */
import { MemoryDeliveryLedger } from '../slack/memory-delivery-ledger.js';
import type { DeliveryLedger } from '../slack/delivery-ledger.js';
import type { Route } from '../types.js';
import { tenantKeys } from './auth.js';
import type { EventGridConfig } from './config.js';
import { createEventGridRoutes, EVENTGRID_DEDUPE_WINDOW_MS, type EventGridRouteDeps } from './route.js';

export { EVENTGRID_DEDUPE_WINDOW_MS } from './route.js';

export function eventGridRoutes(
  config: EventGridConfig,
  deps: Omit<EventGridRouteDeps, 'config' | 'keys' | 'ledger'> & {
    /** The store's shared ledger (PostgreSQL), or null: one in this process's memory. */
    sharedLedger: DeliveryLedger | null;
  },
): Record<string, Route> {
  const { sharedLedger, ...rest } = deps;
  return createEventGridRoutes({
    ...rest,
    config,
    ledger: sharedLedger ?? new MemoryDeliveryLedger({ windowMs: EVENTGRID_DEDUPE_WINDOW_MS }),
    keys: config.entra ? tenantKeys(config.entra) : null,
  });
}
