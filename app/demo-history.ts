/**
 * When the service runs the demo organisation, its history is seeded before the first trend is
 * drawn (services/demo-history.ts). Which configurations get one, and the demo source each day.
 */
import { DEFAULT_DEMO_PROFILE, DEMO_HISTORY_DAYS, demoSource } from '../scanner/sources/demo/index.js';
import { seedDemoHistory, type DemoHistoryOutcome } from '../services/demo-history.js';
import type { CertifyPorts } from '../services/scan.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Config } from './config.js';

/** Only the organisation profile of the demo source has a history; showcase and real tenants have none. */
export function wantsDemoHistory(config: Pick<Config, 'source' | 'demoProfile'>): boolean {
  return config.source.trim() === 'demo' && (config.demoProfile ?? DEFAULT_DEMO_PROFILE) === 'organisation';
}

/** Seeds the store when it holds no scan; null when the configuration has no demo history. */
export function demoHistorySeeder(
  config: Pick<Config, 'source' | 'demoProfile'>,
  deps: {
    ports: CertifyPorts;
    audit: Pick<AuditLog, 'append'> | null;
    clock: () => number;
  },
): (() => Promise<DemoHistoryOutcome>) | null {
  if (!wantsDemoHistory(config)) return null;
  // The seeded scans are the demo's own, not traced or counted as the service's scans.
  const ports: CertifyPorts = { ...deps.ports };
  delete ports.telemetry;
  return () =>
    seedDemoHistory({
      ports,
      sourceAsOf: (daysAgo) => demoSource({ profile: 'organisation', daysAgo }),
      audit: deps.audit,
      clock: deps.clock,
      days: DEMO_HISTORY_DAYS,
    });
}
