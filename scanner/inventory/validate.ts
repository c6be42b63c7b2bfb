/**
 * Validation of `certify.inventory/v1` data (shared/spec/inventory.md, "Validation").
 *
 * `validateInventory` checks every known field, never throws for bad data, and returns a fresh
 * object that holds only the known fields (unknown fields are ignored and dropped, so a large
 * unknown blob in a snapshot is not kept in memory). `parseInventoryText` adds the checks a
 * hostile file needs before `JSON.parse`: UTF-8, total size, nesting depth and string length.
 *
 * The validator is written as plain loops over each section with module-level helpers (no
 * per-field closures) and builds a problem's path only when it reports one, so that a
 * million-asset inventory validates in about two seconds (JSON.parse of its text takes as long).
 */
import { CertifyError } from '../../base/errors.js';
import { isIsoShape, isIsoTime } from '../../base/time.js';
import { normalizeAssetId } from './ids.js';
import type {
  AppRegistration,
  Certificate,
  Curve,
  Dependency,
  Inventory,
  Key,
  KeyType,
  MatchState,
  PasswordCredential,
  ProvenanceCertificate,
  ProvenanceSection,
  Resource,
  ResourceSetting,
  RotationEvent,
  RotationPolicy,
  RotationPolicySummary,
  Secret,
  SyncRecord,
  SyncRun,
  SyncWorker,
  Tags,
  Vault,
} from './types.js';
import { INVENTORY_SCHEMA } from './types.js';

/** Bounds that keep a hostile snapshot from exhausting memory or the stack. */
export const INVENTORY_LIMITS = {
  /** Largest snapshot accepted, in bytes (UTF-16 code units for text already decoded). */
  maxBytes: 512 * 1024 * 1024,
  /** Deepest nesting of arrays and objects; a real inventory needs 5 levels. */
  maxDepth: 64,
  /** Longest single string (property name or value), in characters after unescaping. */
  maxStringLength: 64 * 1024,
  /** Problems listed in full; the rest are counted in one final line. */
  maxProblems: 20,
} as const;

export type InventoryValidation = { ok: true; inventory: Inventory } | { ok: false; problems: string[] };

/* ------------------------------------------------------------------------------------------ */
/* Problem collection                                                                          */
/* ------------------------------------------------------------------------------------------ */

class Problems {
  readonly list: string[] = [];
  count = 0;

  add(path: string, message: string): void {
    this.count++;
    if (this.list.length < INVENTORY_LIMITS.maxProblems) this.list.push(`${path}: ${message}`);
  }

  /** The listed problems plus, when some were left out, one line that counts them. */
  finish(): string[] {
    const more = this.count - this.list.length;
    if (more <= 0) return this.list;
    return [...this.list, `… and ${more} more ${more === 1 ? 'problem' : 'problems'}`];
  }
}

const SHOWN_STRING_CHARS = 60;

/** A short, safe rendering of an offending value for a problem message. */
function got(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value.length > SHOWN_STRING_CHARS
        ? `${JSON.stringify(value.slice(0, SHOWN_STRING_CHARS)).slice(0, -1)}…" (${value.length} characters)`
        : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return Array.isArray(value) ? 'an array' : 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function propertyPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${got(key)}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/* ------------------------------------------------------------------------------------------ */
/* Field checks. Each reads `o[field]`, reports a problem at the field's path and returns a     */
/* placeholder when the value is invalid (the result is then discarded).                      */
/* ------------------------------------------------------------------------------------------ */

/** REQUIRED: present, not null. NULLABLE: present, may be null. OPTIONAL: may be null or missing (null). */
const REQUIRED = 0;
const NULLABLE = 1;
const OPTIONAL = 2;
type Presence = typeof REQUIRED | typeof NULLABLE | typeof OPTIONAL;
type Obj = Record<string, unknown>;

/**
 * The path of `field` of element `i` of `sec` (`secrets[3].expires`), or of the single object
 * `sec` when `i < 0` (`syncWorker.running`). Built only when a problem is reported, so the hot
 * loops allocate no path strings.
 */
function at(sec: string, i: number, field: string): string {
  return i < 0 ? `${sec}.${field}` : `${sec}[${i}].${field}`;
}

function elementPath(sec: string, i: number): string {
  return i < 0 ? sec : `${sec}[${i}]`;
}

function missing(p: Problems, sec: string, i: number, field: string): void {
  p.add(at(sec, i, field), 'is missing');
}

function str(p: Problems, o: Obj, sec: string, i: number, field: string): string {
  const v = o[field];
  if (typeof v === 'string') return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), `must be a string (got ${got(v)})`);
  return '';
}

/** A non-empty string: used for ids, which name an asset in results and reports. */
function id(p: Problems, o: Obj, sec: string, i: number, field: string): string {
  const v = o[field];
  if (typeof v === 'string' && v !== '') return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), `must be a non-empty string (got ${got(v)})`);
  return '';
}

function strOrNull(
  p: Problems,
  o: Obj,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
): string | null {
  const v = o[field];
  if (typeof v === 'string' || v === null) return v;
  if (v === undefined) {
    if (presence !== OPTIONAL) missing(p, sec, i, field);
  } else {
    p.add(at(sec, i, field), `must be a string or null (got ${got(v)})`);
  }
  return null;
}

