/**
 * `npm start` (`node dist/bot/main.js`): the bot service's entry point. It only loads the service
 * (bot/service.ts) with a dynamic import, so that whatever must be in place before the service's
 * modules are first loaded — OpenTelemetry's instrumentation hooks — can be set up here first.
 */
await import('./service.js');
