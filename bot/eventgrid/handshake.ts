/**
 * The CloudEvents webhook abuse protection (CloudEvents HTTP webhook spec, section 4): before
 * delivering, Event Grid asks with `OPTIONS` and `WebHook-Request-Origin`, and delivers only when
 * the answer names that origin in `WebHook-Allowed-Origin`. Only Event Grid's own origins are
 * allowed: this endpoint takes Key Vault events from nothing else.
 */

/** Event Grid's origin in the public, US Government and China clouds. */
export const EVENT_GRID_ORIGINS: ReadonlySet<string> = new Set([
  'eventgrid.azure.net',
  'eventgrid.azure.us',
  'eventgrid.azure.cn',
]);

export type OriginDecision = { ok: true; origin: string } | { ok: false; problem: string };

/** Whether the origin in a `WebHook-Request-Origin` header may deliver here. */
export function allowedOrigin(header: string | undefined): OriginDecision {
  const origin = (header ?? '').trim().toLowerCase();
  if (origin === '') return { ok: false, problem: 'the WebHook-Request-Origin header is missing' };
  if (!EVENT_GRID_ORIGINS.has(origin))
    return {
      ok: false,
      problem: `WebHook-Request-Origin "${origin.slice(0, 100)}" is not Event Grid (${[...EVENT_GRID_ORIGINS].join(', ')})`,
    };
  return { ok: true, origin };
}
