/**
 * What happens around the vaults: broken references, app registrations and their rotation
 * policies, rotation events and multi-cloud sync. Counts come from decks, as in assets.ts, so
 * each rule keeps members on both sides.
 */
import type {
  AppRegistration,
  MatchState,
  PasswordCredential,
  RotationEvent,
  RotationPolicy,
  Secret,
  SyncRecord,
  SyncRun,
  SyncWorker,
} from '../../inventory/types.js';
import type { Assets } from './assets.js';
import { entryName } from './assets.js';
import {
  APP_REGISTRATION_SUFFIXES,
  COMPONENTS,
  CREDENTIAL_NAMES,
  SECRET_NAMES,
  SYNC_TARGETS,
} from './catalog.js';
import { Deck, quota, split, type Rng } from './random.js';
import type { DemoVault, Tenant } from './tenant.js';

const DAY_H = 24;
const DAY_MIN = 24 * 60;

/**
 * References VM001 cannot resolve: to secrets renamed away (`legacy-…`), and to the vault the
 * scanner could not list, whose secrets are therefore missing from the inventory.
 */
export function addBrokenReferences(tenant: Tenant, assets: Assets): void {
  const { rng, apps } = tenant;
  const broken = Math.max(1, Math.round(assets.references * 0.04));
  for (let i = 0; i < broken; i++) {
    const app = rng.int(apps.length);
    const resource = apps[app];
    const home = tenant.appHome[app];
    if (resource === undefined || home === undefined) continue;
    const blocked = tenant.blockedVault !== null && rng.chance(0.5) ? tenant.blockedVault : null;
    const vault = blocked ?? home;
    const secretName = entryName(rng.pick(SECRET_NAMES), vault.team);
    const target = blocked ? secretName : `legacy-${secretName}`;
    const count = tenant.brokenPerApp[app] ?? 0;
    tenant.brokenPerApp[app] = count + 1;
    const prefix = blocked ? 'SHARED_' : 'LEGACY_';
    resource.settings.push({
      name: `${prefix}${secretName.toUpperCase().replaceAll('-', '_')}${count > 0 ? `_${count + 1}` : ''}`,
      kind: 'keyVaultReference',
      secretId: `${vault.vault.vaultUri}secrets/${target}`,
    });
  }
}

/** A random secret with `managed: false`, preferring enabled ones. */
function someSecret(assets: Assets, rng: Rng): Secret | undefined {
  const all = assets.plainSecrets;
  let secret = all[rng.int(all.length)];
  for (let tries = 0; tries < 3 && secret !== undefined && !secret.enabled; tries++) {
    secret = all[rng.int(all.length)];
  }
  return secret;
}

/** Up to `n` distinct secrets of one vault. */
function secretsOf(dv: DemoVault, assets: Assets, rng: Rng, n: number): Secret[] {
  if (dv.plainCount === 0) return [];
  const first = rng.int(dv.plainCount);
  const out: Secret[] = [];
  for (let i = 0; i < Math.min(n, dv.plainCount); i++) {
    const s = assets.plainSecrets[dv.plainStart + ((first + i) % dv.plainCount)];
    if (s !== undefined) out.push(s);
  }
  return out;
}

export interface RotationSetup {
  appRegistrations: AppRegistration[];
  rotationPolicies: RotationPolicy[];
}

/**
 * App registrations and the policies that rotate their client secrets. P009 coverage is held
 * at 75%, under its 80% bar, because a partly rolled-out rotation is what a real tenant shows.
 */
