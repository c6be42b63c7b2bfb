/** readTelemetryEnv as a table of environments: what is exported where, and which values stop the start. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { isCertifyError } from '../../base/errors.js';
import {
  DEFAULT_METRIC_INTERVAL_MS,
  readTelemetryEnv,
  type TelemetryConfig,
} from '../../bot/telemetry/config.js';

const CS =
  'InstrumentationKey=00000000-0000-4000-8000-000000000001;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';

const on = (over: Partial<Extract<TelemetryConfig, { enabled: true }>>): TelemetryConfig => ({
  enabled: true,
  serviceName: 'certify',
  metricIntervalMs: DEFAULT_METRIC_INTERVAL_MS,
  otlp: null,
  azureMonitor: null,
  ...over,
});

const CASES: Array<[string, Record<string, string>, TelemetryConfig]> = [
  ['nothing set: off', {}, { enabled: false }],
  [
    'blank values: off',
    { OTEL_EXPORTER_OTLP_ENDPOINT: ' ', APPLICATIONINSIGHTS_CONNECTION_STRING: '' },
    { enabled: false },
  ],
  ['only the service name: off', { OTEL_SERVICE_NAME: 'x' }, { enabled: false }],
  [
    'OTLP endpoint: http/protobuf by default',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' },
    on({ otlp: { endpoint: 'http://localhost:4318', protocol: 'http/protobuf' } }),
  ],
  [
    'OTLP over http/json, a service name and an interval',
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/base/',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'certify-prod',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
    },
    on({
      serviceName: 'certify-prod',
      metricIntervalMs: 5000,
      otlp: { endpoint: 'https://otel.example.com/base/', protocol: 'http/json' },
    }),
  ],
  [
    'Azure Monitor',
    { APPLICATIONINSIGHTS_CONNECTION_STRING: CS },
    on({ azureMonitor: { connectionString: CS } }),
  ],
  [
    'both: Azure Monitor and OTLP',
    { APPLICATIONINSIGHTS_CONNECTION_STRING: CS, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
    on({
      azureMonitor: { connectionString: CS },
      otlp: { endpoint: 'http://collector:4318', protocol: 'http/protobuf' },
    }),
  ],
  [
    'OTEL_SDK_DISABLED=true wins',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_SDK_DISABLED: 'true' },
    { enabled: false },
  ],
];

const BAD: Array<[string, Record<string, string>, string[]]> = [
  [
    'unknown protocol',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    ['OTEL_EXPORTER_OTLP_PROTOCOL'],
  ],
  [
    'malformed endpoint',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318/v1' },
    ['OTEL_EXPORTER_OTLP_ENDPOINT'],
  ],
  ['not http(s)', { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }, ['OTEL_EXPORTER_OTLP_ENDPOINT']],
  [
    'connection string without InstrumentationKey',
    {
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'IngestionEndpoint=https://x.in.applicationinsights.azure.com/',
    },
    ['APPLICATIONINSIGHTS_CONNECTION_STRING: has no InstrumentationKey'],
  ],
  [
    'connection string without IngestionEndpoint',
    { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc' },
    ['APPLICATIONINSIGHTS_CONNECTION_STRING: has no IngestionEndpoint'],
  ],
  [
    'not a connection string at all, and a bad interval',
    { APPLICATIONINSIGHTS_CONNECTION_STRING: 'secret-value-123', OTEL_METRIC_EXPORT_INTERVAL: '1.5s' },
    [
      'APPLICATIONINSIGHTS_CONNECTION_STRING: has no InstrumentationKey',
      'APPLICATIONINSIGHTS_CONNECTION_STRING: has no IngestionEndpoint',
      'OTEL_METRIC_EXPORT_INTERVAL',
    ],
  ],
  [
    'a zero interval',
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318', OTEL_METRIC_EXPORT_INTERVAL: '0' },
    ['OTEL_METRIC_EXPORT_INTERVAL'],
  ],
];

describe('readTelemetryEnv', () => {
  for (const [name, env, expected] of CASES) {
    it(name, () => assert.deepEqual(readTelemetryEnv(env), expected));
  }
  for (const [name, env, named] of BAD) {
    it(`stops the start: ${name}`, () => {
      try {
        readTelemetryEnv(env);
        assert.fail('expected a configuration error');
      } catch (e) {
        assert.ok(isCertifyError(e), String(e));
        assert.equal(e.exitCode, 2);
        assert.equal(e.problems.length, named.length, e.problems.join('\n'));
        named.forEach((prefix, i) => assert.ok(e.problems[i]!.startsWith(prefix), e.problems[i]));
        // A connection string is a credential: it is never echoed.
        for (const p of e.problems) assert.ok(!p.includes('secret-value-123'), p);
      }
    });
  }
});
