/**
 * The demo tenant: a seeded, synthetic "Contoso". The `showcase` profile has the untidiness of a
 * real one everywhere: every built-in rule finds assets on both sides, so a demo scan shows
 * passing and failing evidence for each. Two rules cannot, by the tenant's nature: SYN003 judges
 * the one sync worker, kept alive here (its failing case lives in the rule tests), and P005 fails
 * only for the one vault the scanner cannot list. The `organisation` profile (the default) is
 * that tenant after a company's housekeeping (organisation.ts).
 */
import type { Inventory } from '../../inventory/types.js';
import { INVENTORY_SCHEMA } from '../../inventory/types.js';
import {
  addBrokenReferences,
  buildRotation,
  buildRotationEvents,
  buildSync,
  buildSyncWorker,
} from './activity.js';
import { buildAssets } from './assets.js';
import { IsoClock } from './clock.js';
import { organise } from './organisation.js';
import { DEMO_DEFAULT_SEED, DEMO_DEFAULT_SIZE, demoPlan } from './plan.js';
import { DEFAULT_DEMO_PROFILE, DEMO_PROFILES, type DemoProfile } from './profile.js';
import { buildProvenance } from './provenance.js';
import { Rng } from './random.js';
import { buildTenant } from './tenant.js';

export interface DemoOptions {
  /** Default 1. */
  seed?: number;
  /** Vault assets (secrets, managed ones included, + keys + certificates). Default 150. */
  size?: number;
  /** Epoch ms every date is relative to. */
  now: number;
  /** Default `organisation`; `showcase` is the tenant where every rule has both sides. */
  profile?: DemoProfile;
  /**
   * Organisation profile only: the tenant as it was this many days before today's state, fixes
   * made since undone (the seeded history). Default 0; dates stay relative to `now`.
   */
  daysAgo?: number;
}

/**
 * Same seed, size, profile, `daysAgo` and `now` give a byte-identical inventory; `now` moves every
 * date with it.
 */
export function generateDemoInventory(opts: DemoOptions): Inventory {
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;
  const size = opts.size ?? DEMO_DEFAULT_SIZE;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`demo seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`demo size must be a non-negative integer, got ${size}`);
  }
  if (!Number.isFinite(opts.now)) throw new RangeError('demo: now must be a finite epoch time in ms');
  const profile = opts.profile ?? DEFAULT_DEMO_PROFILE;
  if (!DEMO_PROFILES.includes(profile)) {
    throw new RangeError(`demo profile must be one of ${DEMO_PROFILES.join(', ')}, got ${String(profile)}`);
  }
  const daysAgo = opts.daysAgo ?? 0;
  if (!Number.isSafeInteger(daysAgo) || daysAgo < 0) {
    throw new RangeError(`demo daysAgo must be a non-negative integer, got ${daysAgo}`);
  }
  const organisation = profile === 'organisation';

  const rng = new Rng(seed);
  const clock = new IsoClock(opts.now);
  const tenant = buildTenant(demoPlan(size), rng, clock, !organisation);
  const assets = buildAssets(tenant);
  addBrokenReferences(tenant, assets);
  const { appRegistrations, rotationPolicies } = buildRotation(tenant, assets);
  const rotationEvents = buildRotationEvents(tenant, assets);
  const syncRecords = buildSync(tenant, assets);
  const syncWorker = buildSyncWorker(tenant);
  if (organisation) {
    organise(tenant, assets, { appRegistrations, rotationPolicies, rotationEvents, syncRecords }, daysAgo);
  }
  // Last: it draws after everything else, so the assets above do not depend on it.
  const provenance = buildProvenance(tenant, assets, seed);

  return {
    schema: INVENTORY_SCHEMA,
    tenantId: tenant.tenantId,
    collectedAt: clock.at(0),
    vaults: tenant.vaults.map((dv) => dv.vault),
    secrets: assets.secrets,
    keys: assets.keys,
    certificates: assets.certificates,
    resources: tenant.apps,
    dependencies: assets.dependencies,
    appRegistrations,
    rotationPolicies,
    rotationEvents,
    syncRecords,
    syncWorker,
    provenance,
  };
}