export function buildRotation(tenant: Tenant, assets: Assets): RotationSetup {
  const { rng, plan, clock } = tenant;
  const regs = plan.appRegistrations;
  const total = plan.appCredentials;
  const perApp = new Array<number>(regs).fill(1);
  for (let i = regs; i < total; i++) {
    const at = rng.int(regs);
    perApp[at] = (perApp[at] ?? 1) + 1;
  }

  const covered = Math.max(1, Math.min(Math.round(total * 0.75), Math.ceil(total * 0.8) - 1, total - 1));
  const coveredDeck = new Deck([covered, total - covered]);
  // P010 and P014 (verified matches), P012 (unverified ones), P013 (target vault) over enabled policies.
  const verified = Math.max(
    1,
    Math.min(Math.max(Math.ceil(covered * 0.6), Math.round(covered * 0.7)), covered - 1),
  );
  const verifiedDeck = new Deck([verified, covered - verified]);
  const withUnverified = quota(verified, 0.15, 0, verified - 1);
  const extraDeck = new Deck([withUnverified, verified - withUnverified]);
  const unready = covered - verified;
  const unverifiedOnly = Math.min(unready, Math.max(1, Math.round(unready * 0.5)));
  const excludedOnly = Math.min(unready - unverifiedOnly, Math.round(unready * 0.3));
  const unreadyDeck = new Deck([unverifiedOnly, excludedOnly, unready - unverifiedOnly - excludedOnly]);
  const noTarget = quota(unready, 0.4, 1, unready);
  const targetDeck = new Deck([noTarget, unready - noTarget]);

  const appRegistrations: AppRegistration[] = [];
  const rotationPolicies: RotationPolicy[] = [];
  for (let a = 0; a < regs; a++) {
    const dv = rng.pick(tenant.dataVaults);
    const component = rng.int(COMPONENTS.length);
    const role = component === 0 ? '' : `${COMPONENTS[component]}-`;
    const displayName = `${dv.team}-${role}${rng.pick(APP_REGISTRATION_SUFFIXES)}`;
    const appId = rng.uuid();
    const passwordCredentials: PasswordCredential[] = [];
    for (let c = 0; c < (perApp[a] ?? 1); c++) {
      const keyId = rng.uuid();
      passwordCredentials.push({
        keyId,
        displayName: rng.pick(CREDENTIAL_NAMES),
        endDateTime: clock.hours(rng.intBetween(-90 * DAY_H, 730 * DAY_H)),
      });
      const isCovered = coveredDeck.draw(rng) === 0;
      // Some uncovered credentials have a policy that was switched off, which does not count.
      if (!isCovered && !rng.chance(0.3)) continue;
      const id = `rot-${displayName}-${rotationPolicies.length + 1}`;
      const credential = { appId, keyId };
      if (!isCovered) {
        const target = rng.chance(0.7) ? rng.pick(tenant.dataVaults) : null;
        const matches = secretsOf(target ?? dv, assets, rng, 1).map((s) => ({
          secretId: s.id,
          state: rng.pick<MatchState>(['verified', 'unverified', 'excluded']),
        }));
        rotationPolicies.push({
          id,
          credential,
          enabled: false,
          targetVault: target?.vault.name ?? null,
          matches,
        });
        continue;
      }
      if (verifiedDeck.draw(rng) === 0) {
        const extra = extraDeck.draw(rng) === 0;
        const verifiedCount = rng.chance(0.2) ? 2 : 1;
        const picked = secretsOf(dv, assets, rng, verifiedCount + (extra ? 1 : 0));
        const matches: RotationPolicy['matches'] = picked.map((s, i) => ({
          secretId: s.id,
          state: extra && i > 0 && i === picked.length - 1 ? 'unverified' : 'verified',
        }));
        if (rng.chance(0.15)) {
          const other = someSecret(assets, rng);
          if (other !== undefined) matches.push({ secretId: other.id, state: 'excluded' });
        }
        rotationPolicies.push({ id, credential, enabled: true, targetVault: dv.vault.name, matches });
        continue;
      }
      const kind = unreadyDeck.draw(rng);
      const hasTarget = targetDeck.draw(rng) === 1;
      const state: MatchState | null = kind === 0 ? 'unverified' : kind === 1 ? 'excluded' : null;
      const matches =
        state === null
          ? []
          : secretsOf(dv, assets, rng, 1 + rng.int(2)).map((s) => ({ secretId: s.id, state }));
      rotationPolicies.push({
        id,
        credential,
        enabled: true,
        targetVault: hasTarget ? dv.vault.name : null,
        matches,
      });
    }
    appRegistrations.push({ appId, displayName, passwordCredentials });
  }
  return { appRegistrations, rotationPolicies };
}

const EVENT_RECENT_FULL_STACK = 0;
const EVENT_OLD_FULL_STACK = 1;
const EVENT_ABANDONED = 2;

interface PendingEvent {
  credentialId: string;
  fullStack: boolean;
  status: RotationEvent['status'];
  startedMin: number;
  finishedMin: number | null;
}

/** Rotation history over the last six months, oldest first. */
export function buildRotationEvents(tenant: Tenant, assets: Assets): RotationEvent[] {
  const { rng, plan, clock } = tenant;
  const kinds = split(plan.rotationEvents, [0.45, 0.2, 0.08]);
  const kindDeck = new Deck(kinds);
  const recent = kinds[EVENT_RECENT_FULL_STACK] ?? 0;
  const failed = quota(recent, 0.12);
  const failedDeck = new Deck([failed, recent - failed]);

  const pending: PendingEvent[] = [];
  for (let i = 0; i < plan.rotationEvents; i++) {
    const secret = someSecret(assets, rng);
    if (secret === undefined) break;
    const kind = kindDeck.draw(rng);
    let fullStack = true;
    let status: RotationEvent['status'] = 'succeeded';
    let finishedMin: number | null;
    if (kind === EVENT_RECENT_FULL_STACK) {
      finishedMin = -rng.intBetween(10, 29 * DAY_MIN + 23 * 60);
      if (failedDeck.draw(rng) === 0) status = 'failed';
    } else if (kind === EVENT_OLD_FULL_STACK) {
      finishedMin = -rng.intBetween(31 * DAY_MIN, 180 * DAY_MIN);
      if (rng.chance(0.1)) status = 'failed';
    } else if (kind === EVENT_ABANDONED) {
      // Timed out before finishing: no finish time, so VM004 leaves it out.
      fullStack = rng.chance(0.5);
      status = 'failed';
      finishedMin = null;
    } else {
      fullStack = false;
      finishedMin = -rng.intBetween(10, 120 * DAY_MIN);
      if (rng.chance(0.1)) status = 'failed';
    }
    const duration = rng.intBetween(1, 25);
    const startedMin = finishedMin === null ? -rng.intBetween(60, 40 * DAY_MIN) : finishedMin - duration;
    pending.push({ credentialId: secret.id, fullStack, status, startedMin, finishedMin });
  }
  // A stable sort keeps equal start times in generation order, so the output stays deterministic.
  pending.sort((a, b) => a.startedMin - b.startedMin);
  return pending.map((e, i) => ({
    id: `evt-${String(i + 1).padStart(5, '0')}`,
    credentialId: e.credentialId,
    fullStack: e.fullStack,
    status: e.status,
    startedAt: clock.minutes(e.startedMin),
    finishedAt: e.finishedMin === null ? null : clock.minutes(e.finishedMin),
  }));
}

