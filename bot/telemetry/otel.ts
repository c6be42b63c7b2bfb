/**
 * The telemetry port over OpenTelemetry: a tracer and the instruments of base/telemetry.ts's
 * table, created from the providers given (the SDK's at start-up, in-memory ones in tests). The
 * instruments come from the meter passed in, never from the API's global meter: instruments made
 * before an SDK registers globally stay no-ops forever.
 */
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Counter,
  type Histogram,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import { METRICS, type MetricName, type Telemetry } from '../../base/telemetry.js';

export const INSTRUMENTATION_SCOPE = 'certify';

export function otelTelemetry(deps: { tracer: Tracer; meter: Meter }): Telemetry {
  const { tracer, meter } = deps;
  const counters = new Map<MetricName, Counter>();
  const histograms = new Map<MetricName, Histogram>();
  for (const [name, spec] of Object.entries(METRICS) as [MetricName, (typeof METRICS)[MetricName]][]) {
    const options = { unit: spec.unit, description: spec.description };
    if (spec.kind === 'counter') counters.set(name, meter.createCounter(name, options));
    else histograms.set(name, meter.createHistogram(name, options));
  }
  return {
    enabled: true,
    span(name, attributes, fn) {
      return tracer.startActiveSpan(name, { attributes }, context.active(), async (span) => {
        try {
          return await fn({ set: (more) => span.setAttributes(more) });
        } catch (e) {
          span.recordException(e instanceof Error ? e : String(e));
          span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
          throw e;
        } finally {
          span.end();
        }
      });
    },
    count(name, value = 1, attributes) {
      counters.get(name)?.add(value, attributes);
    },
    record(name, value, attributes) {
      histograms.get(name)?.record(value, attributes);
    },
    routeMatched(method, route) {
      const span = trace.getActiveSpan();
      // Only the instrumentation's server span: never rename a span of our own.
      if (!span || (span as unknown as { kind?: SpanKind }).kind !== SpanKind.SERVER) return;
      span.setAttribute('http.route', route);
      span.updateName(`${method} ${route}`);
    },
  };
}
