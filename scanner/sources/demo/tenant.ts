/**
 * The shape of the demo tenant: subscriptions, vaults and the apps that consume their secrets.
 * Assets and activity are added by assets.ts and activity.ts.
 */
import type { Resource, ResourceSetting, Tags, Vault } from '../../inventory/types.js';
import {
  ACCESS_ERROR,
  COMPONENTS,
  DEMO_ROTATION_VAULT,
  ENV_GROUPS,
  ENVS,
  FUNCTION_SETTINGS,
  FUNCTION_STORAGE_BY_IDENTITY,
  FUNCTION_STORAGE_BY_KEY,
  HARDCODED_SETTINGS,
  REGIONS,
  STRIDES,
  TEAMS,
  WEB_SETTINGS,
  type Env,
} from './catalog.js';
import type { IsoClock } from './clock.js';
import type { DemoPlan } from './plan.js';
import { Deck, quota, split, type Rng } from './random.js';

export const EMPTY_TAGS: Tags = Object.freeze({});

export interface DemoVault {
  vault: Vault;
  team: string;
  /** Index in TEAMS. */
  teamIndex: number;
  env: Env;
  /** Index in ENVS. */
  envIndex: number;
  premium: boolean;
  /** Relative share of the tenant's assets and apps. */
  weight: number;
  /** Shared tag objects for the vault's assets; inventories are read-only. */
  tagSets: readonly Tags[];
  secretCount: number;
  keyCount: number;
  certificateCount: number;
  /** Apps living next to the vault (same resource group): `tenant.apps[appStart, appStart + appCount)`. */
  appStart: number;
  appCount: number;
  /** Its secrets with `managed: false`: `tenant.plainSecrets[plainStart, plainStart + plainCount)`. */
  plainStart: number;
  plainCount: number;
}

export interface Tenant {
  rng: Rng;
  clock: IsoClock;
  plan: DemoPlan;
  tenantId: string;
  vaults: DemoVault[];
  /** Vaults whose data plane could be listed. */
  dataVaults: DemoVault[];
  /** The vault the scanner could not list, if any. */
  blockedVault: DemoVault | null;
  apps: Resource[];
  /** Home vault of each app, by index. */
  appHome: DemoVault[];
  /** Broken references already given to each app, so their setting names stay unique. */
  brokenPerApp: Uint16Array;
}

/** A stride coprime with `n`, so that `(offset + k * stride) % n` visits every entry once. */
export function strideFor(n: number, rng: Rng): number {
  const fits = STRIDES.filter((p) => n % p !== 0);
  return fits.length > 0 ? rng.pick(fits) : 1;
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface VaultSlot {
  team: number;
  env: number;
  region: number;
  round: number;
}

/**
 * Vault names in the order a company grows: each team gets prod and dev in its home region, then
 * staging and test, then the other regions. Past every combination a digit keeps names unique.
 */
function vaultSlots(count: number, teamHome: readonly number[]): VaultSlot[] {
  const slots: VaultSlot[] = [];
  for (let round = 0; slots.length < count; round++) {
    for (let r = 0; r < REGIONS.length && slots.length < count; r++) {
      for (const group of ENV_GROUPS) {
        for (let t = 0; t < TEAMS.length && slots.length < count; t++) {
          for (const env of group) {
            if (slots.length >= count) break;
            slots.push({ team: t, env, region: ((teamHome[t] ?? 0) + r) % REGIONS.length, round });
          }
        }
      }
    }
  }
  return slots;
}

/** Splits `n` over `weights`; with `n ≥ weights.length` each one gets at least one. */
export function allocate(n: number, weights: readonly number[], rng: Rng): number[] {
  const d = weights.length;
  const base = n >= d ? 1 : 0;
  const rest = n - base * d;
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => base + Math.floor((rest * w) / total));
  let left = n - counts.reduce((a, b) => a + b, 0);
  const start = rng.int(d);
  for (let i = 0; left > 0; i++, left--) {
    const at = (start + i) % d;
    counts[at] = (counts[at] ?? 0) + 1;
  }
  return counts;
}

const NETWORK_ALLOW = 0;
const NETWORK_DENY = 1;
const RETENTION_DAYS: readonly number[] = [90, 90, 90, 90, 90, 60, 30, 7];

/**
 * `withBlockedVault` false (the organisation profile) gives the scanner access to every vault; the
 * vault that would have been blocked is still drawn as one, so every other draw stays the same.
 */
