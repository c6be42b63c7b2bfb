/** The `secrets`, `keys` and `certificates` sections: the vault assets. */
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
  type Presence,
} from './fields.js';
import type { Section } from './lists.js';
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

function secret(p: Problems, o: Obj, sec: string, i: number): Secret {
  return {
    ...vaultAsset(p, o, sec, i),
    contentType: strOrNull(p, o, sec, i, 'contentType', OPTIONAL),
    tags: tags(p, o, sec, i),
    managed: bool(p, o, sec, i, 'managed', false),
  };
}

function rotationPolicySummary(p: Problems, o: Obj, sec: string, i: number): RotationPolicySummary | null {
  const v = nested(p, o, sec, i, 'rotationPolicy', OPTIONAL);
  if (!v) return null;
  const path = at(sec, i, 'rotationPolicy');
  return {
    rotateAfterDays: daysOrNull(p, v, path, -1, 'rotateAfterDays'),
    rotateBeforeExpiryDays: daysOrNull(p, v, path, -1, 'rotateBeforeExpiryDays'),
  };
}

function key(p: Problems, o: Obj, sec: string, i: number): Key {
  const shape = keyShape(p, o, sec, i, REQUIRED);
  return {
    ...vaultAsset(p, o, sec, i),
    ...shape,
    keyType: shape.keyType!,
    rotationPolicy: rotationPolicySummary(p, o, sec, i),
    tags: tags(p, o, sec, i),
    managed: bool(p, o, sec, i, 'managed', false),
  };
}

function certificate(p: Problems, o: Obj, sec: string, i: number): Certificate {
  return {
    ...vaultAsset(p, o, sec, i),
    ...keyShape(p, o, sec, i, OPTIONAL),
    issuer: strOrNull(p, o, sec, i, 'issuer', OPTIONAL),
    subject: strOrNull(p, o, sec, i, 'subject', OPTIONAL),
    tags: tags(p, o, sec, i),
  };
}

export const SECRETS: Section<Secret> = { build: secret, key: byAssetId };
export const KEYS: Section<Key> = { build: key, key: byAssetId };
export const CERTIFICATES: Section<Certificate> = { build: certificate, key: byAssetId };
