/**
 * Secrets, keys and certificates of the demo tenant, and the references apps make to them.
 *
 * Every pass/fail trait is dealt from a deck with exact counts over the rule's population (for
 * instance "expiring within 7 days" among enabled secrets), so each rule sees assets on both
 * sides at every size and seed, and proportions do not drift as the tenant grows.
 */
import type { Certificate, Dependency, Key, Secret, Tags } from '../../inventory/types.js';
import {
  CERT_KEYS,
  CERT_MTLS,
  CERT_NAMES,
  CERT_SECRET_CONTENT_TYPES,
  CERT_SIGNING,
  CERT_TLS,
  CERT_WILDCARD,
  COMPONENTS,
  DEMO_ROTATION_SECRET,
  DEMO_ROTATION_VAULT,
  ENVS,
  GENERIC_SECRET_NAMES,
  KEY_NAMES,
  NOTIFY_ONLY_POLICY,
  OCT_HSM,
  PREMIUM_KEYS,
  ROTATION_POLICIES,
  SECRET_CONTENT_TYPES,
  SECRET_NAMES,
  STANDARD_KEYS,
  TEAMS,
  VAULT_WIDE_SECRET_NAMES,
  TENANT_DOMAIN,
  WEAK_EC,
  WEAK_RSA,
  type KeySpec,
  type NameEntry,
} from './catalog.js';
import { Deck, quota, split, type Rng } from './random.js';
import { EMPTY_TAGS, strideFor, type DemoVault, type Tenant } from './tenant.js';

const DAY_H = 24;

const EXPIRY_NONE = 0;
const EXPIRY_PAST = 1;
const EXPIRY_WEEK = 2;
const EXPIRY_MONTH = 3;
const EXPIRY_LATER = 4;

const USE_ORPHAN = 0;
const USE_GUESSED_LOW = 1;
const USE_GUESSED_HIGH = 2;

const WEAK_RSA_CARD = 0;
const WEAK_EC_CARD = 1;

const ROTATION_NONE = 0;
const ROTATION_NOTIFY_ONLY = 1;
const ROTATION_SET = 2;

export interface Assets {
  secrets: Secret[];
  keys: Key[];
  certificates: Certificate[];
  /** The secrets with `managed: false`, grouped by vault (see DemoVault.plainStart). */
  plainSecrets: Secret[];
  dependencies: Dependency[];
  /** Key Vault reference settings written so far, all of them resolvable. */
  references: number;
}

/** `<component>-<suffix>`, or the fixed name; index 0 of COMPONENTS is the team itself. */
export function entryName(entry: NameEntry, team: string): string {
  if (entry.component < 0) return entry.text;
  const component = entry.component === 0 ? team : (COMPONENTS[entry.component] as string);
  return `${component}-${entry.text}`;
}

/**
 * Name strings shared between vaults: `api-db-password` recurs in hundreds of vaults of a large
 * tenant, and one string per asset would cost more than the asset itself.
 */
class NameBook {
  private readonly names = new Map<number, string>();
  private readonly settings = new Map<string, string>();

  constructor(private readonly catalog: readonly NameEntry[]) {}

  /** The k-th distinct name of the catalog walked from `offset` by `stride`; repeats get `-2`, `-3`, …. */
  nth(offset: number, stride: number, k: number, team: number): string {
    const n = this.catalog.length;
    const index = (offset + k * stride) % n;
    const round = Math.floor(k / n);
    const key = (round * n + index) * TEAMS.length + team;
    let name = this.names.get(key);
    if (name === undefined) {
      const base = entryName(this.catalog[index] as NameEntry, TEAMS[team] as string);
      name = round > 0 ? `${base}-${round + 1}` : base;
      this.names.set(key, name);
    }
    return name;
  }

