/**
 * The ESM loader hook that lets OpenTelemetry's HTTP instrumentation patch
 * `import … from 'node:http'` (and https): import-in-the-middle, through
 * @opentelemetry/instrumentation's copy of it. It must be registered before the modules that
 * import node:http are loaded, so bot/main.ts calls it before it imports the service. Only these
 * modules are wrapped; every other import is left as it is. (CommonJS requires of http, as
 * axios's in the Slack and Teams SDKs, are patched by require-in-the-middle without a hook.)
 */
import { register } from 'node:module';

export const HOOKED_MODULES: readonly string[] = ['http', 'https', 'node:http', 'node:https'];

export function registerHttpHook(): void {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
    data: { include: [...HOOKED_MODULES] },
  });
}
