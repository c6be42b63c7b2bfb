/**
 * The `organisation` profile: the showcase tenant's shape (vaults, names, apps, counts) with the
 * housekeeping a reasonably run company has done. Production and most other vaults are tidy;
 * one development vault keeps the sloppy habits (no expiry, old values, open to the internet,
 * access policies, untagged and orphaned secrets, a hard-coded connection string); a couple of
 * secrets expire this week and a few more this month. A tidy pass over the drawn tenant rather
 * than other deck shares: the decks deal each trait over the whole tenant, while here the mess
 * has to sit in one vault, and the showcase tenant stays byte-identical because this never runs
 * for it.
 *
 * `daysAgo` gives the tenant as it was that many days before today's state, for the seeded
 * history: fixes made since are undone (key rotation, rotation coverage, a vault's purge
 * protection, a failing sync), and an incident (a production certificate left to expire, renewed
 * late) falls 30 to 36 days back. Every random pick is drawn whatever `daysAgo` is, so the days
 * differ only by those changes. Dates stay relative to `now`, like the rest of the tenant.
 */
import { HOUR_MS } from '../../../base/time.js';
import type {
  AppRegistration,
  Certificate,
  Key,
  ResourceSetting,
  RotationEvent,
  RotationPolicy,
  Secret,
  SyncRecord,
} from '../../inventory/types.js';
import { buildSecretLookup } from '../../rules/secret-lookup.js';
import type { Assets } from './assets.js';
import {
  CERT_KEYS,
  DEMO_ROTATION_SECRET,
  DEMO_ROTATION_VAULT,
  FUNCTION_STORAGE_BY_IDENTITY,
  FUNCTION_STORAGE_BY_KEY,
  HARDCODED_SETTINGS,
  PREMIUM_KEYS,
  ROTATION_POLICIES,
  STANDARD_KEYS,
  WEAK_EC,
  WEAK_RSA,
} from './catalog.js';
import type { Rng } from './random.js';
import { EMPTY_TAGS, type DemoVault, type Tenant } from './tenant.js';

const DAY_H = 24;

/** Days back (inclusive) from which each fix had not been made yet. */
export const FIXED_DAYS_AGO = {
  /** Two production keys got their rotation policy. */
  keyRotation: 75,
  /** Rotation policies for every app registration password (P009). */
  rotationCoverage: 60,
  /** A production vault got purge protection (CIS 8.6). */
  purgeProtection: 45,
  /** The sync target that kept failing was repaired (SYN004). */
  sync: 15,
} as const;

/** The certificate incident: it expired `INCIDENT_EXPIRED` days back and was renewed a few days later. */
const INCIDENT_EXPIRED = 32;
const INCIDENT_FIRST = 36;
const INCIDENT_LAST = 30;

export interface DemoActivity {
  appRegistrations: AppRegistration[];
  rotationPolicies: RotationPolicy[];
  rotationEvents: RotationEvent[];
  syncRecords: SyncRecord[];
}

const isWeak = (k: { keyType: string | null; keySize: number | null; curve: string | null }): boolean =>
  (k.keyType === WEAK_RSA.keyType && k.keySize === WEAK_RSA.keySize) ||
  (k.keyType === WEAK_EC.keyType && k.curve === WEAK_EC.curve);

const HSM_KEYS = PREMIUM_KEYS.filter((s) => s.keyType.endsWith('-HSM'));
const ROTATING_POLICIES = ROTATION_POLICIES.filter((p) => p.rotateAfterDays !== null);

const isRotationTarget = (s: Secret): boolean =>
  s.vault === DEMO_ROTATION_VAULT && s.name === DEMO_ROTATION_SECRET;

class Organiser {
  private readonly rng: Rng;
  private readonly now: number;
  private readonly sloppy: DemoVault | null;
  private readonly vaultOf = new Map<string, DemoVault>();