  /** The app setting that reads the secret: `api-db-password` → `API_DB_PASSWORD`. */
  setting(name: string): string {
    let setting = this.settings.get(name);
    if (setting === undefined) {
      setting = name.toUpperCase().replaceAll('-', '_');
      this.settings.set(name, setting);
    }
    return setting;
  }
}

const GENERIC_ENTRIES: readonly NameEntry[] = GENERIC_SECRET_NAMES.map((text) => ({ component: -1, text }));

function confidence(rng: Rng, lo: number, hi: number): number {
  return Math.round((lo + (hi - lo) * rng.float()) * 100) / 100;
}

/** Offset in hours from now for an expiry category; `null` when the asset never expires. */
function expiryHours(category: number, rng: Rng, latestDays: number): number | null {
  switch (category) {
    case EXPIRY_NONE:
      return null;
    case EXPIRY_PAST:
      return -rng.intBetween(1, 200 * DAY_H);
    case EXPIRY_WEEK:
      return rng.intBetween(1, 7 * DAY_H);
    case EXPIRY_MONTH:
      return rng.intBetween(7 * DAY_H + 1, 30 * DAY_H);
    default:
      return rng.intBetween(30 * DAY_H + 1, latestDays * DAY_H);
  }
}

/** Disabled assets are mostly leftovers: expired, or never given an expiry. */
function disabledExpiry(rng: Rng): number {
  const r = rng.float();
  return r < 0.35 ? EXPIRY_NONE : r < 0.7 ? EXPIRY_PAST : EXPIRY_LATER;
}

interface CertLabel {
  name: string;
  subject: string;
  /** CERT_TLS, CERT_MTLS, CERT_SIGNING or CERT_WILDCARD. */
  kind: string;
}

class AssetBuilder {
  readonly out: Assets = {
    secrets: [],
    keys: [],
    certificates: [],
    plainSecrets: [],
    dependencies: [],
    references: 0,
  };
  private readonly rng: Rng;
  private readonly secretNames = new NameBook(SECRET_NAMES);
  private readonly genericNames = new NameBook(GENERIC_ENTRIES);
  private readonly vaultWideNames = new NameBook(VAULT_WIDE_SECRET_NAMES);
  private readonly keyNames = new NameBook(KEY_NAMES);
  private readonly certLabels = new Map<number, CertLabel>();

  // Secrets (managed: false).
  private readonly secretEnabled: Deck;
  private readonly secretGeneric: Deck;
  private readonly secretExpiry: Deck;
  private readonly secretUntagged: Deck;
  private readonly secretStale: Deck;
  private readonly secretUse: Deck;
  private readonly guessReviewed: Deck;

  // Keys: whether each is enabled is dealt first, because oct keys need a premium vault.
  private readonly keyEnabled: Uint8Array;
  private readonly keyOct: Deck;
  private readonly keyWeak: Deck;
  private readonly keyRotation: Deck;
  private readonly keyExpiry: Deck;

  // Certificates.
  private readonly certEnabled: Deck;
  private readonly certExpiry: Deck;
  private readonly certWeak: Deck;
  private readonly certLongLived: Deck;

