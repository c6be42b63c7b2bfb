/**
 * The `secrets`, `keys` and `certificates` sections: the vault assets, a million of them in a
 * large tenant. Each element is built as one object literal (a fixed shape, no intermediate
 * objects to spread), so the fields the three kinds share are written out in each.
 */
import type { Certificate, Curve, Key, KeyType, RotationPolicySummary, Secret } from '../types.js';
import { normalizeAssetId } from '../ids.js';
import {
  OPTIONAL,
  REQUIRED,
  bool,
  count,
  daysOrNull,
  id,
  nested,
  oneOf,
  str,
  strOrNull,
  tags,
  time,
  timeOrNull,
  type Obj,
} from './fields.js';
import { hasKeys, type Section } from './lists.js';
import { at, type Problems } from './problems.js';

const KEY_TYPES: readonly KeyType[] = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM', 'oct', 'oct-HSM'];
const CURVES: readonly Curve[] = ['P-256', 'P-384', 'P-521', 'P-256K'];

const ASSET_ID_RULE = ' (ids are compared ignoring case, a version segment and a trailing slash)';

/** An asset URL that is already in canonical form: lowercase, no version, no trailing slash. */
const CANONICAL_ASSET_ID = /^https?:\/\/[-a-z0-9.:]+\/(?:secrets|keys|certificates)\/[-a-z0-9._~%]+$/;

/** The key under which vault assets are compared (ids.ts `normalizeAssetId`, with a fast path). */
function assetKey(assetId: string): string {
  if (assetId === '') return '';
  return CANONICAL_ASSET_ID.test(assetId) ? assetId : normalizeAssetId(assetId);
}

const byAssetId = { field: 'id', of: (x: { id: string }) => assetKey(x.id), rule: ASSET_ID_RULE };

// The keys of each built element, in order (test/inventory/validate-consume.test.ts checks them).
const SHARED_KEYS = ['id', 'vault', 'name', 'enabled', 'created', 'updated', 'notBefore', 'expires'] as const;
const SECRET_KEYS: readonly (keyof Secret)[] = [...SHARED_KEYS, 'contentType', 'tags', 'managed'];
const KEY_KEYS: readonly (keyof Key)[] = [
  ...SHARED_KEYS,
  'keyType',
  'keySize',
  'curve',
  'rotationPolicy',
  'tags',
  'managed',
];
const CERTIFICATE_KEYS: readonly (keyof Certificate)[] = [
  ...SHARED_KEYS,
  'keyType',
  'keySize',
  'curve',
  'issuer',
  'subject',
  'tags',
];
const ROTATION_POLICY_KEYS: readonly (keyof RotationPolicySummary)[] = [
  'rotateAfterDays',
  'rotateBeforeExpiryDays',
];

function secret(p: Problems, o: Obj, sec: string, i: number, consume: boolean): Secret {
  return {
    id: id(p, o.id, sec, i, 'id'),
    vault: str(p, o.vault, sec, i, 'vault'),
    name: str(p, o.name, sec, i, 'name'),
    enabled: bool(p, o.enabled, sec, i, 'enabled'),
    created: time(p, o.created, sec, i, 'created'),
    updated: time(p, o.updated, sec, i, 'updated'),
    notBefore: timeOrNull(p, o.notBefore, sec, i, 'notBefore', OPTIONAL),
    expires: timeOrNull(p, o.expires, sec, i, 'expires', OPTIONAL),
    contentType: strOrNull(p, o.contentType, sec, i, 'contentType', OPTIONAL),
    tags: tags(p, o.tags, sec, i, consume),
    managed: bool(p, o.managed, sec, i, 'managed', false),
  };
}

function rotationPolicySummary(p: Problems, o: Obj, sec: string, i: number): RotationPolicySummary | null {
  const v = nested(p, o.rotationPolicy, sec, i, 'rotationPolicy', OPTIONAL);
  if (!v) return null;
  const path = at(sec, i, 'rotationPolicy');
  return {
    rotateAfterDays: daysOrNull(p, v.rotateAfterDays, path, -1, 'rotateAfterDays'),
    rotateBeforeExpiryDays: daysOrNull(p, v.rotateBeforeExpiryDays, path, -1, 'rotateBeforeExpiryDays'),
  };
}

function key(p: Problems, o: Obj, sec: string, i: number, consume: boolean): Key {
  // Checked before the shared fields, so that problems keep the order they always had.
  const keyType = oneOf(p, o.keyType, sec, i, 'keyType', KEY_TYPES, REQUIRED)!;
  const keySize = count(p, o.keySize, sec, i, 'keySize', OPTIONAL);
  const curve = oneOf(p, o.curve, sec, i, 'curve', CURVES, OPTIONAL);
  return {
    id: id(p, o.id, sec, i, 'id'),
    vault: str(p, o.vault, sec, i, 'vault'),
    name: str(p, o.name, sec, i, 'name'),
    enabled: bool(p, o.enabled, sec, i, 'enabled'),
    created: time(p, o.created, sec, i, 'created'),
    updated: time(p, o.updated, sec, i, 'updated'),
    notBefore: timeOrNull(p, o.notBefore, sec, i, 'notBefore', OPTIONAL),
    expires: timeOrNull(p, o.expires, sec, i, 'expires', OPTIONAL),
    keyType,
    keySize,
    curve,
    rotationPolicy: rotationPolicySummary(p, o, sec, i),
    tags: tags(p, o.tags, sec, i, consume),
    managed: bool(p, o.managed, sec, i, 'managed', false),
  };
}

function certificate(p: Problems, o: Obj, sec: string, i: number, consume: boolean): Certificate {
  return {
    id: id(p, o.id, sec, i, 'id'),
    vault: str(p, o.vault, sec, i, 'vault'),
    name: str(p, o.name, sec, i, 'name'),
    enabled: bool(p, o.enabled, sec, i, 'enabled'),
    created: time(p, o.created, sec, i, 'created'),
    updated: time(p, o.updated, sec, i, 'updated'),
    notBefore: timeOrNull(p, o.notBefore, sec, i, 'notBefore', OPTIONAL),
    expires: timeOrNull(p, o.expires, sec, i, 'expires', OPTIONAL),
    keyType: oneOf(p, o.keyType, sec, i, 'keyType', KEY_TYPES, OPTIONAL),
    keySize: count(p, o.keySize, sec, i, 'keySize', OPTIONAL),
    curve: oneOf(p, o.curve, sec, i, 'curve', CURVES, OPTIONAL),
    issuer: strOrNull(p, o.issuer, sec, i, 'issuer', OPTIONAL),
    subject: strOrNull(p, o.subject, sec, i, 'subject', OPTIONAL),
    tags: tags(p, o.tags, sec, i, consume),
  };
}

/** A key's rotation policy is a nested copy: it must also have exactly the copy's keys. */
function isKeyCopy(o: Obj): boolean {
  if (!hasKeys(o, KEY_KEYS)) return false;
  const policy = o.rotationPolicy;
  return policy === null || hasKeys(policy as Obj, ROTATION_POLICY_KEYS);
}

export const SECRETS: Section<Secret> = {
  build: secret,
  key: byAssetId,
  isCopy: (o) => hasKeys(o, SECRET_KEYS),
};
export const KEYS: Section<Key> = { build: key, key: byAssetId, isCopy: isKeyCopy };
export const CERTIFICATES: Section<Certificate> = {
  build: certificate,
  key: byAssetId,
  isCopy: (o) => hasKeys(o, CERTIFICATE_KEYS),
};
