/**
 * The application core that the CLI and the bot share: collect from a source, evaluate the
 * built-in and custom rules with the organisation parameters, map to frameworks, save. Every port (stores, id generator,
 * clock) is passed in; nothing here builds a client on import.
 */
import { randomBytes } from 'node:crypto';
import { NO_TELEMETRY, secondsSince, sourceKind, type Telemetry } from '../base/telemetry.js';
import { FRAMEWORKS } from '../scanner/frameworks/index.js';
import type { Inventory } from '../scanner/inventory/types.js';
import { BUILTIN_RULES } from '../scanner/rules/builtin/index.js';
import { compileCustomRule } from '../scanner/rules/custom.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import type { OrgParameters } from '../scanner/rules/parameters.js';
import { effectiveParameters } from '../scanner/rules/parameters-check.js';
import type { Rule } from '../scanner/rules/types.js';
import { runScan, type ScanResult } from '../scanner/scan.js';
import type { CollectContext, Source } from '../scanner/sources/types.js';
import type { CustomRuleStore } from '../store/custom-rules.js';
import type { ParameterStore } from '../store/parameters.js';
import type { ScanStore } from '../store/scans.js';
import { summarize } from '../scanner/summary.js';
import type { SnapshotStore } from '../store/snapshots.js';
import { enrichInventory, readExtras, type ScanExtras } from './enrich.js';
import type { AuditLog } from '../store/audit-log.js';
import { scanSavedEvent } from '../evidence/scan-record.js';
import type { Actor } from '../evidence/types.js';
import type { ParameterService } from './parameters.js';

export interface CertifyPorts {
  scans: ScanStore<ScanResult>;
  customRules: CustomRuleStore;
  /** The organisation parameters set in the data dir; every scan over these ports evaluates with them. */
  parameters: ParameterStore;
  newScanId: (now: number) => string;
  /** Inventory + result of each saved scan, so evidence for a past period can be rebuilt. */
  snapshots: SnapshotStore<Inventory, ScanResult>;
  /** What the service adds to every scan (provenance certificates, its rotations); set by the wiring. */
  extras?: ScanExtras;
  /** Where each scan's span, duration and asset count go (default: nowhere); set by the wiring. */
  telemetry?: Telemetry;
}

/** Sortable, unguessable scan ids: `scan-20261123T060000Z-1a2b3c4d`. */
export function defaultScanId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `scan-${stamp}-${randomBytes(4).toString('hex')}`;
}

/** Built-in rules followed by the enabled custom rules. */
export function activeRules(custom: readonly CustomRuleDef[]): Rule[] {
  return [...BUILTIN_RULES, ...custom.filter((d) => d.enabled).map(compileCustomRule)];
}

export function evaluateInventory(
  inventory: Inventory,
  opts: {
    custom: readonly CustomRuleDef[];
    now: number;
    source: string;
    scanId: string;
    /** Default: DEFAULT_PARAMETERS. */
    parameters?: OrgParameters;
  },
): ScanResult {
  return runScan({
    inventory,
    rules: activeRules(opts.custom),
    frameworks: FRAMEWORKS,
    now: opts.now,
    source: opts.source,
    scanId: opts.scanId,
    ...(opts.parameters ? { parameters: opts.parameters } : {}),
  });
}

export interface ScanRun {
  inventory: Inventory;
  result: ScanResult;
}

/**
 * Where a saved scan is recorded and for whom: evidence is built from saved scans, so each one
 * is an operator audit entry. `clock` stamps the entry with real time, whatever "as of" `now`
 * the scan was evaluated at.
 */
export interface ScanAudit {
  log: Pick<AuditLog, 'append'>;
  actor: Actor;
  clock: () => number;
}

/**
 * A scan that is saved must say where it is recorded; `audit: null` is for wirings without an
 * operator audit log (tests, a core built without one), never a default.
 */
export type ScanOptions = CollectContext & {
  /** The organisation parameters to evaluate with; default: those set in `ports.parameters`. */
  parameters?: OrgParameters;
} & ({ save: false } | { save: true; audit: ScanAudit | null });

/**
 * Collects from the source and evaluates; saves (and records) the result when `save` is set. A
 * span `certify.scan` covers it (the source's outbound calls below it), with its duration and
 * the assets collected as metrics.
 */
export async function scan(ports: CertifyPorts, source: Source, ctx: ScanOptions): Promise<ScanRun> {
  const telemetry = ports.telemetry ?? NO_TELEMETRY;
  if (!telemetry.enabled) return scanUntraced(ports, source, ctx);
  const attributes = { 'certify.source': sourceKind(source.id), 'certify.saved': ctx.save };
  const t0 = performance.now();
  return telemetry.span('certify.scan', attributes, async (span) => {
    let outcome = 'error';
    try {
      const run = await scanUntraced(ports, source, ctx);
      outcome = 'ok';
      const assets = assetCount(run.inventory);
      span.set({ 'certify.assets': assets });
      if (typeof run.result.score === 'number') span.set({ 'certify.score': run.result.score });
      telemetry.count('certify.scan.assets', assets, { 'certify.source': attributes['certify.source'] });
      return run;
    } finally {
      span.set({ 'certify.outcome': outcome });
      telemetry.record('certify.scan.duration', secondsSince(t0), {
        ...attributes,
        'certify.outcome': outcome,
      });
    }
  });
}