/** A boolean; `ifMissing` (when given) is used for a missing value. */
function bool(p: Problems, o: Obj, sec: string, i: number, field: string, ifMissing?: boolean): boolean {
  const v = o[field];
  if (typeof v === 'boolean') return v;
  if (v === undefined) {
    if (ifMissing !== undefined) return ifMissing;
    missing(p, sec, i, field);
  } else {
    p.add(at(sec, i, field), `must be true or false (got ${got(v)})`);
  }
  return false;
}

const isTime = isIsoTime;

/** The message for a value that is not an ISO 8601 time with a zone. */
function timeProblem(v: unknown): string {
  if (isIsoShape(v)) return `not an ISO 8601 time (got ${got(v)}, a day that does not exist)`;
  if (typeof v === 'string' && isIsoShape(`${v}Z`)) {
    return `not an ISO 8601 time (got ${got(v)}, which has no time zone; add Z for UTC)`;
  }
  return `not an ISO 8601 time (got ${got(v)})`;
}

function time(p: Problems, o: Obj, sec: string, i: number, field: string): string {
  const v = o[field];
  if (isTime(v)) return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), timeProblem(v));
  return '';
}

function timeOrNull(
  p: Problems,
  o: Obj,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
): string | null {
  const v = o[field];
  if (v === null) return null;
  if (isTime(v)) return v;
  if (v === undefined) {
    if (presence !== OPTIONAL) missing(p, sec, i, field);
  } else {
    p.add(at(sec, i, field), timeProblem(v));
  }
  return null;
}

/** The message for a number that broke a rule, or for a value that is not a number at all. */
function numberProblem(v: unknown, rule: string): string {
  if (typeof v !== 'number') return `must be ${rule} (got ${got(v)})`;
  if (!Number.isFinite(v)) return `must be a finite number (got ${v})`;
  if (v < 0) return `must not be below zero (got ${v})`;
  return `must be ${rule} (got ${v})`;
}

/** A whole number ≥ 0 (a count or a size in bits), or null where the presence allows it. */
function count(
  p: Problems,
  o: Obj,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
): number | null {
  const v = o[field];
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (v === null && presence !== REQUIRED) return null;
  if (v === undefined) {
    if (presence === OPTIONAL) return null;
    missing(p, sec, i, field);
  } else {
    p.add(
      at(sec, i, field),
      numberProblem(v, presence === REQUIRED ? 'a whole number' : 'a whole number or null'),
    );
  }
  return presence === REQUIRED ? 0 : null;
}

/** A number of days ≥ 0 (fractions allowed: "PT12H" is half a day), or null. */
function daysOrNull(p: Problems, o: Obj, sec: string, i: number, field: string): number | null {
  const v = o[field];
  if (v === null) return null;
  if (typeof v === 'number' && v >= 0 && v !== Infinity) return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), numberProblem(v, 'a number of days or null'));
  return null;
}

function oneOf<T extends string>(
  p: Problems,
  o: Obj,
  sec: string,
  i: number,
  field: string,
  allowed: readonly T[],
  presence: Presence,
): T | null {
  const v = o[field];
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  if (v === null && presence !== REQUIRED) return null;
  if (v === undefined) {
    if (presence === OPTIONAL) return null;
    missing(p, sec, i, field);
  } else {
    const orNull = presence === REQUIRED ? '' : ', or null';
    p.add(at(sec, i, field), `must be one of ${allowed.join(', ')}${orNull} (got ${got(v)})`);
  }
  return presence === REQUIRED ? allowed[0]! : null;
}

/** A nested object field (`rotationPolicy`, `credential`): the object, or undefined when absent or wrong. */
function nested(
  p: Problems,
  o: Obj,
  sec: string,
  i: number,
  field: string,
  presence: Presence,
): Obj | undefined {
  const v = o[field];
  if (isRecord(v)) return v;
  if (v === null && presence !== REQUIRED) return undefined;
  if (v === undefined) {
    if (presence !== OPTIONAL) missing(p, sec, i, field);
  } else {
    p.add(at(sec, i, field), `must be an object${presence === REQUIRED ? '' : ' or null'} (got ${got(v)})`);
  }
  return undefined;
}

/** Tags: an object whose values are all strings; missing means no tags. Returns a copy. */
function tags(p: Problems, o: Obj, sec: string, i: number): Tags {
  const v = o.tags;
  const out: Tags = {};
  if (v === undefined) return out;
  if (!isRecord(v)) {
    p.add(at(sec, i, 'tags'), `must be an object of string values (got ${got(v)})`);
    return out;
  }
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const value = v[k];
    if (typeof value !== 'string') {
      p.add(propertyPath(at(sec, i, 'tags'), k), `must be a string (got ${got(value)})`);
    } else if (k === '__proto__') {
      // An own property named "__proto__" (JSON.parse makes one) must stay a plain tag.
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    } else {
      out[k] = value;
    }
  }
  return out;
}

/** A required array field; undefined (reported) when missing or not an array. */
function array(p: Problems, o: Obj, sec: string, i: number, field: string): unknown[] | undefined {
  const v = o[field];
  if (Array.isArray(v)) return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), `must be an array (got ${got(v)})`);
  return undefined;
}

