/**
 * A child process for test/bot/telemetry-process.test.ts: starts telemetry as bot/main.ts does
 * (with the ESM loader hook when HOOK=1, without it otherwise), then loads a module that makes an
 * outbound call through a *named* ESM import of node:http (`import { get } from 'node:http'`),
 * inside a span, and flushes. Only the loader hook lets the instrumentation patch such an import.
 */
import { readTelemetryEnv } from '../../bot/telemetry/config.js';
import { registerHttpHook } from '../../bot/telemetry/hook.js';

const config = readTelemetryEnv(process.env);
if (!config.enabled) throw new Error('set OTEL_EXPORTER_OTLP_ENDPOINT');
if (process.env.HOOK === '1') registerHttpHook();
const { startTelemetry } = await import('../../bot/telemetry/start.js');
const runtime = await startTelemetry(config, { version: 'test' });
const { getOnce } = await import('./named-http-import.js');
await runtime.telemetry.span('hook-check', {}, () => getOnce(process.env.TARGET_URL!));
await runtime.shutdown();
