/**
 * `--import` this (after tsx) to run a bench with telemetry as the service runs it (bot/main.ts):
 * when OTEL_EXPORTER_OTLP_ENDPOINT or APPLICATIONINSIGHTS_CONNECTION_STRING is set, the HTTP hook
 * is registered and the SDK started before the bench's modules load; the bench picks the port up
 * with benchTelemetry(). Without either variable it does nothing, as the service does.
 *
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
 *     node --import tsx --import ./test/bench/telemetry-preload.ts test/bench/bot.bench.ts
 */
import { readTelemetryEnv } from '../../bot/telemetry/config.js';
import { registerHttpHook } from '../../bot/telemetry/hook.js';
import type { TelemetryRuntime } from '../../bot/telemetry/start.js';

const KEY = Symbol.for('certify.bench.telemetry');

const config = readTelemetryEnv(process.env);
if (config.enabled) {
  registerHttpHook();
  const { startTelemetry } = await import('../../bot/telemetry/start.js');
  (globalThis as Record<symbol, unknown>)[KEY] = await startTelemetry(config, { version: 'bench' });
}

/** The telemetry the preload started, if it ran with telemetry configured. */
export function benchTelemetry(): TelemetryRuntime | undefined {
  return (globalThis as Record<symbol, TelemetryRuntime | undefined>)[KEY];
}