  constructor(
    private readonly tenant: Tenant,
    private readonly assets: Assets,
    private readonly activity: DemoActivity,
    private readonly daysAgo: number,
  ) {
    this.rng = tenant.rng;
    this.now = Date.parse(tenant.clock.at(0));
    // The busiest development vault, so its habits show; every tenant has one (teams start with
    // prod and dev).
    const dev = tenant.dataVaults.filter((dv) => dv.env.code === 'dev');
    const candidates = dev.length > 0 ? dev : tenant.dataVaults.filter((dv) => !dv.env.production);
    this.sloppy = candidates.reduce<DemoVault | null>(
      (best, dv) => (best === null || dv.plainCount > best.plainCount ? dv : best),
      null,
    );
    for (const dv of tenant.vaults) this.vaultOf.set(dv.vault.name, dv);
  }

  private hoursOf(iso: string | null): number | null {
    return iso === null ? null : Math.round((Date.parse(iso) - this.now) / HOUR_MS);
  }

  private at(hours: number): string {
    return this.tenant.clock.hours(hours);
  }

  private pending(fix: keyof typeof FIXED_DAYS_AGO): boolean {
    return this.daysAgo >= FIXED_DAYS_AGO[fix];
  }

  run(): void {
    this.vaults();
    this.secrets();
    this.keys();
    this.certificates();
    this.apps();
    this.rotation();
    this.events();
    this.sync();
    // Last: every secret, reference and dependency is in place.
    this.orphans();
  }

  /** Soft delete and purge protection everywhere, private endpoints and RBAC but in the sloppy vault. */
  private vaults(): void {
    const { rng } = this;
    for (const dv of this.tenant.vaults) {
      const v = dv.vault;
      v.softDeleteEnabled = true;
      v.softDeleteRetentionDays ??= 90;
      v.purgeProtectionEnabled = true;
      if (dv === this.sloppy) {
        v.publicNetworkAccess = 'Enabled';
        v.networkDefaultAction = 'Allow';
        v.privateEndpointConnections = 0;
        v.rbacAuthorization = false;
        v.sku = 'standard';
        dv.premium = false;
        continue;
      }
      v.publicNetworkAccess = 'Disabled';
      v.networkDefaultAction = 'Deny';
      v.privateEndpointConnections = Math.max(1, v.privateEndpointConnections ?? 0);
      v.rbacAuthorization = true;
      if (dv.env.production) {
        v.sku = 'premium';
        dv.premium = true;
      }
    }
    const prod = this.tenant.dataVaults.filter((dv) => dv.env.production);
    // Drawn every day, so the history's days pick the same vault.
    const late = prod.length > 0 ? prod[rng.int(prod.length)] : undefined;
    if (late && this.pending('purgeProtection')) late.vault.purgeProtectionEnabled = false;
  }

  private secrets(): void {
    const { rng } = this;
    const clean: Secret[] = [];
    for (const dv of this.tenant.dataVaults) {
      const own = this.assets.plainSecrets.slice(dv.plainStart, dv.plainStart + dv.plainCount);
      if (dv === this.sloppy) this.sloppySecrets(own);
      else for (const s of own) clean.push(this.tidySecret(dv, s));
    }
    // Things expiring this week (P002, Critical) in production, and this month (P003) anywhere.
    const soon = clean.filter((s) => !isRotationTarget(s));
    const prod = soon.filter((s) => this.vaultOf.get(s.vault)?.env.production === true);
    for (let k = 0; k < 2 && prod.length > 0; k++) {
      const s = prod.splice(rng.int(prod.length), 1)[0]!;
      s.expires = this.at(rng.intBetween(2 * DAY_H, 6 * DAY_H));
      soon.splice(soon.indexOf(s), 1);
    }
    for (let k = 0; k < 4 && soon.length > 0; k++) {
      const s = soon.splice(rng.int(soon.length), 1)[0]!;
      s.expires = this.at(rng.intBetween(9 * DAY_H, 27 * DAY_H));
    }
  }

  private tidySecret(dv: DemoVault, s: Secret): Secret {
    const { rng } = this;
    // Leftovers were cleaned up: what stays is in use.
    s.enabled = true;
    const expires = this.hoursOf(s.expires);
    if (expires === null || expires < 40 * DAY_H)
      s.expires = this.at(rng.intBetween(40 * DAY_H, 400 * DAY_H));
    const created = this.hoursOf(s.created) ?? 0;
    if (created < -85 * DAY_H) {
      const fresh = -rng.intBetween(1, 85 * DAY_H);
      s.created = this.at(fresh);
      s.updated = this.at(fresh + rng.int(-fresh));
      if (s.notBefore !== null) s.notBefore = s.created;
    }
    if (Object.keys(s.tags).length === 0) s.tags = dv.tagSets[0]!;
    if (s.contentType === null || s.contentType === '') s.contentType = 'text/plain';
    return s;
  }

