/**
 * Which telemetry the service exports, read from the environment (pure: no SDK is loaded here).
 *
 * - APPLICATIONINSIGHTS_CONNECTION_STRING: Azure Monitor (@azure/monitor-opentelemetry).
 * - OTEL_EXPORTER_OTLP_ENDPOINT: OTLP over HTTP; OTEL_EXPORTER_OTLP_PROTOCOL `http/protobuf`
 *   (default) or `http/json`; OTEL_EXPORTER_OTLP_HEADERS is read by the exporters themselves.
 * - Both: Azure Monitor, and the same spans and metrics over OTLP as well.
 * - Neither (or OTEL_SDK_DISABLED=true): off, and nothing of OpenTelemetry is loaded.
 * OTEL_SERVICE_NAME (default `certify`) names the service; OTEL_METRIC_EXPORT_INTERVAL (ms,
 * default 60000) is how often metrics are exported.
 */
import { CertifyError } from '../../base/errors.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type TelemetryConfig =
  | { enabled: false }
  | {
      enabled: true;
      serviceName: string;
      metricIntervalMs: number;
      /** OTLP base endpoint; the exporters add /v1/traces and /v1/metrics. */
      otlp: { endpoint: string; protocol: OtlpProtocol } | null;
      azureMonitor: { connectionString: string } | null;
    };

export const DEFAULT_METRIC_INTERVAL_MS = 60_000;
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];

type Env = Readonly<Record<string, string | undefined>>;

function get(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `Key=Value;Key=Value` pairs (keys case-insensitive, as Application Insights reads them). */
function connectionStringParts(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) parts.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  return parts;
}

export function readTelemetryEnv(env: Env): TelemetryConfig {
  const connectionString = get(env, 'APPLICATIONINSIGHTS_CONNECTION_STRING');
  const endpoint = get(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (get(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return { enabled: false };
  if (connectionString === undefined && endpoint === undefined) return { enabled: false };

  const problems: string[] = [];
  if (connectionString !== undefined) {
    const parts = connectionStringParts(connectionString);
    // Never echo the value: it carries the instrumentation key.
    if (!parts.get('instrumentationkey'))
      problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING: has no InstrumentationKey=…');
    const ingestion = parts.get('ingestionendpoint');
    if (!ingestion) problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING: has no IngestionEndpoint=…');
    else if (!isHttpUrl(ingestion))
      problems.push('APPLICATIONINSIGHTS_CONNECTION_STRING: IngestionEndpoint is not an http(s) URL');
  }
  let protocol: OtlpProtocol = 'http/protobuf';
  if (endpoint !== undefined) {
    if (!isHttpUrl(endpoint))
      problems.push(
        `OTEL_EXPORTER_OTLP_ENDPOINT: "${endpoint}" is not an http(s) URL; set e.g. http://localhost:4318`,
      );
    const asked = get(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
    if (asked !== undefined) {
      if ((PROTOCOLS as readonly string[]).includes(asked)) protocol = asked as OtlpProtocol;
      else
        problems.push(
          `OTEL_EXPORTER_OTLP_PROTOCOL: "${asked}" is not supported; set http/protobuf (the default) or http/json`,
        );
    }
  }
  const intervalText = get(env, 'OTEL_METRIC_EXPORT_INTERVAL');
  const metricIntervalMs = intervalText === undefined ? DEFAULT_METRIC_INTERVAL_MS : Number(intervalText);
  if (!Number.isInteger(metricIntervalMs) || metricIntervalMs < 1) {
    problems.push(
      `OTEL_METRIC_EXPORT_INTERVAL: "${intervalText}" is not a whole number of milliseconds above 0; set e.g. 60000 (the default)`,
    );
  }
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'the telemetry configuration has problems',
      problems,
      'fix the variables named above (in the environment or in .env), or unset them to turn telemetry off',
    );
  }
  return {
    enabled: true,
    serviceName: get(env, 'OTEL_SERVICE_NAME') ?? 'certify',
    metricIntervalMs,
    otlp: endpoint === undefined ? null : { endpoint, protocol },
    azureMonitor: connectionString === undefined ? null : { connectionString },
  };
}
