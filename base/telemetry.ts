/**
 * The telemetry port: spans and metrics, passed in from the composition root like every other
 * port. The default does nothing and loads nothing; bot/telemetry/ builds one over OpenTelemetry
 * when telemetry is configured (OTLP or Azure Monitor), and tests build one over in-memory
 * providers. Attribute values are low-cardinality names (a command name, a channel kind, an
 * outcome); never user text, ids of people, or tokens.
 */

export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/** What a running span lets its body add: attributes known only at the end (an outcome, a count). */
export interface TelemetrySpan {
  set(attributes: TelemetryAttributes): void;
}

/** Every instrument, with its kind, unit and meaning: the one table the README's metric table is. */
export const METRICS = {
  'certify.command.duration': {
    kind: 'histogram',
    unit: 's',
    description: 'Time to answer a chat command or a button press',
  },
  'certify.scan.duration': {
    kind: 'histogram',
    unit: 's',
    description: 'Time to collect, evaluate and save a scan',
  },
  'certify.scan.assets': { kind: 'counter', unit: '{asset}', description: 'Assets collected by scans' },
  'certify.azure.requests': {
    kind: 'counter',
    unit: '{request}',
    description: 'Requests sent to Azure (ARM, Key Vault, Graph), each retry counted',
  },
  'certify.azure.throttled': {
    kind: 'counter',
    unit: '{request}',
    description: 'Azure requests answered 429 Too Many Requests',
  },
  'certify.http.server.requests': {
    kind: 'counter',
    unit: '{request}',
    description: 'HTTP requests the bot service answered',
  },
  'certify.alerts.sent': { kind: 'counter', unit: '{card}', description: 'Alert cards posted to a channel' },
  'certify.alerts.failed': {
    kind: 'counter',
    unit: '{card}',
    description: 'Alert cards given up on (claims released for the next run)',
  },
  'certify.evidence.build.duration': {
    kind: 'histogram',
    unit: 's',
    description: 'Time to build an evidence bundle (one attempt of the build job)',
  },
} as const;

export type MetricName = keyof typeof METRICS;
export type CounterName = {
  [K in MetricName]: (typeof METRICS)[K]['kind'] extends 'counter' ? K : never;
}[MetricName];
export type HistogramName = Exclude<MetricName, CounterName>;

export interface Telemetry {
  /** False for the no-op port: lets a caller skip work done only to feed telemetry. */
  readonly enabled: boolean;
  /**
   * Runs `fn` inside a span that is the active context for all it starts (child spans, outbound
   * HTTP client spans). A throw marks the span as an error and is rethrown.
   */
  span<T>(name: string, attributes: TelemetryAttributes, fn: (span: TelemetrySpan) => Promise<T>): Promise<T>;
  count(name: CounterName, value?: number, attributes?: TelemetryAttributes): void;
  record(name: HistogramName, value: number, attributes?: TelemetryAttributes): void;
  /**
   * Names the HTTP server span of the request being handled (made by the HTTP instrumentation)
   * after the route that matched, e.g. `POST /slack/events` with `http.route` `/slack/events`.
   */
  routeMatched(method: string, route: string): void;
}

const NOTHING: TelemetrySpan = { set: () => undefined };

/** The default: no spans, no metrics, no dependency loaded. */
export const NO_TELEMETRY: Telemetry = {
  enabled: false,
  span: (_name, _attributes, fn) => fn(NOTHING),
  count: () => undefined,
  record: () => undefined,
  routeMatched: () => undefined,
};

/** Seconds since `start` (a performance.now() reading), for the duration histograms. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** The kind of a source id (`snapshot:path/x.json` → `snapshot`): a bounded attribute value. */
export function sourceKind(id: string): string {
  const colon = id.indexOf(':');
  return colon < 0 ? id : id.slice(0, colon);
}