  /**
   * The development vault keeps its habits: secrets without expiry, old values, no tags, no
   * content type, orphans, disabled leftovers. Its expired and about-to-expire secrets lost their
   * expiry instead (the habit), but for one that expired: a Critical finding.
   */
  private sloppySecrets(own: Secret[]): void {
    const { rng } = this;
    const enabled = own.filter((s) => s.enabled && !isRotationTarget(s));
    for (const s of enabled) {
      const expires = this.hoursOf(s.expires);
      // Drawn for every secret, so the picks do not depend on the dates.
      const noExpiry = rng.chance(0.5);
      const old = rng.chance(0.4);
      const untagged = rng.chance(0.25);
      if (expires !== null && (expires <= 7 * DAY_H || (expires > 30 * DAY_H && noExpiry))) s.expires = null;
      if (old && (this.hoursOf(s.created) ?? 0) > -91 * DAY_H) {
        s.created = this.at(-rng.intBetween(120 * DAY_H, 700 * DAY_H));
        s.updated = s.created;
        if (s.notBefore !== null) s.notBefore = s.created;
      }
      if (untagged) s.tags = EMPTY_TAGS;
    }
    const expired = enabled.length > 0 ? enabled[rng.int(enabled.length)] : undefined;
    if (expired) expired.expires = this.at(-rng.intBetween(3 * DAY_H, 40 * DAY_H));
    const others = enabled.filter((s) => s !== expired);
    if (!others.some((s) => s.expires === null) && others.length > 0) others[0]!.expires = null;
    const oldest = -91 * DAY_H;
    if (!others.some((s) => (this.hoursOf(s.created) ?? 0) < oldest) && others.length > 1) {
      const s = others[1]!;
      s.created = this.at(-rng.intBetween(120 * DAY_H, 400 * DAY_H));
      s.updated = s.created;
    }
  }

  private keys(): void {
    const { rng } = this;
    const prodKeys: Key[] = [];
    for (const k of this.assets.keys) {
      const dv = this.vaultOf.get(k.vault);
      if (dv === undefined) continue;
      k.enabled = true;
      if (k.keyType !== 'oct-HSM' && (isWeak(k) || (dv.premium && !k.keyType.endsWith('-HSM')))) {
        // Premium production vaults hold their keys in HSMs.
        const spec = rng.pick(dv.premium ? HSM_KEYS : STANDARD_KEYS);
        k.keyType = spec.keyType;
        k.keySize = spec.keySize;
        k.curve = spec.curve;
      }
      const expires = this.hoursOf(k.expires);
      if (expires === null || expires < 40 * DAY_H)
        k.expires = this.at(rng.intBetween(60 * DAY_H, 700 * DAY_H));
      const rotates = k.rotationPolicy !== null && k.rotationPolicy.rotateAfterDays !== null;
      if (!rotates) k.rotationPolicy = rng.pick(ROTATING_POLICIES);
      const created = this.hoursOf(k.created) ?? 0;
      if (created < -360 * DAY_H) {
        const updated = -rng.intBetween(DAY_H, 300 * DAY_H);
        k.updated = this.at(updated);
        k.created = this.at(updated - rng.int(50 * DAY_H));
      }
      if (dv.env.production && k.keyType !== 'oct-HSM') prodKeys.push(k);
    }
    for (let i = 0; i < 2 && prodKeys.length > 0; i++) {
      const k = prodKeys.splice(rng.int(prodKeys.length), 1)[0]!;
      if (this.pending('keyRotation')) k.rotationPolicy = null;
    }
  }