  constructor(private readonly tenant: Tenant) {
    const { rng, plan } = tenant;
    this.rng = rng;

    const s = plan.plainSecrets;
    const sOff = quota(s, 0.04);
    const sOn = s - sOff;
    this.secretEnabled = new Deck([sOn, sOff]);
    const generic = quota(s, 0.04);
    this.secretGeneric = new Deck([generic, s - generic]);
    this.secretExpiry = new Deck(split(sOn, [0.18, 0.05, 0.03, 0.05]));
    const untagged = quota(sOn, 0.1);
    this.secretUntagged = new Deck([untagged, sOn - untagged]);
    const stale = quota(sOn, 0.3);
    this.secretStale = new Deck([stale, sOn - stale]);
    // Orphans (VM003), dependencies guessed without a setting (low and high confidence), referenced.
    const use = split(sOn, [0.1, 0.05, 0.03]);
    this.secretUse = new Deck(use);
    const guessedLow = use[USE_GUESSED_LOW] ?? 0;
    const reviewed = quota(guessedLow, 0.4);
    this.guessReviewed = new Deck([reviewed, guessedLow - reviewed]);

    const k = plan.keys;
    const kOff = quota(k, 0.04);
    const kOn = k - kOff;
    const enabledDeck = new Deck([kOn, kOff]);
    this.keyEnabled = new Uint8Array(k);
    for (let i = 0; i < k; i++) this.keyEnabled[i] = enabledDeck.draw(rng) === 0 ? 1 : 0;
    let onInPremium = 0;
    let at = 0;
    for (const dv of tenant.dataVaults) {
      for (let i = 0; i < dv.keyCount; i++, at++) if (dv.premium && this.keyEnabled[at] === 1) onInPremium++;
    }
    const oct = quota(onInPremium, 0.05, 0, onInPremium);
    this.keyOct = new Deck([oct, onInPremium - oct]);
    // K006 and K007 judge enabled RSA and EC keys: oct keys are outside their population.
    const asymmetric = kOn - oct;
    this.keyWeak = new Deck(split(asymmetric, [0.05, 0.03]));
    this.keyRotation = new Deck(split(asymmetric, [0.18, 0.05]));
    this.keyExpiry = new Deck(split(kOn, [0.25, 0.04, 0.02, 0.04]));

    const c = plan.certificates;
    const cOff = quota(c, 0.04);
    const cOn = c - cOff;
    this.certEnabled = new Deck([cOn, cOff]);
    // Key Vault always knows a certificate's expiry; a missing one comes from a half-imported certificate.
    this.certExpiry = new Deck(split(cOn, [0.03, 0.06, 0.04, 0.08]));
    this.certWeak = new Deck(split(cOn, [0.04, 0.02]));
    // Self-signed for two years (C007 fails them beyond 12 months); the rest follow their issuer.
    const longLived = quota(cOn, 0.2);
    this.certLongLived = new Deck([longLived, cOn - longLived]);
  }

  build(): Assets {
    let keyIndex = 0;
    for (const dv of this.tenant.dataVaults) {
      this.secretsOf(dv);
      keyIndex = this.keysOf(dv, keyIndex);
      this.certificatesOf(dv);
    }
    return this.out;
  }

  private tags(dv: DemoVault): Tags {
    return this.rng.pick(dv.tagSets);
  }

  private secretsOf(dv: DemoVault): void {
    const { rng, out } = this;
    const { clock } = this.tenant;
    const vaultName = dv.vault.name;
    const prefix = `${dv.vault.vaultUri}secrets/`;
    const offset = rng.int(SECRET_NAMES.length);
    const stride = strideFor(SECRET_NAMES.length, rng);
    const genericOffset = rng.int(GENERIC_ENTRIES.length);
    const wideOffset = rng.int(VAULT_WIDE_SECRET_NAMES.length);
    let named = 0;
    let generic = 0;
    let wide = 0;
    let rotationTarget = vaultName === DEMO_ROTATION_VAULT;
    dv.plainStart = out.plainSecrets.length;
    dv.plainCount = dv.secretCount;

    for (let i = 0; i < dv.secretCount; i++) {
      const enabled = this.secretEnabled.draw(rng) === 0;
      let name: string;
      if (this.secretGeneric.draw(rng) === 0) {
        name = this.genericNames.nth(genericOffset, 1, generic++, dv.teamIndex);
      } else if (wide < VAULT_WIDE_SECRET_NAMES.length && rng.chance(0.15)) {
        // Third-party keys and shared connection strings: a vault holds each at most once.
        name = this.vaultWideNames.nth(wideOffset, 1, wide++, dv.teamIndex);
      } else {
        name = this.secretNames.nth(offset, stride, named++, dv.teamIndex);
        // Renamed after every draw, and only a conventional name, so P015 and the decks see the same tenant.
        if (rotationTarget && enabled) {
          name = DEMO_ROTATION_SECRET;
          rotationTarget = false;
        }
      }
      const expiry = expiryHours(enabled ? this.secretExpiry.draw(rng) : disabledExpiry(rng), rng, 730);
      const stale = enabled ? this.secretStale.draw(rng) === 0 : rng.chance(0.6);
      // `created` is the current version's: when the value was last written (P008 measures from it).
      const created = stale ? -rng.intBetween(91 * DAY_H, 900 * DAY_H) : -rng.intBetween(1, 89 * DAY_H);
      // Half of the secrets had their tags or attributes edited since: `updated` moved, the value did not.
      const edit = rng.int(-2 * created);
      const updated = edit < -created ? created + edit : created;
      const untagged = enabled ? this.secretUntagged.draw(rng) === 0 : rng.chance(0.25);
      const secret: Secret = {
        id: `${prefix}${name}`,
        vault: vaultName,
        name,
        enabled,
        created: clock.hours(created),
        updated: clock.hours(updated),
        notBefore: rng.chance(0.1) ? clock.hours(created) : null,
        expires: expiry === null ? null : clock.hours(expiry),
        contentType: rng.pick(SECRET_CONTENT_TYPES),
        tags: untagged ? EMPTY_TAGS : this.tags(dv),
        managed: false,
      };
      out.secrets.push(secret);
      out.plainSecrets.push(secret);
      // Disabled secrets are leftovers nobody reads any more.
      if (enabled) this.use(dv, secret);
    }
  }