export function buildTenant(plan: DemoPlan, rng: Rng, clock: IsoClock, withBlockedVault = true): Tenant {
  const tenantId = rng.uuid();
  const subscriptions = Array.from({ length: Math.max(3, Math.ceil(plan.vaults / 25)) }, () => rng.uuid());
  const teams = shuffled(TEAMS, rng);
  const teamHome = teams.map(() => rng.int(REGIONS.length));
  const slots = vaultSlots(plan.vaults, teamHome);
  const blocked = rng.int(plan.vaults);

  // Exact counts keep every vault rule with vaults on both sides, whatever the seed.
  const v = plan.vaults;
  const softDeleteOff = quota(v, 0.06);
  const softDeleteDeck = new Deck([softDeleteOff, v - softDeleteOff]);
  const purgeOff = quota(v - softDeleteOff, 0.35);
  const purgeDeck = new Deck([purgeOff, v - softDeleteOff - purgeOff]);
  // The blocked vault sits behind a firewall; the others spread over the three network setups.
  const networkDeck = new Deck(split(v - 1, [0.3, 0.25]));
  const rbacOff = quota(v, 0.3);
  const rbacDeck = new Deck([rbacOff, v - rbacOff]);
  const standard = quota(v - 1, 0.5);
  const skuDeck = new Deck([standard, v - 1 - standard]);

  // Chosen without drawing from rng, so every other vault and asset stays as it was.
  let legacy = slots.findIndex((slot, i) => i !== blocked && (ENVS[slot.env] as Env).production);
  if (legacy < 0) legacy = slots.findIndex((_, i) => i !== blocked);

  const vaults: DemoVault[] = slots.map((slot, i) => {
    const team = teams[slot.team] as string;
    const env = ENVS[slot.env] as Env;
    const [regionCode, location] = REGIONS[slot.region] as readonly [string, string];
    const suffix = slot.round > 0 ? String(slot.round + 1) : '';
    const name = i === legacy ? DEMO_ROTATION_VAULT : `kv-${team}-${env.code}-${regionCode}${suffix}`;
    const resourceGroup = `rg-${team}-${env.code}-${regionCode}${suffix}`;
    const subscriptionId = subscriptions[
      (slot.team * 2 + (env.production ? 0 : 1)) % subscriptions.length
    ] as string;
    const drawnBlocked = i === blocked;
    const isBlocked = drawnBlocked && withBlockedVault;

    const softDeleteEnabled = softDeleteDeck.draw(rng) === 1;
    // Purge protection cannot be switched on without soft delete.
    const purgeProtectionEnabled = softDeleteEnabled && purgeDeck.draw(rng) === 1;
    const network = drawnBlocked ? NETWORK_DENY : networkDeck.draw(rng);
    const premium = drawnBlocked ? rng.chance(0.5) : skuDeck.draw(rng) === 1;
    const rbacAuthorization = rbacDeck.draw(rng) === 1;

    const costCenter = `CC-${4100 + slot.team * 10}`;
    const classification = env.production ? 'confidential' : 'internal';
    const vaultTags: Tags = rng.chance(0.15)
      ? { owner: team, env: env.tag }
      : { owner: team, env: env.tag, 'cost-center': costCenter, 'data-classification': classification };
    const fullTags = Object.freeze({
      owner: team,
      env: env.tag,
      'cost-center': costCenter,
      'data-classification': classification,
    });
    // Repeated entries set the odds when an asset's tags are picked.
    const tagSets: readonly Tags[] = [
      fullTags,
      fullTags,
      Object.freeze({ owner: team, env: env.tag }),
      Object.freeze({ owner: team, env: env.tag, 'data-classification': 'restricted' }),
    ];

    const vault: Vault = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`,
      name,
      subscriptionId,
      resourceGroup,
      location,
      vaultUri: `https://${name}.vault.azure.net/`,
      sku: premium ? 'premium' : 'standard',
      softDeleteEnabled,
      // ARM omits the retention of vaults created before soft delete existed.
      softDeleteRetentionDays: softDeleteEnabled ? rng.pick(RETENTION_DAYS) : null,
      purgeProtectionEnabled,
      publicNetworkAccess: network === NETWORK_ALLOW || network === NETWORK_DENY ? 'Enabled' : 'Disabled',
      networkDefaultAction: network === NETWORK_ALLOW ? 'Allow' : 'Deny',
      privateEndpointConnections:
        network === NETWORK_ALLOW ? 0 : network === NETWORK_DENY ? rng.int(2) : 1 + rng.int(2),
      rbacAuthorization,
      accessError: isBlocked ? ACCESS_ERROR : null,
      tags: vaultTags,
    };
    return {
      vault,
      team,
      teamIndex: TEAMS.indexOf(team),
      env,
      envIndex: slot.env,
      premium,
      weight: (0.35 + 1.3 * rng.float()) * (env.production ? 1.6 : 1),
      tagSets,
      secretCount: 0,
      keyCount: 0,
      certificateCount: 0,
      appStart: 0,
      appCount: 0,
      plainStart: 0,
      plainCount: 0,
    };
  });

  const dataVaults = vaults.filter((dv) => dv.vault.accessError === null);
  const weights = dataVaults.map((dv) => dv.weight);
  const secretCounts = allocate(plan.plainSecrets, weights, rng);
  const keyCounts = allocate(plan.keys, weights, rng);
  const certCounts = allocate(plan.certificates, weights, rng);
  const appCounts = allocate(plan.apps, weights, rng);
  dataVaults.forEach((dv, i) => {
    dv.secretCount = secretCounts[i] ?? 0;
    dv.keyCount = keyCounts[i] ?? 0;
    dv.certificateCount = certCounts[i] ?? 0;
    dv.appCount = appCounts[i] ?? 0;
  });

  const tenant: Tenant = {
    rng,
    clock,
    plan,
    tenantId,
    vaults,
    dataVaults,
    blockedVault: withBlockedVault ? (vaults[blocked] ?? null) : null,
    apps: [],
    appHome: [],
    brokenPerApp: new Uint16Array(plan.apps),
  };
  buildApps(tenant);
  return tenant;
}