  private certificates(): void {
    const { rng } = this;
    const managed = new Map<string, Secret>();
    for (const s of this.assets.secrets) if (s.managed) managed.set(s.id, s);
    const prodCerts: Certificate[] = [];
    for (const c of this.assets.certificates) {
      const dv = this.vaultOf.get(c.vault);
      if (dv === undefined) continue;
      c.enabled = true;
      if (isWeak(c)) {
        const spec = rng.pick(CERT_KEYS);
        c.keyType = spec.keyType;
        c.keySize = spec.keySize;
        c.curve = spec.curve;
      }
      // Self-signed for two years no more: a year at most, as every other issuer.
      const validityDays = c.issuer === "Let's Encrypt" ? 90 : 365;
      const expires = this.hoursOf(c.expires);
      const notBefore = this.hoursOf(c.notBefore);
      const tooLong = expires !== null && notBefore !== null && expires - notBefore > validityDays * DAY_H;
      if (expires === null || expires < 40 * DAY_H || tooLong) {
        const at = rng.intBetween(40 * DAY_H, (validityDays - 5) * DAY_H);
        this.redate(c, at, validityDays);
      }
      if (dv.env.production && c.issuer !== 'Self') prodCerts.push(c);
      const mirror = managed.get(`${dv.vault.vaultUri}secrets/${c.name}`);
      if (mirror) {
        mirror.enabled = c.enabled;
        mirror.created = c.created;
        mirror.updated = c.updated;
        mirror.notBefore = c.notBefore;
        mirror.expires = c.expires;
      }
    }
    const incident = prodCerts.length > 0 ? prodCerts[rng.int(prodCerts.length)] : undefined;
    if (incident && this.daysAgo >= INCIDENT_LAST && this.daysAgo <= INCIDENT_FIRST) {
      // Expired INCIDENT_EXPIRED days back at 00:00: first "expiring this week", then expired.
      this.redate(incident, (INCIDENT_EXPIRED - this.daysAgo) * DAY_H - 6, 365);
      const mirror = managed.get(incident.id.replace('/certificates/', '/secrets/'));
      if (mirror) {
        mirror.created = incident.created;
        mirror.updated = incident.updated;
        mirror.notBefore = incident.notBefore;
        mirror.expires = incident.expires;
      }
    }
  }

  private redate(c: Certificate, expiresHours: number, validityDays: number): void {
    const from = expiresHours - validityDays * DAY_H;
    c.expires = this.at(expiresHours);
    c.notBefore = this.at(from);
    c.created = c.notBefore;
    c.updated = c.notBefore;
  }

  /**
   * Apps read secrets through Key Vault references, and every reference resolves; the sloppy
   * vault's apps keep one or two hard-coded connection strings (VM002, Critical).
   */
  private apps(): void {
    const { tenant } = this;
    const lookup = buildSecretLookup(
      this.assets.secrets,
      tenant.vaults.map((dv) => dv.vault),
    );
    let leaks = 0;
    tenant.apps.forEach((app, i) => {
      const sloppy = tenant.appHome[i] === this.sloppy;
      app.settings = app.settings.flatMap((s): ResourceSetting[] => {
        if (s.kind === 'keyVaultReference') return lookup.find(s.secretId) >= 0 ? [s] : [];
        const hardcoded = s === FUNCTION_STORAGE_BY_KEY || HARDCODED_SETTINGS.includes(s);
        if (!hardcoded) return [s];
        if (sloppy && leaks < 2) {
          leaks++;
          return [s];
        }
        return s === FUNCTION_STORAGE_BY_KEY ? [FUNCTION_STORAGE_BY_IDENTITY] : [];
      });
    });
    if (leaks === 0 && this.sloppy !== null && this.sloppy.appCount > 0) {
      tenant.apps[this.sloppy.appStart]?.settings.push(HARDCODED_SETTINGS[1]!);
    }
    for (const d of this.assets.dependencies) if (d.confidence < 0.7) d.reviewed = true;
  }