/** Secrets, keys and certificates: what a scan evaluates. */
function assetCount(inventory: Inventory): number {
  return inventory.secrets.length + inventory.keys.length + inventory.certificates.length;
}

async function scanUntraced(ports: CertifyPorts, source: Source, ctx: ScanOptions): Promise<ScanRun> {
  const notices: string[] = [];
  // The source gets what it collects with, not the audit port.
  const { now, onProgress, signal } = ctx;
  // Read before collecting: an unreadable parameters file stops the scan before a long collection.
  const parameters = ctx.parameters ?? effectiveParameters(await ports.parameters.values());
  const collected = await source.collect({
    now,
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
    onNotice: (message) => {
      notices.push(message);
      ctx.onNotice?.(message);
    },
  });
  const inventory = ports.extras
    ? enrichInventory(collected, await readExtras(ports.extras, source.id))
    : collected;
  // After the collection, a million-asset scan still takes seconds to evaluate and more to save.
  const total = ctx.save ? 4 : 1;
  const step = (phase: string, done: number) => onProgress?.({ phase, done, total, unit: 'steps' });
  step('evaluating', 0);
  const evaluated = evaluateInventory(inventory, {
    custom: await ports.customRules.list(),
    now: ctx.now,
    source: source.id,
    scanId: ports.newScanId(ctx.now),
    parameters,
  });
  const result: ScanResult = notices.length > 0 ? { ...evaluated, notices } : evaluated;
  step('evaluated', 1);
  if (ctx.save) {
    step('saving the snapshot', 1);
    // Snapshot first: a scan in the history always has its evidence (a crash in between leaves
    // an orphan snapshot, which pruning removes in time).
    const saved = await ports.snapshots.save({
      scanId: result.scanId,
      now: result.now,
      source: result.source,
      inventory,
      result,
    });
    // Recorded before it joins the history: every scan evidence can be built from is in the log.
    step('recording the scan in the audit log', 2);
    if (ctx.audit) {
      const { log, actor, clock } = ctx.audit;
      await log.append(scanSavedEvent(result, saved.inventorySha256, actor), clock());
    }
    step('saving the result and history', 3);
    // The snapshot just saved holds the result: a store that reads it from there keeps it once.
    await ports.scans.save(result, summarize(result), { snapshotted: true });
    step('saved', 4);
  }
  return { inventory, result };
}

/** Who a saved scan is recorded for, and the real-time clock its audit entry is stamped with. */
export interface ScanBy {
  actor: Actor;
  clock: () => number;
}

/** What a scan collects with, and whether (and for whom) it is saved. */
export type ScanRequest = CollectContext & {
  /** Where to collect from instead of the service's source (the CLI's `--source`). */
  source?: Source;
} & ({ save: false } | { save: true; by: ScanBy });

/** Scans as one service for every edge: each saved scan is snapshotted, recorded and saved alike. */
export interface ScanService {
  run(request: ScanRequest): Promise<ScanRun>;
  /** The latest saved scan; when there is none yet, a scan run (of `source`, if given) and saved now for `by`. */
  latestOrFresh(now: number, by: ScanBy, source?: Source): Promise<ScanResult>;
}

/**
 * `source` is called when a scan needs it (so a CLI scan of another source never builds the
 * configured one); `audit: null` is for wirings without an operator audit log.
 */
export function createScanService(deps: {
  ports: CertifyPorts;
  source: () => Source;
  audit: Pick<AuditLog, 'append'> | null;
  /** The organisation parameters' service; without it, the values set in `ports.parameters`. */
  parameters?: Pick<ParameterService, 'effective'>;
}): ScanService {
  const run = async (request: ScanRequest): Promise<ScanRun> => {
    const { source, now, onProgress, onNotice, signal } = request;
    const parameters = deps.parameters
      ? await deps.parameters.effective()
      : effectiveParameters(await deps.ports.parameters.values());
    const collect: CollectContext & { parameters: OrgParameters } = {
      now,
      parameters,
      ...(onProgress ? { onProgress } : {}),
      ...(onNotice ? { onNotice } : {}),
      ...(signal ? { signal } : {}),
    };
    const from = source ?? deps.source();
    if (!request.save) return scan(deps.ports, from, { ...collect, save: false });
    const { actor, clock } = request.by;
    const audit = deps.audit ? { log: deps.audit, actor, clock } : null;
    return scan(deps.ports, from, { ...collect, save: true, audit });
  };
  return {
    run,
    async latestOrFresh(now, by, source) {
      const latest = await deps.ports.scans.latest();
      if (latest !== null) return latest;
      return (await run({ now, save: true, by, ...(source ? { source } : {}) })).result;
    },
  };
}