  /** Who reads the secret: app settings, a dependency guessed from elsewhere, or nobody (VM003). */
  private use(dv: DemoVault, secret: Secret): void {
    const { rng } = this;
    const use = this.secretUse.draw(rng);
    if (use === USE_ORPHAN) return;
    const app = dv.appStart + rng.int(dv.appCount);
    if (use === USE_GUESSED_LOW) {
      this.depend(app, secret.id, confidence(rng, 0.4, 0.69), this.guessReviewed.draw(rng) === 0);
      return;
    }
    if (use === USE_GUESSED_HIGH) {
      this.depend(app, secret.id, confidence(rng, 0.7, 0.89), rng.chance(0.3));
      return;
    }
    this.reference(app, secret);
    // Shared third-party keys are often read by a second app of the same team.
    if (dv.appCount > 1 && rng.chance(0.12)) {
      this.reference(
        dv.appStart + ((app - dv.appStart + 1 + rng.int(dv.appCount - 1)) % dv.appCount),
        secret,
      );
    }
  }

  private reference(app: number, secret: Secret): void {
    const { rng } = this;
    const r = rng.float();
    // App Service accepts the URI with a trailing slash or a pinned version; both must resolve.
    const secretId = r < 0.8 ? secret.id : r < 0.92 ? `${secret.id}/` : `${secret.id}/${rng.hex(32)}`;
    const resource = this.tenant.apps[app];
    if (resource === undefined) return;
    resource.settings.push({
      name: this.secretNames.setting(secret.name),
      kind: 'keyVaultReference',
      secretId,
    });
    this.out.references++;
    // The dependency mapper has matched most references, with high confidence.
    if (rng.chance(0.75)) this.depend(app, secret.id, confidence(rng, 0.9, 1), rng.chance(0.25));
  }

  private depend(app: number, credentialId: string, conf: number, reviewed: boolean): void {
    const resource = this.tenant.apps[app];
    if (resource === undefined) return;
    this.out.dependencies.push({ resourceId: resource.id, credentialId, confidence: conf, reviewed });
  }

