/**
 * The telemetry port over in-memory OpenTelemetry providers (no global tracer or meter
 * provider): the spans ended so far and the metric points collected on demand. Parent/child
 * links need an active context across awaits, so an AsyncLocalStorage context manager is set as
 * the API's global one once per test process, as the SDK does in the service.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { Telemetry } from '../../base/telemetry.js';
import { otelTelemetry } from '../../bot/telemetry/otel.js';

class AsyncLocalContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => this.with(ctx, () => fn(...args))) as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

let contextSet = false;

/** Collects on demand: what a periodic reader would export. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricPoint {
  attributes: Record<string, unknown>;
  /** A counter's sum, or a histogram's count of recordings. */
  value: number;
  /** A histogram's sum of recorded values. */
  sum?: number;
  unit: string;
}

export interface MemoryTelemetry {
  telemetry: Telemetry;
  spans(): ReadableSpan[];
  /** Every point of every instrument, by instrument name. */
  metrics(): Promise<Map<string, MetricPoint[]>>;
  shutdown(): Promise<void>;
}

export function memoryTelemetry(): MemoryTelemetry {
  if (!contextSet) {
    context.setGlobalContextManager(new AsyncLocalContextManager());
    contextSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = otelTelemetry({
    tracer: tracerProvider.getTracer('certify'),
    meter: meterProvider.getMeter('certify'),
  });
  return {
    telemetry,
    spans: () => exporter.getFinishedSpans(),
    async metrics() {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, MetricPoint[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          const points = metric.dataPoints.map((p): MetricPoint => {
            if (metric.dataPointType === DataPointType.HISTOGRAM) {
              const h = p.value as { count: number; sum?: number };
              return {
                attributes: { ...p.attributes },
                value: h.count,
                ...(h.sum !== undefined ? { sum: h.sum } : {}),
                unit: metric.descriptor.unit,
              };
            }
            return {
              attributes: { ...p.attributes },
              value: p.value as number,
              unit: metric.descriptor.unit,
            };
          });
          out.set(metric.descriptor.name, [...(out.get(metric.descriptor.name) ?? []), ...points]);
        }
      }
      return out;
    },
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The span named `name` (exactly one), asserted. */
export function onlySpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1)
    throw new Error(
      `expected one ${name} span, found ${found.length}: ${spans.map((s) => s.name).join(', ')}`,
    );
  return found[0]!;
}

/** The parent span id of `span` (undefined for a root). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