/** A required top-level array. */
function topArray(p: Problems, o: Obj, field: string): unknown[] | undefined {
  const v = o[field];
  if (Array.isArray(v)) return v;
  p.add(field, v === undefined ? 'is missing' : `must be an array (got ${got(v)})`);
  return undefined;
}

/** An optional top-level section: undefined stays undefined ("not collected"). */
function section(p: Problems, o: Obj, field: string): unknown[] | undefined {
  const v = o[field];
  if (v === undefined || Array.isArray(v)) return v;
  p.add(field, `must be an array, or left out when it was not collected (got ${got(v)})`);
  return undefined;
}

/** Element `i` of `sec` as an object, or undefined (reported) when it is not one. */
function element(p: Problems, v: unknown, sec: string, i: number): Obj | undefined {
  if (isRecord(v)) return v;
  p.add(elementPath(sec, i), `must be an object (got ${got(v)})`);
  return undefined;
}

/**
 * Records `key` for element `i` and reports it when an earlier element had the same key.
 * An invalid id ('') was already reported and is not compared.
 */
function unique(
  p: Problems,
  seen: Map<string, number>,
  key: string,
  sec: string,
  i: number,
  field: string,
  how: string,
): void {
  if (key === '') return;
  const first = seen.get(key);
  if (first === undefined) seen.set(key, i);
  else p.add(at(sec, i, field), `duplicate of ${at(sec, first, field)}${how}`);
}

/* ------------------------------------------------------------------------------------------ */
/* Sections                                                                                    */
/* ------------------------------------------------------------------------------------------ */

const SKUS = ['standard', 'premium'] as const;
const NETWORK_ACCESS = ['Enabled', 'Disabled'] as const;
const DEFAULT_ACTIONS = ['Allow', 'Deny'] as const;
const KEY_TYPES: readonly KeyType[] = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', 'oct-HSM'];
const CURVES: readonly Curve[] = ['P-256', 'P-384', 'P-521', 'P-256K'];
const SETTING_KINDS = ['keyVaultReference', 'plain'] as const;
const MATCH_STATES: readonly MatchState[] = ['verified', 'unverified', 'excluded'];
const OUTCOMES = ['succeeded', 'failed'] as const;

const IGNORING_CASE = ' (ids are compared ignoring case)';
const ASSET_ID_RULE = ' (ids are compared ignoring case, a version segment and a trailing slash)';

/** An asset URL that is already in canonical form: lowercase, no version, no trailing slash. */
const CANONICAL_ASSET_ID = /^https?:\/\/[-a-z0-9.:]+\/(?:secrets|keys|certificates)\/[-a-z0-9._~%]+$/;

/** The key under which vault assets are compared (ids.ts `normalizeAssetId`, with a fast path). */
function assetKey(assetId: string): string {
  if (assetId === '') return '';
  return CANONICAL_ASSET_ID.test(assetId) ? assetId : normalizeAssetId(assetId);
}

function retentionDays(p: Problems, o: Obj, sec: string, i: number): number | null {
  const v = o.softDeleteRetentionDays;
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 7 && v <= 90) return v;
  if (v === undefined) missing(p, sec, i, 'softDeleteRetentionDays');
  else
    p.add(
      at(sec, i, 'softDeleteRetentionDays'),
      `must be a whole number from 7 to 90, or null (got ${got(v)})`,
    );
  return null;
}

interface UniqueKey<T> {
  field: string;
  /** The comparison key of an element; '' when it has no usable key (already reported). */
  of: (item: T) => string;
  rule: string;
}

/** Checks every element of a section with `build`, skipping non-objects and flagging duplicate keys. */
function eachElement<T>(
  p: Problems,
  list: unknown[],
  sec: string,
  build: (o: Obj, i: number) => T,
  key?: UniqueKey<T>,
): T[] {
  const out: T[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const o = element(p, list[i], sec, i);
    if (!o) continue;
    const item = build(o, i);
    const k = key?.of(item) ?? '';
    if (key && k !== '') unique(p, seen, k, sec, i, key.field, key.rule);
    out.push(item);
  }
  return out;
}

// ARM resource ids (and GUIDs) are case-insensitive in Azure.
const byIdIgnoringCase = { field: 'id', of: (x: { id: string }) => x.id.toLowerCase(), rule: IGNORING_CASE };
const byAssetId = { field: 'id', of: (x: { id: string }) => assetKey(x.id), rule: ASSET_ID_RULE };
const byId = { field: 'id', of: (x: { id: string }) => x.id, rule: '' };

function vaults(p: Problems, list: unknown[]): Vault[] {
  const sec = 'vaults';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Vault => ({
      id: id(p, o, sec, i, 'id'),
      name: str(p, o, sec, i, 'name'),
      subscriptionId: str(p, o, sec, i, 'subscriptionId'),
      resourceGroup: str(p, o, sec, i, 'resourceGroup'),
      location: str(p, o, sec, i, 'location'),
      vaultUri: str(p, o, sec, i, 'vaultUri'),
      sku: oneOf(p, o, sec, i, 'sku', SKUS, REQUIRED)!,
      softDeleteEnabled: bool(p, o, sec, i, 'softDeleteEnabled'),
      softDeleteRetentionDays: retentionDays(p, o, sec, i),
      purgeProtectionEnabled: bool(p, o, sec, i, 'purgeProtectionEnabled'),
      publicNetworkAccess: oneOf(p, o, sec, i, 'publicNetworkAccess', NETWORK_ACCESS, REQUIRED)!,
      networkDefaultAction: oneOf(p, o, sec, i, 'networkDefaultAction', DEFAULT_ACTIONS, REQUIRED)!,
      privateEndpointConnections: count(p, o, sec, i, 'privateEndpointConnections', REQUIRED)!,
      rbacAuthorization: bool(p, o, sec, i, 'rbacAuthorization'),
      accessError: strOrNull(p, o, sec, i, 'accessError', OPTIONAL),
      tags: tags(p, o, sec, i),
    }),
    byIdIgnoringCase,
  );
}

