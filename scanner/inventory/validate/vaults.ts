/** The `vaults` section. */
import type { Vault } from '../types.js';
import {
  NULLABLE,
  REQUIRED,
  OPTIONAL,
  bool,
  count,
  id,
  oneOf,
  reject,
  str,
  strOrNull,
  tags,
  type Obj,
} from './fields.js';
import { byIdIgnoringCase, type Section } from './lists.js';
import { got, type Problems } from './problems.js';

const SKUS = ['standard', 'premium'] as const;
const NETWORK_ACCESS = ['Enabled', 'Disabled'] as const;
const DEFAULT_ACTIONS = ['Allow', 'Deny'] as const;

function retentionDays(p: Problems, v: unknown, sec: string, i: number): number | null {
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 7 && v <= 90) return v;
  const problem = `must be a whole number from 7 to 90, or null (got ${got(v)})`;
  reject(p, v, sec, i, 'softDeleteRetentionDays', NULLABLE, problem);
  return null;
}

function vault(p: Problems, o: Obj, sec: string, i: number, consume: boolean): Vault {
  return {
    id: id(p, o.id, sec, i, 'id'),
    name: str(p, o.name, sec, i, 'name'),
    subscriptionId: str(p, o.subscriptionId, sec, i, 'subscriptionId'),
    resourceGroup: str(p, o.resourceGroup, sec, i, 'resourceGroup'),
    location: str(p, o.location, sec, i, 'location'),
    vaultUri: str(p, o.vaultUri, sec, i, 'vaultUri'),
    sku: oneOf(p, o.sku, sec, i, 'sku', SKUS, REQUIRED)!,
    softDeleteEnabled: bool(p, o.softDeleteEnabled, sec, i, 'softDeleteEnabled'),
    softDeleteRetentionDays: retentionDays(p, o.softDeleteRetentionDays, sec, i),
    purgeProtectionEnabled: bool(p, o.purgeProtectionEnabled, sec, i, 'purgeProtectionEnabled'),
    publicNetworkAccess: oneOf(
      p,
      o.publicNetworkAccess,
      sec,
      i,
      'publicNetworkAccess',
      NETWORK_ACCESS,
      REQUIRED,
    )!,
    networkDefaultAction: oneOf(
      p,
      o.networkDefaultAction,
      sec,
      i,
      'networkDefaultAction',
      DEFAULT_ACTIONS,
      REQUIRED,
    )!,
    privateEndpointConnections: count(
      p,
      o.privateEndpointConnections,
      sec,
      i,
      'privateEndpointConnections',
      REQUIRED,
    )!,
    rbacAuthorization: bool(p, o.rbacAuthorization, sec, i, 'rbacAuthorization'),
    accessError: strOrNull(p, o.accessError, sec, i, 'accessError', OPTIONAL),
    tags: tags(p, o.tags, sec, i, consume),
  };
}

export const VAULTS: Section<Vault> = { build: vault, key: byIdIgnoringCase };