/**
 * App Service and Function apps, grouped by the vault they read from. Hard-coded credentials are
 * decided here; Key Vault references are added while secrets are generated.
 */
function buildApps(tenant: Tenant): void {
  const { rng, plan } = tenant;
  const hardcoded = quota(plan.apps, 0.3);
  const hardcodedDeck = new Deck([hardcoded, plan.apps - hardcoded]);
  for (const dv of tenant.dataVaults) {
    dv.appStart = tenant.apps.length;
    const offset = rng.int(COMPONENTS.length);
    const stride = strideFor(COMPONENTS.length, rng);
    const { subscriptionId, resourceGroup } = dv.vault;
    for (let k = 0; k < dv.appCount; k++) {
      const isFunction = rng.chance(0.4);
      const component = (offset + k * stride) % COMPONENTS.length;
      const round = Math.floor(k / COMPONENTS.length);
      const role = component === 0 ? '' : `${COMPONENTS[component]}-`;
      const name = `${isFunction ? 'func' : 'app'}-${dv.team}-${role}${dv.env.code}${round > 0 ? `-${round + 1}` : ''}`;
      const settings: ResourceSetting[] = [];
      const leaky = hardcodedDeck.draw(rng) === 0;
      if (isFunction) {
        settings.push(...FUNCTION_SETTINGS, leaky ? FUNCTION_STORAGE_BY_KEY : FUNCTION_STORAGE_BY_IDENTITY);
        settings.push(WEB_SETTINGS[3] as ResourceSetting);
        if (leaky && rng.chance(0.25)) settings.push(rng.pick(HARDCODED_SETTINGS));
      } else {
        const first = rng.int(WEB_SETTINGS.length);
        const n = 2 + rng.int(3);
        for (let s = 0; s < n; s++)
          settings.push(WEB_SETTINGS[(first + s) % WEB_SETTINGS.length] as ResourceSetting);
        if (leaky) {
          const h = rng.int(HARDCODED_SETTINGS.length);
          settings.push(HARDCODED_SETTINGS[h] as ResourceSetting);
          if (rng.chance(0.2)) {
            settings.push(HARDCODED_SETTINGS[(h + 1) % HARDCODED_SETTINGS.length] as ResourceSetting);
          }
        }
      }
      tenant.apps.push({
        id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Web/sites/${name}`,
        name,
        type: 'Microsoft.Web/sites',
        settings,
      });
      tenant.appHome.push(dv);
    }
  }
}