/** The fields secrets, keys and certificates share (inventory.md). */
function vaultAsset(p: Problems, o: Obj, sec: string, i: number) {
  return {
    id: id(p, o, sec, i, 'id'),
    vault: str(p, o, sec, i, 'vault'),
    name: str(p, o, sec, i, 'name'),
    enabled: bool(p, o, sec, i, 'enabled'),
    created: time(p, o, sec, i, 'created'),
    updated: time(p, o, sec, i, 'updated'),
    notBefore: timeOrNull(p, o, sec, i, 'notBefore', OPTIONAL),
    expires: timeOrNull(p, o, sec, i, 'expires', OPTIONAL),
  };
}

/** Key type, size and curve, shared by keys and certificates. */
function keyShape(p: Problems, o: Obj, sec: string, i: number, keyTypeRule: Presence) {
  return {
    keyType: oneOf(p, o, sec, i, 'keyType', KEY_TYPES, keyTypeRule),
    keySize: count(p, o, sec, i, 'keySize', OPTIONAL),
    curve: oneOf(p, o, sec, i, 'curve', CURVES, OPTIONAL),
  };
}

function secrets(p: Problems, list: unknown[]): Secret[] {
  const sec = 'secrets';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Secret => ({
      ...vaultAsset(p, o, sec, i),
      contentType: strOrNull(p, o, sec, i, 'contentType', OPTIONAL),
      tags: tags(p, o, sec, i),
      managed: bool(p, o, sec, i, 'managed', false),
    }),
    byAssetId,
  );
}

function rotationPolicySummary(p: Problems, o: Obj, sec: string, i: number): RotationPolicySummary | null {
  const v = nested(p, o, sec, i, 'rotationPolicy', OPTIONAL);
  if (!v) return null;
  const path = elementPath(sec, i) + '.rotationPolicy';
  return {
    rotateAfterDays: daysOrNull(p, v, path, -1, 'rotateAfterDays'),
    rotateBeforeExpiryDays: daysOrNull(p, v, path, -1, 'rotateBeforeExpiryDays'),
  };
}

function keys(p: Problems, list: unknown[]): Key[] {
  const sec = 'keys';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Key => {
      const shape = keyShape(p, o, sec, i, REQUIRED);
      return {
        ...vaultAsset(p, o, sec, i),
        ...shape,
        keyType: shape.keyType!,
        rotationPolicy: rotationPolicySummary(p, o, sec, i),
        tags: tags(p, o, sec, i),
        managed: bool(p, o, sec, i, 'managed', false),
      };
    },
    byAssetId,
  );
}

function certificates(p: Problems, list: unknown[]): Certificate[] {
  const sec = 'certificates';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Certificate => ({
      ...vaultAsset(p, o, sec, i),
      ...keyShape(p, o, sec, i, OPTIONAL),
      issuer: strOrNull(p, o, sec, i, 'issuer', OPTIONAL),
      subject: strOrNull(p, o, sec, i, 'subject', OPTIONAL),
      tags: tags(p, o, sec, i),
    }),
    byAssetId,
  );
}

function settings(p: Problems, list: unknown[], sec: string): ResourceSetting[] {
  const out = eachElement(
    p,
    list,
    sec,
    (o, i): ResourceSetting | null => {
      const name = str(p, o, sec, i, 'name');
      // The other fields depend on the kind, so an unknown kind is reported alone.
      const kind = o.kind;
      if (kind === 'keyVaultReference') return { name, kind, secretId: str(p, o, sec, i, 'secretId') };
      if (kind === 'plain') {
        return {
          name,
          kind,
          looksLikeCredential: bool(p, o, sec, i, 'looksLikeCredential'),
          pattern: strOrNull(p, o, sec, i, 'pattern', OPTIONAL),
        };
      }
      oneOf(p, o, sec, i, 'kind', SETTING_KINDS, REQUIRED);
      return null;
    },
    { field: 'name', of: (x) => x?.name ?? '', rule: '' },
  );
  return out.filter((x): x is ResourceSetting => x !== null);
}

function resources(p: Problems, list: unknown[]): Resource[] {
  const sec = 'resources';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Resource => {
      const items = array(p, o, sec, i, 'settings');
      return {
        id: id(p, o, sec, i, 'id'),
        name: str(p, o, sec, i, 'name'),
        type: str(p, o, sec, i, 'type'),
        settings: items ? settings(p, items, `${sec}[${i}].settings`) : [],
      };
    },
    byIdIgnoringCase,
  );
}

function confidence(p: Problems, o: Obj, sec: string, i: number): number {
  const v = o.confidence;
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  if (v === undefined) missing(p, sec, i, 'confidence');
  else p.add(at(sec, i, 'confidence'), `must be a number from 0 to 1 (got ${got(v)})`);
  return 0;
}

