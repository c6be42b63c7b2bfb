/**
 * Starts OpenTelemetry for the bot service (loaded by bot/main.ts only when telemetry is on, so
 * an unconfigured service loads none of it). Spans and metrics go to Azure Monitor, to an OTLP
 * endpoint, or to both (see config.ts); node:http and node:https are instrumented, so every
 * request the service answers is a server span and every call it makes (Azure, Slack, Teams) a
 * client span under whatever span was active when it was made.
 *
 * The ESM loader hook that lets the instrumentation patch `import … from 'node:http'` is
 * registered by bot/main.ts before this module (and the service) are loaded.
 */
import { metrics, trace } from '@opentelemetry/api';
import { HttpInstrumentation, type HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  PeriodicExportingMetricReader,
  type MetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from '../../base/telemetry.js';
import type { TelemetryConfig } from './config.js';
import { INSTRUMENTATION_SCOPE, otelTelemetry } from './otel.js';

export interface TelemetryRuntime {
  telemetry: Telemetry;
  /** Where telemetry goes, for the start-up line (no secrets). */
  readonly exporters: readonly string[];
  /** Exports what is buffered and stops the SDK (graceful shutdown). */
  shutdown(): Promise<void>;
}

type Enabled = Extract<TelemetryConfig, { enabled: true }>;

async function otlpExporters(
  otlp: NonNullable<Enabled['otlp']>,
): Promise<{ spans: SpanExporter; metrics: PushMetricExporter }> {
  const base = otlp.endpoint.replace(/\/+$/, '');
  // OTEL_EXPORTER_OTLP_HEADERS (and timeouts, compression) are read by the exporters themselves.
  if (otlp.protocol === 'http/json') {
    const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
    return {
      spans: new OTLPTraceExporter({ url: `${base}/v1/traces` }),
      metrics: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
    };
  }
  const [{ OTLPTraceExporter }, { OTLPMetricExporter }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/exporter-metrics-otlp-proto'),
  ]);
  return {
    spans: new OTLPTraceExporter({ url: `${base}/v1/traces` }),
    metrics: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
  };
}

/** Paths whose last segment is a bearer token (single-use download links): never recorded. */
const TOKEN_PATH = '/downloads/';
/** The Event Grid route, whose query string holds a credential: never recorded. */
const EVENTGRID_PATH = '/api/eventgrid';

/**
 * Inbound and outbound HTTP. The health probes are not worth a trace each; a download link's
 * token is replaced in the server span's path, as the request log line does (bot/server.ts).
 */
export const HTTP_INSTRUMENTATION_CONFIG: HttpInstrumentationConfig = {
  ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/readyz',
  startIncomingSpanHook: (req) =>
    req.url?.startsWith(TOKEN_PATH)
      ? { 'url.path': `${TOKEN_PATH}…`, 'http.target': `${TOKEN_PATH}…`, 'url.query': '' }
      : // Event Grid's delivery URL carries its key in the query (?key=, bot/eventgrid/).
        req.url?.startsWith(EVENTGRID_PATH)
        ? { 'url.query': '' }
        : {},
};

export async function startTelemetry(
  config: Enabled,
  service: { version: string },
): Promise<TelemetryRuntime> {
  const resource = resourceFromAttributes({
    'service.name': config.serviceName,
    'service.version': service.version,
  });
  const spanProcessors: SpanProcessor[] = [];
  const metricReaders: MetricReader[] = [];
  const exporters: string[] = [];
  if (config.otlp) {
    const otlp = await otlpExporters(config.otlp);
    spanProcessors.push(new BatchSpanProcessor(otlp.spans));
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: otlp.metrics,
        exportIntervalMillis: config.metricIntervalMs,
        exportTimeoutMillis: Math.min(30_000, config.metricIntervalMs),
      }),
    );
    exporters.push(`OTLP ${config.otlp.protocol} to ${config.otlp.endpoint}`);
  }

  let stop: () => Promise<void>;
  if (config.azureMonitor) {
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    // Azure Monitor's distro starts the SDK; the OTLP processors and readers, if any, ride along.
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: config.azureMonitor.connectionString },
      resource,
      enableLiveMetrics: false,
      instrumentationOptions: {
        http: { enabled: true, ...HTTP_INSTRUMENTATION_CONFIG },
        azureSdk: { enabled: false },
        mongoDb: { enabled: false },
        mySql: { enabled: false },
        postgreSql: { enabled: false },
        redis: { enabled: false },
        redis4: { enabled: false },
        bunyan: { enabled: false },
        winston: { enabled: false },
      },
      spanProcessors,
      metricReaders,
    });
    stop = shutdownAzureMonitor;
    exporters.unshift('Azure Monitor');
  } else {
    const { NodeSDK } = await import('@opentelemetry/sdk-node');
    const sdk = new NodeSDK({
      resource,
      autoDetectResources: false,
      spanProcessors,
      metricReaders,
      // Logs stay on stdout (one JSON line per event): no log exporter.
      logRecordProcessors: [],
      instrumentations: [new HttpInstrumentation(HTTP_INSTRUMENTATION_CONFIG)],
    });
    sdk.start();
    stop = () => sdk.shutdown();
  }
  // The providers the SDK just registered: instruments made from them export.
  const telemetry = otelTelemetry({
    tracer: trace.getTracer(INSTRUMENTATION_SCOPE, service.version),
    meter: metrics.getMeter(INSTRUMENTATION_SCOPE, service.version),
  });
  return { telemetry, exporters, shutdown: stop };
}