  /** Every enabled policy has a target and verified matches; every password gets one once rolled out. */
  private rotation(): void {
    const { rng } = this;
    const { rotationPolicies, appRegistrations } = this.activity;
    const clean = this.tenant.dataVaults.filter((dv) => dv !== this.sloppy);
    const homes = clean.length > 0 ? clean : this.tenant.dataVaults;
    const covered = new Set<string>();
    const coverage = !this.pending('rotationCoverage');
    const vaultOfSecret = new Map<string, string>();
    for (const s of this.assets.plainSecrets) vaultOfSecret.set(s.id, s.vault);
    for (const p of rotationPolicies) {
      if (!p.enabled && coverage) p.enabled = true;
      if (!p.enabled) continue;
      covered.add(`${p.credential.appId}/${p.credential.keyId}`);
      this.readyPolicy(p, homes, vaultOfSecret);
    }
    for (const app of appRegistrations) {
      for (const c of app.passwordCredentials) {
        // Drawn every day, so the history's days hold the same policies.
        const home = homes[rng.int(homes.length)];
        if (!coverage || home === undefined || covered.has(`${app.appId}/${c.keyId}`)) continue;
        const policy: RotationPolicy = {
          id: `rot-${app.displayName}-${rotationPolicies.length + 1}`,
          credential: { appId: app.appId, keyId: c.keyId },
          enabled: true,
          targetVault: home.vault.name,
          matches: [],
        };
        this.readyPolicy(policy, homes, vaultOfSecret);
        rotationPolicies.push(policy);
      }
    }
  }

  private readyPolicy(
    p: RotationPolicy,
    homes: readonly DemoVault[],
    vaultOfSecret: ReadonlyMap<string, string>,
  ): void {
    for (const m of p.matches) if (m.state === 'unverified') m.state = 'verified';
    const first = p.matches[0];
    p.targetVault ??= (first && vaultOfSecret.get(first.secretId)) ?? homes[0]?.vault.name ?? null;
    if (p.matches.some((m) => m.state === 'verified')) return;
    const dv = this.vaultOf.get(p.targetVault ?? '');
    const secret = dv && dv.plainCount > 0 ? this.assets.plainSecrets[dv.plainStart] : undefined;
    if (secret) p.matches.push({ secretId: secret.id, state: 'verified' });
  }

  /** Full-stack rotations of the last 30 days all succeeded (VM004). */
  private events(): void {
    const since = -30 * DAY_H * 60;
    for (const e of this.activity.rotationEvents) {
      if (!e.fullStack || e.finishedAt === null || e.status !== 'failed') continue;
      const finished = Math.round((Date.parse(e.finishedAt) - this.now) / 60_000);
      if (finished >= since) e.status = 'succeeded';
    }
  }

  /** No failed sync in the last day (SYN004), once the failing target was repaired. */
  private sync(): void {
    if (this.pending('sync')) return;
    const since = this.now - DAY_H * HOUR_MS;
    for (const r of this.activity.syncRecords) {
      r.runs = r.runs.map((run) =>
        run.status === 'failed' && Date.parse(run.at) > since
          ? { ...run, status: 'succeeded', targetHash: run.sourceHash }
          : run,
      );
    }
  }

  /** Outside the sloppy vault, every secret is known to be used: a mapped, reviewed dependency. */
  private orphans(): void {
    const { rng, tenant, assets } = this;
    const referenced = new Uint8Array(assets.secrets.length);
    const lookup = buildSecretLookup(
      assets.secrets,
      tenant.vaults.map((dv) => dv.vault),
    );
    for (const app of tenant.apps) {
      for (const s of app.settings) {
        if (s.kind !== 'keyVaultReference') continue;
        const i = lookup.find(s.secretId);
        if (i >= 0) referenced[i] = 1;
      }
    }
    for (const d of assets.dependencies) {
      const i = lookup.find(d.credentialId);
      if (i >= 0) referenced[i] = 1;
    }
    assets.secrets.forEach((s, i) => {
      if (s.managed || !s.enabled || referenced[i] === 1) return;
      const dv = this.vaultOf.get(s.vault);
      if (dv === undefined || dv === this.sloppy || dv.appCount === 0) return;
      const app = tenant.apps[dv.appStart + rng.int(dv.appCount)];
      if (app === undefined) return;
      const confidence = Math.round((0.9 + 0.1 * rng.float()) * 100) / 100;
      assets.dependencies.push({ resourceId: app.id, credentialId: s.id, confidence, reviewed: true });
    });
  }
}

/** Tidies the drawn tenant in place into the `organisation` profile (see the file comment). */
export function organise(tenant: Tenant, assets: Assets, activity: DemoActivity, daysAgo: number): void {
  new Organiser(tenant, assets, activity, daysAgo).run();
}