function dependencies(p: Problems, list: unknown[]): Dependency[] {
  const sec = 'dependencies';
  return eachElement(
    p,
    list,
    sec,
    (o, i): Dependency => ({
      resourceId: id(p, o, sec, i, 'resourceId'),
      credentialId: id(p, o, sec, i, 'credentialId'),
      confidence: confidence(p, o, sec, i),
      reviewed: bool(p, o, sec, i, 'reviewed'),
    }),
    {
      field: 'credentialId',
      of: (d) =>
        d.resourceId !== '' && d.credentialId !== ''
          ? `${d.resourceId.toLowerCase()} -> ${normalizeAssetId(d.credentialId)}`
          : '',
      rule: ' (the same resource and credential are listed twice)',
    },
  );
}

function passwordCredentials(p: Problems, list: unknown[], sec: string): PasswordCredential[] {
  return eachElement(
    p,
    list,
    sec,
    (o, i): PasswordCredential => ({
      keyId: id(p, o, sec, i, 'keyId'),
      displayName: strOrNull(p, o, sec, i, 'displayName', NULLABLE),
      endDateTime: timeOrNull(p, o, sec, i, 'endDateTime', NULLABLE),
    }),
    { field: 'keyId', of: (c) => c.keyId.toLowerCase(), rule: IGNORING_CASE },
  );
}

function appRegistrations(p: Problems, list: unknown[]): AppRegistration[] {
  const sec = 'appRegistrations';
  return eachElement(
    p,
    list,
    sec,
    (o, i): AppRegistration => {
      const items = array(p, o, sec, i, 'passwordCredentials');
      return {
        appId: id(p, o, sec, i, 'appId'),
        displayName: str(p, o, sec, i, 'displayName'),
        passwordCredentials: items ? passwordCredentials(p, items, `${sec}[${i}].passwordCredentials`) : [],
      };
    },
    { field: 'appId', of: (a) => a.appId.toLowerCase(), rule: IGNORING_CASE },
  );
}

function matches(p: Problems, list: unknown[], sec: string): RotationPolicy['matches'] {
  return eachElement(p, list, sec, (o, i) => ({
    secretId: str(p, o, sec, i, 'secretId'),
    state: oneOf(p, o, sec, i, 'state', MATCH_STATES, REQUIRED)!,
  }));
}

function rotationPolicies(p: Problems, list: unknown[]): RotationPolicy[] {
  const sec = 'rotationPolicies';
  return eachElement(
    p,
    list,
    sec,
    (o, i): RotationPolicy => {
      const cred = nested(p, o, sec, i, 'credential', REQUIRED);
      const credPath = `${sec}[${i}].credential`;
      const items = array(p, o, sec, i, 'matches');
      return {
        id: id(p, o, sec, i, 'id'),
        credential: cred
          ? { appId: str(p, cred, credPath, -1, 'appId'), keyId: str(p, cred, credPath, -1, 'keyId') }
          : { appId: '', keyId: '' },
        enabled: bool(p, o, sec, i, 'enabled'),
        targetVault: strOrNull(p, o, sec, i, 'targetVault', NULLABLE),
        matches: items ? matches(p, items, `${sec}[${i}].matches`) : [],
      };
    },
    byId,
  );
}

function rotationEvents(p: Problems, list: unknown[]): RotationEvent[] {
  const sec = 'rotationEvents';
  return eachElement(
    p,
    list,
    sec,
    (o, i): RotationEvent => ({
      id: id(p, o, sec, i, 'id'),
      credentialId: str(p, o, sec, i, 'credentialId'),
      fullStack: bool(p, o, sec, i, 'fullStack'),
      status: oneOf(p, o, sec, i, 'status', OUTCOMES, REQUIRED)!,
      startedAt: time(p, o, sec, i, 'startedAt'),
      finishedAt: timeOrNull(p, o, sec, i, 'finishedAt', NULLABLE),
    }),
    byId,
  );
}

function runs(p: Problems, list: unknown[], sec: string): SyncRun[] {
  return eachElement(p, list, sec, (o, i) => ({
    at: time(p, o, sec, i, 'at'),
    status: oneOf(p, o, sec, i, 'status', OUTCOMES, REQUIRED)!,
    sourceHash: strOrNull(p, o, sec, i, 'sourceHash', NULLABLE),
    targetHash: strOrNull(p, o, sec, i, 'targetHash', NULLABLE),
  }));
}

function syncRecords(p: Problems, list: unknown[]): SyncRecord[] {
  const sec = 'syncRecords';
  return eachElement(
    p,
    list,
    sec,
    (o, i): SyncRecord => {
      const items = array(p, o, sec, i, 'runs');
      return {
        id: id(p, o, sec, i, 'id'),
        secretId: str(p, o, sec, i, 'secretId'),
        target: str(p, o, sec, i, 'target'),
        active: bool(p, o, sec, i, 'active'),
        runs: items ? runs(p, items, `${sec}[${i}].runs`) : [],
      };
    },
    byId,
  );
}