  private keysOf(dv: DemoVault, first: number): number {
    const { rng, out } = this;
    const { clock } = this.tenant;
    const prefix = `${dv.vault.vaultUri}keys/`;
    const offset = rng.int(KEY_NAMES.length);
    const stride = strideFor(KEY_NAMES.length, rng);
    const strong = dv.premium ? PREMIUM_KEYS : STANDARD_KEYS;

    for (let i = 0; i < dv.keyCount; i++) {
      const enabled = this.keyEnabled[first + i] === 1;
      const name = this.keyNames.nth(offset, stride, i, dv.teamIndex);
      let spec: KeySpec;
      let rotation: number;
      if (!enabled) {
        spec = rng.chance(0.1) ? WEAK_RSA : rng.pick(strong);
        rotation = rng.chance(0.7) ? ROTATION_SET : ROTATION_NONE;
      } else if (dv.premium && this.keyOct.draw(rng) === 0) {
        spec = OCT_HSM;
        rotation = rng.chance(0.6) ? ROTATION_SET : ROTATION_NONE;
      } else {
        const weak = this.keyWeak.draw(rng);
        spec = weak === WEAK_RSA_CARD ? WEAK_RSA : weak === WEAK_EC_CARD ? WEAK_EC : rng.pick(strong);
        rotation = this.keyRotation.draw(rng);
      }
      const expiry = expiryHours(enabled ? this.keyExpiry.draw(rng) : disabledExpiry(rng), rng, 730);
      const updated = -rng.intBetween(1, 500 * DAY_H);
      const created = updated - rng.int(400 * DAY_H);
      out.keys.push({
        id: `${prefix}${name}`,
        vault: dv.vault.name,
        name,
        enabled,
        created: clock.hours(created),
        updated: clock.hours(updated),
        notBefore: null,
        expires: expiry === null ? null : clock.hours(expiry),
        keyType: spec.keyType,
        keySize: spec.keySize,
        curve: spec.curve,
        rotationPolicy:
          rotation === ROTATION_NONE
            ? null
            : rotation === ROTATION_NOTIFY_ONLY
              ? NOTIFY_ONLY_POLICY
              : rng.pick(ROTATION_POLICIES),
        tags: rng.chance(0.12) ? EMPTY_TAGS : this.tags(dv),
        managed: false,
      });
    }
    return first + dv.keyCount;
  }

