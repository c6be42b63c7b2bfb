/** The `resources` section (with each resource's settings) and the `dependencies` section. */
import type { Dependency, Resource, ResourceSetting } from '../types.js';
import { normalizeAssetId } from '../ids.js';
import { OPTIONAL, REQUIRED, bool, id, oneOf, reject, str, strOrNull, type Obj } from './fields.js';
import { array, byIdIgnoringCase, eachElement, type Section } from './lists.js';
import { at, got, type Problems } from './problems.js';

const SETTING_KINDS = ['keyVaultReference', 'plain'] as const;

function setting(p: Problems, o: Obj, sec: string, i: number): ResourceSetting | null {
  const name = str(p, o.name, sec, i, 'name');
  // The other fields depend on the kind, so an unknown kind is reported alone.
  const kind = o.kind;
  if (kind === 'keyVaultReference') return { name, kind, secretId: str(p, o.secretId, sec, i, 'secretId') };
  if (kind === 'plain') {
    return {
      name,
      kind,
      looksLikeCredential: bool(p, o.looksLikeCredential, sec, i, 'looksLikeCredential'),
      pattern: strOrNull(p, o.pattern, sec, i, 'pattern', OPTIONAL),
    };
  }
  oneOf(p, o.kind, sec, i, 'kind', SETTING_KINDS, REQUIRED);
  return null;
}

/** A setting of an unknown kind is reported and left out. */
const SETTINGS: Section<ResourceSetting | null> = {
  build: setting,
  key: { field: 'name', of: (x) => x?.name ?? '', rule: '' },
};

function resource(p: Problems, o: Obj, sec: string, i: number, consume: boolean): Resource {
  const settings = array(p, o.settings, sec, i, 'settings');
  return {
    id: id(p, o.id, sec, i, 'id'),
    name: str(p, o.name, sec, i, 'name'),
    type: str(p, o.type, sec, i, 'type'),
    settings: eachElement(p, settings, at(sec, i, 'settings'), SETTINGS, consume).filter(
      (x): x is ResourceSetting => x !== null,
    ),
  };
}

function confidence(p: Problems, v: unknown, sec: string, i: number): number {
  if (typeof v === 'number' && v >= 0 && v <= 1) return v;
  reject(p, v, sec, i, 'confidence', REQUIRED, `must be a number from 0 to 1 (got ${got(v)})`);
  return 0;
}

function dependency(p: Problems, o: Obj, sec: string, i: number): Dependency {
  return {
    resourceId: id(p, o.resourceId, sec, i, 'resourceId'),
    credentialId: id(p, o.credentialId, sec, i, 'credentialId'),
    confidence: confidence(p, o.confidence, sec, i),
    reviewed: bool(p, o.reviewed, sec, i, 'reviewed'),
  };
}

export const RESOURCES: Section<Resource> = { build: resource, key: byIdIgnoringCase };

export const DEPENDENCIES: Section<Dependency> = {
  build: dependency,
  key: {
    field: 'credentialId',
    of: (d) =>
      d.resourceId !== '' && d.credentialId !== ''
        ? `${d.resourceId.toLowerCase()} -> ${normalizeAssetId(d.credentialId)}`
        : '',
    rule: ' (the same resource and credential are listed twice)',
  },
};