function syncWorker(p: Problems, v: unknown): SyncWorker | null | undefined {
  if (v === undefined || v === null) return v;
  if (!isRecord(v)) {
    const rule = 'must be an object, null when no worker is known, or left out when not collected';
    p.add('syncWorker', `${rule} (got ${got(v)})`);
    return undefined;
  }
  return {
    running: bool(p, v, 'syncWorker', -1, 'running'),
    lastHeartbeat: timeOrNull(p, v, 'syncWorker', -1, 'lastHeartbeat', NULLABLE),
  };
}

type PublicJwk = ProvenanceSection['jwks']['keys'][number];

/** Certify's certificate ids: `cert-` and 26 base32 characters (provenance/certificate.ts). */
const CERTIFICATE_ID = /^cert-[a-z2-7]{26}$/;
/** Header, payload and signature, each non-empty base64url. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A P-256 coordinate: 32 bytes in unpadded base64url. */
const P256_COORDINATE = /^[A-Za-z0-9_-]{43}$/;
/**
 * A certificate is about 1.5 KB; the bounds keep a hostile section from holding megabytes per
 * entry, since every string here is fed to base64 decoding and signature checks.
 */
export const PROVENANCE_LIMITS = { maxJwsLength: 8 * 1024, maxKidLength: 256 } as const;

function coordinate(p: Problems, o: Obj, sec: string, i: number, field: string): string {
  const v = o[field];
  if (typeof v === 'string' && P256_COORDINATE.test(v)) return v;
  if (v === undefined) missing(p, sec, i, field);
  else p.add(at(sec, i, field), `must be a P-256 coordinate: 43 base64url characters (got ${got(v)})`);
  return '';
}

function jwk(p: Problems, o: Obj, sec: string, i: number): PublicJwk {
  const kid = id(p, o, sec, i, 'kid');
  if (kid.length > PROVENANCE_LIMITS.maxKidLength) {
    p.add(
      at(sec, i, 'kid'),
      `must be at most ${PROVENANCE_LIMITS.maxKidLength} characters (got ${kid.length})`,
    );
  }
  return {
    kty: oneOf(p, o, sec, i, 'kty', ['EC'] as const, REQUIRED)!,
    crv: oneOf(p, o, sec, i, 'crv', ['P-256'] as const, REQUIRED)!,
    x: coordinate(p, o, sec, i, 'x'),
    y: coordinate(p, o, sec, i, 'y'),
    kid,
    alg: oneOf(p, o, sec, i, 'alg', ['ES256'] as const, REQUIRED)!,
    use: oneOf(p, o, sec, i, 'use', ['sig'] as const, REQUIRED)!,
  };
}

function provenanceCertificate(p: Problems, o: Obj, sec: string, i: number): ProvenanceCertificate {
  let certId = id(p, o, sec, i, 'id');
  if (certId !== '' && !CERTIFICATE_ID.test(certId)) {
    p.add(at(sec, i, 'id'), `must be "cert-" and 26 characters a-z or 2-7 (got ${got(certId)})`);
    certId = '';
  }
  const jws = o.jws;
  if (typeof jws !== 'string') {
    if (jws === undefined) missing(p, sec, i, 'jws');
    else p.add(at(sec, i, 'jws'), `must be a string (got ${got(jws)})`);
    return { id: certId, jws: '' };
  }
  if (jws.length > PROVENANCE_LIMITS.maxJwsLength) {
    p.add(
      at(sec, i, 'jws'),
      `must be at most ${PROVENANCE_LIMITS.maxJwsLength} characters (got ${jws.length})`,
    );
  } else if (!COMPACT_JWS.test(jws)) {
    p.add(at(sec, i, 'jws'), `must be a compact JWS: three base64url parts joined by dots (got ${got(jws)})`);
  }
  return { id: certId, jws };
}

/** The provenance section: an object (not an array like the others), or left out. */
function provenance(p: Problems, v: unknown): ProvenanceSection | undefined {
  if (v === undefined) return undefined;
  const sec = 'provenance';
  if (!isRecord(v)) {
    p.add(sec, `must be an object, or left out when it was not collected (got ${got(v)})`);
    return undefined;
  }
  const jwks = nested(p, v, sec, -1, 'jwks', REQUIRED);
  const keyList = jwks ? array(p, jwks, `${sec}.jwks`, -1, 'keys') : undefined;
  const certList = array(p, v, sec, -1, 'certificates');
  const keysSec = `${sec}.jwks.keys`;
  const certsSec = `${sec}.certificates`;
  return {
    jwks: {
      keys: keyList
        ? eachElement(p, keyList, keysSec, (o, i) => jwk(p, o, keysSec, i), {
            field: 'kid',
            of: (k) => k.kid,
            rule: '',
          })
        : [],
    },
    certificates: certList
      ? eachElement(p, certList, certsSec, (o, i) => provenanceCertificate(p, o, certsSec, i), byId)
      : [],
  };
}