const SYNC_INTERVAL_HOURS: readonly number[] = [2, 4, 6, 8, 12];

/**
 * Secrets copied to other clouds. SYN001 (≥ 80% active) and SYN002 (≥ 90% of the last day's
 * runs succeeded) pass, while SYN004 still finds the few failures.
 */
export function buildSync(tenant: Tenant, assets: Assets): SyncRecord[] {
  const { rng, plan, clock } = tenant;
  const n = plan.syncRecords;
  const inactive = Math.max(1, Math.min(Math.round(n * 0.12), Math.floor(n * 0.2)));
  const activeDeck = new Deck([n - inactive, inactive]);

  // Schedules first: the failed-run deck needs the number of runs in the last 24 hours.
  const active = new Uint8Array(n);
  const interval = new Uint8Array(n);
  const phase = new Uint16Array(n);
  let recentRuns = 0;
  for (let i = 0; i < n; i++) {
    active[i] = activeDeck.draw(rng) === 0 ? 1 : 0;
    const every = rng.pick(SYNC_INTERVAL_HOURS);
    interval[i] = every;
    phase[i] = 1 + rng.int(every * 60 - 1);
    if (active[i] === 1) recentRuns += Math.ceil((DAY_MIN - (phase[i] ?? 0)) / (every * 60));
  }
  const failed = Math.min(Math.max(1, Math.round(recentRuns * 0.04)), Math.floor(recentRuns * 0.1));
  const failedDeck = new Deck([failed, recentRuns - failed]);

  const records: SyncRecord[] = [];
  for (let i = 0; i < n; i++) {
    const secret = someSecret(assets, rng);
    if (secret === undefined) break;
    const runs: SyncRun[] = [];
    if (active[i] === 1) {
      const every = (interval[i] ?? 1) * 60;
      // One run from before the window, then every scheduled run of the last 24 hours, oldest first.
      let at = -(phase[i] ?? 0);
      while (at - every > -DAY_MIN) at -= every;
      // Never exactly 24 hours ago: that instant sits on the window's open end.
      const before = at - every === -DAY_MIN ? at - every - 1 : at - every;
      runs.push(run(rng, clock.minutes(before), rng.chance(0.95)));
      for (; at < 0; at += every) runs.push(run(rng, clock.minutes(at), failedDeck.draw(rng) === 1));
    } else if (rng.chance(0.6)) {
      // Paused records keep their last runs from weeks ago.
      const last = -rng.intBetween(20 * DAY_MIN, 120 * DAY_MIN);
      runs.push(
        run(rng, clock.minutes(last - DAY_MIN), true),
        run(rng, clock.minutes(last), rng.chance(0.6)),
      );
    }
    records.push({
      id: `sync-${String(i + 1).padStart(5, '0')}`,
      secretId: secret.id,
      target: `${rng.pick(SYNC_TARGETS)}:${secret.name}`,
      active: active[i] === 1,
      runs,
    });
  }
  return records;
}

function run(rng: Rng, at: string, succeeded: boolean): SyncRun {
  const sourceHash = rng.hex(64, 'sha256:');
  if (succeeded) return { at, status: 'succeeded', sourceHash, targetHash: sourceHash };
  // A failed push leaves the target on its previous value, or unreadable.
  return { at, status: 'failed', sourceHash, targetHash: rng.chance(0.5) ? rng.hex(64, 'sha256:') : null };
}

/** One worker per tenant, alive: its failing case (SYN003) is covered by the rule tests instead. */
export function buildSyncWorker(tenant: Tenant): SyncWorker {
  const { rng, clock } = tenant;
  return { running: true, lastHeartbeat: clock.at(-rng.intBetween(5, 120) * 1000) };
}
