/**
 * `npm start` (`node dist/bot/main.js`): the bot service's entry point. Telemetry comes first:
 * when APPLICATIONINSIGHTS_CONNECTION_STRING or OTEL_EXPORTER_OTLP_ENDPOINT is set, the ESM
 * loader hook that lets OpenTelemetry patch node:http / node:https is registered and the SDK is
 * started before the service's modules are loaded (a dynamic import), so their outbound calls
 * are traced. When neither is set, nothing of the OpenTelemetry SDK is loaded.
 */
/* eslint-disable no-console -- a telemetry configuration error is printed like the service's own */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isCertifyError } from '../base/errors.js';
import { packageInfo } from '../base/package-info.js';
import { readTelemetryEnv, type TelemetryConfig } from './telemetry/config.js';
import { registerHttpHook } from './telemetry/hook.js';
import type { TelemetryRuntime } from './telemetry/start.js';

// Node's own .env reader, as the service does: telemetry variables may be set there too.
const envFile = join(process.cwd(), '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);

let config: TelemetryConfig;
try {
  config = readTelemetryEnv(process.env);
} catch (e) {
  if (!isCertifyError(e)) throw e;
  console.error([`error: ${e.message}`, ...e.problems.map((p) => `  - ${p}`), `hint: ${e.hint}`].join('\n'));
  process.exit(e.exitCode);
}

let runtime: TelemetryRuntime | undefined;
if (config.enabled) {
  registerHttpHook();
  const { startTelemetry } = await import('./telemetry/start.js');
  runtime = await startTelemetry(config, { version: packageInfo().version });
}

const { startService } = await import('./service.js');
startService(runtime);