function checkInventory(p: Problems, data: unknown): Inventory | undefined {
  if (!isRecord(data)) {
    p.add('(top level)', `must be a JSON object (got ${got(data)})`);
    return undefined;
  }
  const schema = data.schema;
  if (schema === undefined) {
    p.add('schema', `is missing (must be "${INVENTORY_SCHEMA}")`);
  } else if (schema !== INVENTORY_SCHEMA) {
    // Another format or version: checking it against v1 field by field would only add noise.
    p.add('schema', `must be "${INVENTORY_SCHEMA}" (got ${got(schema)})`);
    return undefined;
  }
  let tenantId = '';
  if (typeof data.tenantId === 'string') tenantId = data.tenantId;
  else
    p.add(
      'tenantId',
      data.tenantId === undefined ? 'is missing' : `must be a string (got ${got(data.tenantId)})`,
    );
  let collectedAt = '';
  if (isTime(data.collectedAt)) collectedAt = data.collectedAt;
  else {
    const v = data.collectedAt;
    p.add('collectedAt', v === undefined ? 'is missing' : timeProblem(v));
  }
  const v = topArray(p, data, 'vaults');
  const s = topArray(p, data, 'secrets');
  const k = topArray(p, data, 'keys');
  const c = topArray(p, data, 'certificates');
  const inv: Inventory = {
    schema: INVENTORY_SCHEMA,
    tenantId,
    collectedAt,
    vaults: v ? vaults(p, v) : [],
    secrets: s ? secrets(p, s) : [],
    keys: k ? keys(p, k) : [],
    certificates: c ? certificates(p, c) : [],
  };
  const res = section(p, data, 'resources');
  if (res) inv.resources = resources(p, res);
  const deps = section(p, data, 'dependencies');
  if (deps) inv.dependencies = dependencies(p, deps);
  const apps = section(p, data, 'appRegistrations');
  if (apps) inv.appRegistrations = appRegistrations(p, apps);
  const pols = section(p, data, 'rotationPolicies');
  if (pols) inv.rotationPolicies = rotationPolicies(p, pols);
  const evts = section(p, data, 'rotationEvents');
  if (evts) inv.rotationEvents = rotationEvents(p, evts);
  const syncs = section(p, data, 'syncRecords');
  if (syncs) inv.syncRecords = syncRecords(p, syncs);
  const worker = syncWorker(p, data.syncWorker);
  if (worker !== undefined) inv.syncWorker = worker;
  const prov = provenance(p, data.provenance);
  if (prov !== undefined) inv.provenance = prov;
  return inv;
}

/**
 * Checks `data` against `certify.inventory/v1`. Never throws: bad data gives `ok: false` with
 * at most 20 problems (`path: message`) and, when there are more, a final line counting them.
 * On success the inventory is a fresh object holding only the known fields.
 */
export function validateInventory(data: unknown): InventoryValidation {
  const p = new Problems();
  let inventory: Inventory | undefined;
  try {
    inventory = checkInventory(p, data);
  } catch (e) {
    // Only reachable with exotic objects (throwing getters, proxies), never with parsed JSON.
    p.add('(top level)', `could not be read (${e instanceof Error ? e.message : String(e)})`);
  }
  if (p.count > 0 || inventory === undefined) return { ok: false, problems: p.finish() };
  return { ok: true, inventory };
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing text                                                                                */
/* ------------------------------------------------------------------------------------------ */

export const INVALID_INVENTORY_MESSAGE = `the snapshot is not a valid ${INVENTORY_SCHEMA} file`;

function invalid(problems: string[]): CertifyError {
  return new CertifyError('INVALID_INVENTORY', INVALID_INVENTORY_MESSAGE, problems);
}

/** `line L, column C` (both 1-based) of a UTF-16 offset in `text`. */
function where(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < pos; nl = text.indexOf('\n', nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return `line ${line}, column ${pos - lineStart + 1}`;
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/** The problem reported for a file of `bytes` bytes, above the size limit. */
export function tooLargeProblem(bytes: number): string {
  return `the file is ${mib(bytes)}, larger than the limit of ${mib(INVENTORY_LIMITS.maxBytes)}`;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence (only called on failure). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** `line L, column C` (both 1-based, the column in characters) of a byte offset in UTF-8 `bytes`. */
function whereInBytes(bytes: Uint8Array, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (bytes[i] === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < pos; i++) if ((bytes[i]! & 0xc0) !== 0x80) column++;
  return `line ${line}, column ${column}`;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Length (in characters, after unescaping) of the JSON string literal `bytes[from..to)`, or -1. */
function stringLength(bytes: Uint8Array, from: number, to: number): number {
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes.subarray(from, to)));
    return typeof value === 'string' ? value.length : -1;
  } catch {
    return -1; // not a valid string literal: JSON.parse of the whole file reports it
  }
}

/**
 * One iterative pass over the UTF-8 bytes that enforces the nesting and string-length bounds
 * before `JSON.parse`, so neither the parser nor anything that walks its result can be driven
 * into deep recursion or handed a giant string. Brackets inside strings are skipped (UTF-8
 * multi-byte sequences never contain ASCII bytes, so scanning bytes is exact). Syntax errors
 * are left to `JSON.parse`. About 0.6 s for 450 MB.
 */
function checkBounds(bytes: Uint8Array): string | null {
  const { maxDepth, maxStringLength } = INVENTORY_LIMITS;
  const n = bytes.length;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 34 /* " */) {
      const open = i++;
      for (; i < n; i++) {
        const d = bytes[i]!;
        if (d === 34) break;
        if (d === 92 /* \ */) i++;
      }
      // Every character takes at least one byte, so only a long literal can be too long.
      if (i - open - 1 > maxStringLength && i < n && stringLength(bytes, open, i + 1) > maxStringLength) {
        return `a string at ${whereInBytes(bytes, open)} is longer than the limit of ${maxStringLength} characters`;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) {
        return `arrays and objects are nested more than ${maxDepth} levels deep (at ${whereInBytes(bytes, i)})`;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return null;
}

/* A small iterative JSON syntax checker, run only after JSON.parse failed, to say where. */

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

function showChar(text: string, pos: number): string {
  const ch = String.fromCodePoint(text.codePointAt(pos)!);
  return JSON.stringify(ch);
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const w = text.charCodeAt(i);
    if (w === 32 || w === 9 || w === 10 || w === 13) i++;
    else return i;
  }
}

/** Position and plain-English reason of the first JSON syntax error, or null when there is none. */
function locateSyntaxError(text: string): { pos: number; reason: string } | null {
  const n = text.length;
  const stack: number[] = []; // 0: array, 1: object
  // 0: a value, 1: a value or ']', 2: a property name, 3: a property name or '}', 4: after a value
  let state = 0;
  let i = 0;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= n) {
      if (state === 4 && stack.length === 0) return null;
      return {
        pos: n,
        reason: 'the file ends before the JSON is complete (a bracket or a value is missing)',
      };
    }
    const c = text[i]!;
    if (state === 4) {
      const top = stack[stack.length - 1];
      if (top === undefined)
        return { pos: i, reason: `unexpected ${showChar(text, i)} after the end of the JSON` };
      if (c === ',') {
        i++;
        state = top === 1 ? 2 : 0;
      } else if ((top === 1 && c === '}') || (top === 0 && c === ']')) {
        stack.pop();
        i++;
      } else {
        const expected =
          top === 1 ? "',' or '}' after a property value" : "',' or ']' after an array element";
        return { pos: i, reason: `expected ${expected} but found ${showChar(text, i)}` };
      }
      continue;
    }
    if (state === 2 || state === 3) {
      if (state === 3 && c === '}') {
        stack.pop();
        i++;
        state = 4;
        continue;
      }
      if (c !== '"')
        return { pos: i, reason: `expected a property name in double quotes but found ${showChar(text, i)}` };
      const err = skipString(text, i);
      if (typeof err !== 'number') return err;
      i = err;
      i = skipWhitespace(text, i);
      if (text[i] !== ':') return { pos: i, reason: "expected ':' after the property name" };
      i++;
      state = 0;
      continue;
    }
    // state 0 or 1: a value
    if (state === 1 && c === ']') {
      stack.pop();
      i++;
      state = 4;
    } else if (c === '{' || c === '[') {
      stack.push(c === '{' ? 1 : 0);
      i++;
      state = c === '{' ? 3 : 1;
    } else if (c === '"') {
      const err = skipString(text, i);
      if (typeof err !== 'number') return err;
      i = err;
      state = 4;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return { pos: i, reason: 'not a valid number' };
      i += m[0].length;
      state = 4;
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
      i += 4;
      state = 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
      state = 4;
    } else {
      return { pos: i, reason: `expected a value but found ${showChar(text, i)}` };
    }
  }
}