  private certificatesOf(dv: DemoVault): void {
    const { rng, out } = this;
    const { clock } = this.tenant;
    const offset = rng.int(CERT_NAMES.length);
    const stride = strideFor(CERT_NAMES.length, rng);
    const prefix = `${dv.vault.vaultUri}certificates/`;
    const secretPrefix = `${dv.vault.vaultUri}secrets/`;

    for (let i = 0; i < dv.certificateCount; i++) {
      const enabled = this.certEnabled.draw(rng) === 0;
      const { name, subject, kind } = this.certLabel(dv, (offset + i * stride) % CERT_NAMES.length, i);
      let issuer: string;
      let validityDays: number;
      const longLived = enabled ? this.certLongLived.draw(rng) === 0 : rng.chance(0.2);
      if (longLived) issuer = 'Self';
      else if (kind === CERT_TLS) issuer = rng.chance(0.45) ? "Let's Encrypt" : 'DigiCert';
      else if (kind === CERT_MTLS) issuer = 'Self';
      else if (kind === CERT_SIGNING) issuer = rng.chance(0.7) ? 'Self' : 'DigiCert';
      else issuer = 'DigiCert';
      // Let's Encrypt issues for 90 days, public CAs for a year (at most 398 days since 2020),
      // teams self-sign for a year, or for two when nobody wants to renew them (C007 fails those).
      if (longLived) validityDays = 730;
      else if (issuer === "Let's Encrypt") validityDays = 90;
      else validityDays = 365;

      const expiry = expiryHours(
        enabled ? this.certExpiry.draw(rng) : disabledExpiry(rng),
        rng,
        validityDays - 1,
      );
      let created: number;
      let notBefore: number | null;
      if (expiry === null) {
        created = -rng.intBetween(30 * DAY_H, 700 * DAY_H);
        notBefore = null;
      } else {
        notBefore = expiry - validityDays * DAY_H;
        created = notBefore;
      }
      const updated = rng.chance(0.2) ? created + rng.int(-created) : created;

      let spec: KeySpec;
      if (enabled) {
        const weak = this.certWeak.draw(rng);
        spec = weak === WEAK_RSA_CARD ? WEAK_RSA : weak === WEAK_EC_CARD ? WEAK_EC : rng.pick(CERT_KEYS);
      } else {
        spec = rng.pick(CERT_KEYS);
      }
      const tags = rng.chance(0.1) ? EMPTY_TAGS : this.tags(dv);
      const createdIso = clock.hours(created);
      const updatedIso = clock.hours(updated);
      const notBeforeIso = notBefore === null ? null : clock.hours(notBefore);
      const expiresIso = expiry === null ? null : clock.hours(expiry);
      const certificate: Certificate = {
        id: `${prefix}${name}`,
        vault: dv.vault.name,
        name,
        enabled,
        created: createdIso,
        updated: updatedIso,
        notBefore: notBeforeIso,
        expires: expiresIso,
        keyType: spec.keyType,
        keySize: spec.keySize,
        curve: spec.curve,
        issuer,
        subject,
        tags,
      };
      out.certificates.push(certificate);
      // Key Vault keeps the certificate's private part as a secret of the same name.
      out.secrets.push({
        id: `${secretPrefix}${name}`,
        vault: dv.vault.name,
        name,
        enabled,
        created: createdIso,
        updated: updatedIso,
        notBefore: notBeforeIso,
        expires: expiresIso,
        contentType: rng.pick(CERT_SECRET_CONTENT_TYPES),
        tags,
        managed: true,
      });
      if (enabled && rng.chance(0.3)) {
        this.depend(dv.appStart + rng.int(dv.appCount), certificate.id, confidence(rng, 0.75, 0.99), false);
      }
    }
  }
  /** Name and subject of the i-th certificate of a vault, shared between vaults of the same team and env. */
  private certLabel(dv: DemoVault, index: number, i: number): CertLabel {
    const round = Math.floor(i / CERT_NAMES.length);
    const key =
      ((round * CERT_NAMES.length + index) * TEAMS.length + dv.teamIndex) * ENVS.length + dv.envIndex;
    const cached = this.certLabels.get(key);
    if (cached !== undefined) return cached;
    const entry = CERT_NAMES[index] as NameEntry;
    const team = dv.team;
    const repeat = round > 0 ? `-${round + 1}` : '';
    const envLabel = dv.env.production ? '' : `.${dv.env.code}`;
    const role = entry.component <= 0 ? '' : (COMPONENTS[entry.component] as string);
    const owner = role === '' ? team : `${role}-${team}`;
    let label: CertLabel;
    if (entry.text === CERT_WILDCARD) {
      label = {
        name: `wildcard-${team}-contoso-com${repeat}`,
        subject: `CN=*.${team}${envLabel}.${TENANT_DOMAIN}`,
        kind: CERT_WILDCARD,
      };
    } else if (entry.component < 0) {
      label = { name: `${entry.text}${repeat}`, subject: `CN=*.${TENANT_DOMAIN}`, kind: CERT_WILDCARD };
    } else {
      const name = `${entryName(entry, team)}${repeat}`;
      const host =
        role === '' ? `${team}${envLabel}.${TENANT_DOMAIN}` : `${role}.${team}${envLabel}.${TENANT_DOMAIN}`;
      const subject =
        entry.text === CERT_TLS
          ? `CN=${host}`
          : entry.text === CERT_MTLS
            ? `CN=${owner}-${dv.env.code}-client`
            : `CN=${owner}-${CERT_SIGNING}, O=Contoso Ltd`;
      label = { name, subject, kind: entry.text };
    }
    this.certLabels.set(key, label);
    return label;
  }
}

export function buildAssets(tenant: Tenant): Assets {
  return new AssetBuilder(tenant).build();
}
