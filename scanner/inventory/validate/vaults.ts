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

function retentionDays(p: Problems, o: Obj, sec: string, i: number): number | null {
  const v = o.softDeleteRetentionDays;
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 7 && v <= 90) return v;
  const problem = `must be a whole number from 7 to 90, or null (got ${got(v)})`;
  reject(p, v, sec, i, 'softDeleteRetentionDays', NULLABLE, problem);
  return null;
}

function vault(p: Problems, o: Obj, sec: string, i: number): Vault {
  return {
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
  };
}

export const VAULTS: Section<Vault> = { build: vault, key: byIdIgnoringCase };