/** Index after the string starting at `start` (a quote), or the error in it. */
function skipString(text: string, start: number): number | { pos: number; reason: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 0x20) {
      return {
        pos: i,
        reason: 'a control character (such as a line break) inside a string must be escaped, e.g. \\n',
      };
    }
    if (c === 92) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!HEX4.test(text.slice(i + 2, i + 6)))
          return { pos: i, reason: 'a \\u escape needs four hex digits' };
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i++;
      } else {
        return { pos: i, reason: 'not a valid escape sequence in a string' };
      }
    }
  }
  return { pos: start, reason: 'a string is not closed: its closing double quote is missing' };
}

function jsonProblem(text: string, error: unknown): string {
  const found = locateSyntaxError(text);
  if (found) return `the file is not valid JSON: ${found.reason} (at ${where(text, found.pos)})`;
  const detail = error instanceof Error ? error.message : String(error);
  return `the file is not valid JSON: ${detail}`;
}

/**
 * Parses and validates a snapshot file's contents (bytes must be UTF-8; a leading byte order
 * mark is allowed). Throws `CertifyError('INVALID_INVENTORY')` whose `problems` say what is
 * wrong and where; the messages never carry a stack trace.
 */
export function parseInventoryText(input: string | Uint8Array): Inventory {
  const { maxBytes } = INVENTORY_LIMITS;
  let text: string;
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw invalid([tooLargeProblem(input.length)]);
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    bytes = new TextEncoder().encode(text);
  } else {
    if (input.byteLength > maxBytes) throw invalid([tooLargeProblem(input.byteLength)]);
    try {
      text = decoder.decode(input);
    } catch (e) {
      if (e instanceof TypeError) {
        const at = firstInvalidUtf8(input);
        throw invalid([
          `the file is not UTF-8 text (the first invalid byte is at offset ${at}); save it as UTF-8`,
        ]);
      }
      throw invalid([
        `the file could not be decoded as text (${e instanceof Error ? e.message : String(e)})`,
      ]);
    }
    bytes = input;
  }
  if (text.trim() === '') throw invalid(['the file is empty']);
  const bound = checkBounds(bytes);
  if (bound !== null) throw invalid([bound]);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw invalid([jsonProblem(text, e)]);
  }
  const result = validateInventory(data);
  if (!result.ok) throw invalid(result.problems);
  return result.inventory;
}
