/**
 * The fake's HTTP answers, per service: Key Vault data plane, ARM, Microsoft Graph, login.
 * Pure functions of a parsed request and the precomputed wire model; the server (index.ts)
 * adds authentication, throttling, failures, latency and recording around them.
 */
import type { Inventory, Secret } from '../../../scanner/inventory/types.js';
import type { PlaneList, Site, VaultPlane } from './wire.js';
import { armScope, graphApplication, recoveryOf, vaultResource } from './wire.js';

export interface Req {
  method: string;
  host: string;
  /** Path without query, as sent. */
  path: string;
  query: URLSearchParams;
}

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Marks a request for a secret's value (always refused). */
  valueRead?: boolean;
  /** Marks a write attempt (refused, unless `writableSecrets` accepts a secret's new version). */
  write?: boolean;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return {
    status,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(headers ? { headers } : {}),
  };
}

export function error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): Reply {
  return json(status, { error: { code, message, ...extra } });
}

function segments(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => decodeURIComponent(s));
}

function encodeToken(offset: number, flag = 0): string {
  return Buffer.from(JSON.stringify({ NextMarker: `2!${offset}!${flag}`, TargetLocation: 0 })).toString(
    'base64url',
  );
}

function decodeToken(token: string | null): { offset: number; flag: number } | null {
  if (token === null) return { offset: 0, flag: 0 };
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { NextMarker?: unknown };
    const m = /^2!(\d+)!([01])$/.exec(String(parsed.NextMarker));
    return m ? { offset: Number(m[1]), flag: Number(m[2]) } : null;
  } catch {
    return null;
  }
}

function intParam(q: URLSearchParams, name: string): number | null {
  const v = q.get(name);
  if (v === null || !/^\d+$/.test(v)) return null;
  return Number(v);
}

// ---- Key Vault -----------------------------------------------------------------------------

export interface KvOptions {
  /** Largest page (Key Vault's own cap is 25). */
  pageSize: number;
}

/**
 * One page of a Key Vault list: `maxresults` honoured up to the page size, an absolute
 * `nextLink` (with `:443`, the request's api-version, `$skiptoken`, `maxresults`), and, as the
 * real service does, one EMPTY page with a nextLink in the middle of a multi-page list.
 */
function kvPage(req: Req, items: number, itemJson: (i: number) => string, opts: KvOptions): Reply {
  const max = intParam(req.query, 'maxresults');
  if (max !== null && (max < 1 || max > 25)) {
    return error(400, 'BadParameter', 'invalid maxresults value: must be between 1 and 25');
  }
  const size = Math.max(1, Math.min(max ?? opts.pageSize, opts.pageSize));
  const token = decodeToken(req.query.get('$skiptoken'));
  if (!token) return error(400, 'BadParameter', 'The specified skiptoken is invalid.');
  const pages = Math.ceil(items / size);
  const emptyAt = pages >= 2 ? Math.floor(pages / 2) * size : -1;
  const apiVersion = req.query.get('api-version') ?? '7.6';
  const link = (offset: number, flag: number) =>
    `https://${req.host}:443${req.path}?api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeToken(offset, flag)}` +
    (max !== null ? `&maxresults=${max}` : '');
  if (token.offset === emptyAt && token.flag === 0) {
    return json(200, `{"value":[],"nextLink":${JSON.stringify(link(emptyAt, 1))}}`);
  }
  const start = Math.min(token.offset, items);
  const end = Math.min(start + size, items);
  const parts: string[] = [];
  for (let i = start; i < end; i++) parts.push(itemJson(i));
  const next = end < items ? JSON.stringify(link(end, token.flag)) : 'null';
  return json(200, `{"value":[${parts.join(',')}],"nextLink":${next}}`);
}

type Kind = 'secrets' | 'keys' | 'certificates';
const NOT_FOUND: Record<Kind, [string, string]> = {
  secrets: ['SecretNotFound', 'A secret'],
  keys: ['KeyNotFound', 'A key'],
  certificates: ['CertificateNotFound', 'A certificate'],
};

function notFound(kind: Kind, name: string, version = ''): Reply {
  const [code, what] = NOT_FOUND[kind];
  const shown = version ? `${name}/${version}` : name;
  return error(
    404,
    code,
    `${what} with (name/id) ${shown} was not found in this key vault. If you recently deleted this ${kind.slice(0, -1)} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

const KV_WRITE_ACTION: Record<Kind, string> = {
  secrets: 'Microsoft.KeyVault/vaults/secrets/setSecret/action',
  keys: 'Microsoft.KeyVault/vaults/keys/write',
  certificates: 'Microsoft.KeyVault/vaults/certificates/update/action',
};

function forbiddenByRbac(plane: VaultPlane, action: string, resource: string): Reply {
  return error(
    403,
    'Forbidden',
    `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=04b07795-8ddb-461a-bbee-02f9e1bf7b46;oid=00000000-0000-0000-0000-00000000f4ce\r\nAction: '${action}'\r\nResource: '${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${plane.name};location=${plane.vault?.location ?? 'westeurope'}\r\n`,
    { innererror: { code: 'ForbiddenByRbac' } },
  );
}

export const FIREWALL_BODY = {
  error: {
    code: 'Forbidden',
    message: 'Client address is not authorized and caller is not a trusted service.',
    innererror: { code: 'ForbiddenByFirewall' },
  },
};

/** A version segment (`/keys/k/<v>`): '' or undefined mean "latest". */
function versionMatches(plane: VaultPlane, name: string, version: string | undefined): boolean {
  return !version || version.toLowerCase() === plane.version(name);
}

function versionsPage(plane: VaultPlane, kind: Kind, list: PlaneList<never>, asset: never): Reply {
  const index = list.assets.indexOf(asset);
  const item = JSON.parse(list.itemJson(index)) as Record<string, unknown>;
  if (kind === 'secrets') {
    const items = plane.secretVersions(asset as Secret);
    return json(200, `{"value":[${items.join(',')}],"nextLink":null}`);
  }
  const { id, name } = asset as { name: string; id: string };
  const versioned = `${id}/${plane.version(name)}`;
  if (kind === 'keys') item.kid = versioned;
  else item.id = versioned;
  return json(200, { value: [item], nextLink: null });
}

/** GET /secrets/{name}[/{version}] returns a secret's VALUE. */
export function isSecretValueRead(method: string, path: string): boolean {
  const seg = segments(path);
  return (
    method === 'GET' &&
    seg[0]?.toLowerCase() === 'secrets' &&
    seg[1] !== undefined &&
    seg[1] !== '' &&
    seg.length <= 3 &&
    !(seg.length === 3 && seg[2]?.toLowerCase() === 'versions')
  );
}

/** `PUT /secrets/{name}`: what `SecretClient.setSecret` sends. */
export function isSecretSet(method: string, path: string): boolean {
  const seg = segments(path);
  return method === 'PUT' && seg.length === 2 && seg[0]?.toLowerCase() === 'secrets';
}

/** A secret version the fake accepted (`writableSecrets`), for tests to inspect. */
export interface SecretWriteRecord {
  vault: string;
  name: string;
  /** 32 hex characters, as Key Vault's. */
  version: string;
  /** Kept for the test harness only; the fake never serves it back on a GET. */
  value: string;
  tags: Record<string, string>;
  contentType: string | null;
  enabled: boolean;
  /** ISO times at Key Vault's one-second grain, or null. */
  notBefore: string | null;
  expires: string | null;
  /** Epoch ms the write was accepted. */
  at: number;
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
/** Key Vault's documented limits for a secret (*guess* at the exact 400 messages). */
const MAX_SECRET_BYTES = 25 * 1024;
const MAX_TAGS = 15;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;

function unixTime(v: unknown, field: string): { iso: string | null } | { problem: string } {
  if (v === undefined || v === null) return { iso: null };
  if (typeof v !== 'number' || !Number.isFinite(v))
    return { problem: `attributes.${field} must be a number` };
  return { iso: new Date(Math.floor(v) * 1000).toISOString().replace('.000Z', 'Z') };
}

/**
 * Accepts a new secret version as Key Vault does: 200 with the SecretBundle (value echoed, as
 * the service does), the request's attributes and tags only — nothing is inherited from the
 * previous version — and the new state stored in the plane so that listings show it.
 */
export function setSecret(
  req: Req,
  plane: VaultPlane,
  bodyText: string,
  now: number,
  version: string,
): { reply: Reply; written?: SecretWriteRecord } {
  const name = segments(req.path)[1] ?? '';
  const bad = (message: string) => ({ reply: { ...error(400, 'BadParameter', message), write: true } });
  if (!SECRET_NAME.test(name)) return bad(`The request URI contains an invalid name: ${name}`);
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return bad('The request body is not valid JSON.');
  }
  const value = body.value;
  if (typeof value !== 'string') return bad("Property 'value' is required and must be a string.");
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
    return bad(`Secret value exceeds the maximum size of ${MAX_SECRET_BYTES} bytes.`);
  const tags: Record<string, string> = {};
  if (body.tags !== undefined && body.tags !== null) {
    if (typeof body.tags !== 'object' || Array.isArray(body.tags))
      return bad("Property 'tags' must be an object.");
    const entries = Object.entries(body.tags as Record<string, unknown>);
    if (entries.length > MAX_TAGS) return bad(`A secret can have at most ${MAX_TAGS} tags.`);
    for (const [k, v] of entries) {
      if (typeof v !== 'string') return bad(`Tag '${k}' must have a string value.`);
      if (k.length > MAX_TAG_NAME || v.length > MAX_TAG_VALUE)
        return bad(`Tag '${k}' exceeds the maximum length (name ${MAX_TAG_NAME}, value ${MAX_TAG_VALUE}).`);
      tags[k] = v;
    }
  }
  const contentType = typeof body.contentType === 'string' ? body.contentType : null;
  const attrs = (body.attributes ?? {}) as Record<string, unknown>;
  const nbf = unixTime(attrs.nbf, 'nbf');
  if ('problem' in nbf) return bad(nbf.problem);
  const exp = unixTime(attrs.exp, 'exp');
  if ('problem' in exp) return bad(exp.problem);
  const enabled = attrs.enabled === undefined || attrs.enabled === null ? true : attrs.enabled === true;

  const createdIso = new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const prior = plane.secrets.byName.get(name.toLowerCase());
  const secret: Secret = {
    id: prior?.id ?? `https://${plane.host}/secrets/${name}`,
    vault: prior?.vault ?? plane.vault?.name ?? plane.name,
    name: prior?.name ?? name,
    enabled,
    created: createdIso,
    updated: createdIso,
    notBefore: nbf.iso,
    expires: exp.iso,
    contentType,
    tags,
    managed: false,
  };
  plane.putSecret(secret, version);

  const recovery = recoveryOf(plane.vault);
  const attributes: Record<string, unknown> = { enabled };
  if (nbf.iso) attributes.nbf = Date.parse(nbf.iso) / 1000;
  if (exp.iso) attributes.exp = Date.parse(exp.iso) / 1000;
  attributes.created = Math.floor(now / 1000);
  attributes.updated = Math.floor(now / 1000);
  attributes.recoveryLevel = recovery.recoveryLevel;
  if (recovery.recoverableDays !== null) attributes.recoverableDays = recovery.recoverableDays;
  const bundle: Record<string, unknown> = { value };
  if (contentType !== null) bundle.contentType = contentType;
  bundle.id = `${secret.id}/${version}`;
  bundle.attributes = attributes;
  if (Object.keys(tags).length > 0) bundle.tags = tags;
  return {
    reply: { ...json(200, bundle), write: true },
    written: {
      vault: plane.name,
      name: secret.name,
      version,
      value,
      tags,
      contentType,
      enabled,
      notBefore: nbf.iso,
      expires: exp.iso,
      at: now,
    },
  };
}

export function keyVault(req: Req, plane: VaultPlane, opts: KvOptions): Reply {
  const seg = segments(req.path);
  const kind = seg[0]?.toLowerCase() as Kind | undefined;
  const valueRead = isSecretValueRead(req.method, req.path);
  const write = req.method !== 'GET';
  const flags = { ...(valueRead ? { valueRead } : {}), ...(write ? { write } : {}) };
  if (plane.forbidden) return { ...json(403, FIREWALL_BODY), ...flags };
  if (kind !== 'secrets' && kind !== 'keys' && kind !== 'certificates') {
    return {
      ...error(404, 'NotFound', `certify fake-azure: no Key Vault route for ${req.method} ${req.path}`),
      ...flags,
    };
  }
  const resource = `${plane.host}/${seg.join('/')}`;
  if (write) return { ...forbiddenByRbac(plane, KV_WRITE_ACTION[kind], resource), ...flags };
  if (valueRead) {
    // The value is never served, whether or not the secret exists.
    return {
      ...forbiddenByRbac(plane, 'Microsoft.KeyVault/vaults/secrets/getSecret/action', resource),
      ...flags,
    };
  }
  const name = seg[1];
  const rest = seg.slice(2);
  const list = plane[kind] as PlaneList<never>;
  if (name === undefined || name === '') {
    if (seg.length > 2)
      return error(404, 'NotFound', `certify fake-azure: no Key Vault route for ${req.path}`);
    return kvPage(req, list.assets.length, (i) => list.itemJson(i), opts);
  }
  const asset = list.byName.get(name.toLowerCase());
  if (!asset) return notFound(kind, name, rest[0]);
  const sub = rest[0]?.toLowerCase();
  if (rest.length === 1 && sub === 'versions') return versionsPage(plane, kind, list, asset);
  if (kind === 'keys') {
    const key = plane.keys.byName.get(name.toLowerCase())!;
    if (rest.length === 1 && sub === 'rotationpolicy') return json(200, plane.rotationPolicy(key));
    if (rest.length <= 1 && versionMatches(plane, key.name, rest[0])) return json(200, plane.keyBundle(key));
    return notFound(kind, name, rest[0]);
  }
  const cert = plane.certificates.byName.get(name.toLowerCase())!;
  if (rest.length === 1 && sub === 'policy') return json(200, plane.certificatePolicy(cert));
  if (rest.length === 1 && sub === 'pending') {
    return error(404, 'PendingCertificateNotFound', 'Pending certificate not found');
  }
  if (rest.length <= 1 && versionMatches(plane, cert.name, rest[0]))
    return json(200, plane.certificateBundle(cert));
  return notFound(kind, name, rest[0]);
}

// ---- ARM -----------------------------------------------------------------------------------

export interface ArmModel {
  tenantId: string;
  /** Lowercase subscription id → wire JSON. */
  subscriptions: Map<string, string>;
  /** Lowercase subscription id → vault JSON strings, and the same per resource group. */
  vaultsBySub: Map<string, string[]>;
  vaultsByRg: Map<string, string[]>;
  vaultById: Map<string, string>;
  genericBySub: Map<string, { type: string; json: string }[]>;
  sitesBySub: Map<string, string[]>;
  sitesByRg: Map<string, string[]>;
  siteById: Map<string, Site>;
}

export function buildArmModel(inventory: Inventory, sites: Site[]): ArmModel {
  const m: ArmModel = {
    tenantId: inventory.tenantId,
    subscriptions: new Map(),
    vaultsBySub: new Map(),
    vaultsByRg: new Map(),
    vaultById: new Map(),
    genericBySub: new Map(),
    sitesBySub: new Map(),
    sitesByRg: new Map(),
    siteById: new Map(),
  };
  const push = <T>(map: Map<string, T[]>, key: string, v: T) => {
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  };
  const subs: string[] = [];
  const addSub = (sub: string) => {
    if (!subs.includes(sub)) subs.push(sub);
  };
  for (const v of inventory.vaults) {
    const scope = armScope(v.id);
    const sub = (scope?.subscriptionId ?? v.subscriptionId).toLowerCase();
    const rg = (scope?.resourceGroup ?? v.resourceGroup).toLowerCase();
    addSub(v.subscriptionId.toLowerCase());
    const body = JSON.stringify(vaultResource(v, inventory.tenantId));
    push(m.vaultsBySub, sub, body);
    push(m.vaultsByRg, `${sub}/${rg}`, body);
    m.vaultById.set(v.id.toLowerCase(), body);
    push(m.genericBySub, sub, {
      type: 'microsoft.keyvault/vaults',
      json: JSON.stringify({
        id: v.id,
        name: v.name,
        type: 'Microsoft.KeyVault/vaults',
        location: v.location,
        tags: v.tags,
      }),
    });
  }
  for (const s of sites) {
    addSub(s.subscriptionId);
    push(m.sitesBySub, s.subscriptionId, s.json);
    push(m.sitesByRg, `${s.subscriptionId}/${s.resourceGroup.toLowerCase()}`, s.json);
    m.siteById.set(s.resource.id.toLowerCase(), s);
    const site = JSON.parse(s.json) as { kind: string; location: string };
    push(m.genericBySub, s.subscriptionId, {
      type: 'microsoft.web/sites',
      json: JSON.stringify({
        id: s.resource.id,
        name: s.resource.name,
        type: 'Microsoft.Web/sites',
        kind: site.kind,
        location: site.location,
        tags: {},
      }),
    });
  }
  subs.forEach((sub, i) => {
    m.subscriptions.set(
      sub,
      JSON.stringify({
        id: `/subscriptions/${sub}`,
        authorizationSource: 'RoleBased',
        managedByTenants: [],
        subscriptionId: sub,
        tenantId: inventory.tenantId,
        displayName: `Certify fake subscription ${i + 1} (${sub.slice(0, 8)})`,
        state: 'Enabled',
        subscriptionPolicies: {
          locationPlacementId: 'Public_2014-09-01',
          quotaId: 'PayAsYouGo_2014-09-01',
          spendingLimit: 'Off',
        },
      }),
    );
  });
  return m;
}

export interface ArmOptions {
  pageSize: number;
}

function armPage(req: Req, items: readonly string[], opts: ArmOptions): Reply {
  const top = intParam(req.query, '$top');
  const size = Math.max(1, Math.min(top ?? opts.pageSize, opts.pageSize));
  const token = decodeToken(req.query.get('$skiptoken'));
  if (!token) return error(400, 'InvalidSkipToken', 'The skip token is invalid.');
  const start = Math.min(token.offset, items.length);
  const end = Math.min(start + size, items.length);
  let body = `{"value":[${items.slice(start, end).join(',')}]`;
  if (end < items.length) {
    const q = new URLSearchParams();
    for (const [k, v] of req.query) if (k !== '$skiptoken') q.append(k, v);
    const rest = q.toString().replace(/%24/g, '$').replace(/%27/g, "'");
    body += `,"nextLink":${JSON.stringify(`https://${req.host}${req.path}?${rest}${rest ? '&' : ''}$skiptoken=${encodeToken(end)}`)}`;
  }
  return json(200, `${body}}`);
}

function armNotFound(type: string, name: string, rg: string): Reply {
  return error(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

const ARM_READ_POSTS = /\/config\/(appsettings|connectionstrings)\/list$/i;

export function arm(req: Req, model: ArmModel, opts: ArmOptions): Reply {
  const path = req.path.replace(/\/+$/, '');
  const seg = segments(path).map((s) => s.toLowerCase());
  const isReadPost = req.method === 'POST' && ARM_READ_POSTS.test(path);
  if (req.method !== 'GET' && !isReadPost) {
    const op = req.method === 'DELETE' ? 'delete' : req.method === 'POST' ? 'action' : 'write';
    return {
      ...error(
        403,
        'AuthorizationFailed',
        `The client 'fake-user@example.com' with object id '00000000-0000-0000-0000-00000000f4ce' does not have authorization to perform action '${op}' over scope '${path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      ),
      write: true,
    };
  }
  if (seg[0] !== 'subscriptions')
    return error(404, 'NotFound', `certify fake-azure: no ARM route for ${req.method} ${req.path}`);
  if (seg.length === 1) {
    const value = [...model.subscriptions.values()];
    return json(200, `{"value":[${value.join(',')}],"count":{"type":"Total","value":${value.length}}}`);
  }
  const sub = seg[1]!;
  const subJson = model.subscriptions.get(sub);
  if (!subJson)
    return error(404, 'SubscriptionNotFound', `The subscription '${segments(path)[1]}' could not be found.`);
  if (seg.length === 2) return json(200, subJson);
  const tail = seg.slice(2).join('/');
  if (tail === 'providers/microsoft.keyvault/vaults')
    return armPage(req, model.vaultsBySub.get(sub) ?? [], opts);
  if (tail === 'providers/microsoft.web/sites') return armPage(req, model.sitesBySub.get(sub) ?? [], opts);
  if (tail === 'resources') {
    const filter = (req.query.get('$filter') ?? '').toLowerCase();
    const m = /resourcetype\s+eq\s+'([^']+)'/.exec(filter);
    const all = model.genericBySub.get(sub) ?? [];
    return armPage(
      req,
      all.filter((r) => !m || r.type === m[1]).map((r) => r.json),
      opts,
    );
  }
  if (seg[2] === 'resourcegroups' && seg.length >= 4) {
    const rg = seg[3]!;
    const rgTail = seg.slice(4).join('/');
    const rgName = segments(path)[3]!;
    if (rgTail === 'providers/microsoft.keyvault/vaults')
      return armPage(req, model.vaultsByRg.get(`${sub}/${rg}`) ?? [], opts);
    if (rgTail === 'providers/microsoft.web/sites')
      return armPage(req, model.sitesByRg.get(`${sub}/${rg}`) ?? [], opts);
    const vaultMatch = /^providers\/microsoft\.keyvault\/vaults\/([^/]+)$/.exec(rgTail);
    if (vaultMatch) {
      const body = model.vaultById.get(path.toLowerCase());
      return body ? json(200, body) : armNotFound('Microsoft.KeyVault/vaults', segments(path)[7]!, rgName);
    }
    const siteMatch =
      /^providers\/microsoft\.web\/sites\/([^/]+)(\/config\/(appsettings|connectionstrings)\/list)?$/.exec(
        rgTail,
      );
    if (siteMatch) {
      const siteId = `/${segments(path).slice(0, 8).join('/')}`.toLowerCase();
      const site = model.siteById.get(siteId);
      if (!site) return armNotFound('Microsoft.Web/sites', segments(path)[7]!, rgName);
      if (!siteMatch[2])
        return req.method === 'GET' ? json(200, site.json) : error(405, 'MethodNotAllowed', 'Use GET');
      if (req.method !== 'POST')
        return error(405, 'MethodNotAllowed', 'The requested resource does not support http method GET.');
      if (siteMatch[3] === 'appsettings') return json(200, site.appSettingsJson);
      return json(200, {
        id: `${site.resource.id}/config/connectionstrings`,
        name: 'connectionstrings',
        type: 'Microsoft.Web/sites/config',
        properties: {},
      });
    }
  }
  return error(404, 'NotFound', `certify fake-azure: no ARM route for ${req.method} ${req.path}`);
}

// ---- Microsoft Graph -----------------------------------------------------------------------

export interface GraphModel {
  /** Undefined: the inventory has no appRegistrations section (served as an empty list). */
  applications: Record<string, unknown>[];
}

export function buildGraphModel(inventory: Inventory): GraphModel {
  return {
    applications: (inventory.appRegistrations ?? []).map((a) => graphApplication(a, inventory.collectedAt)),
  };
}

export interface GraphOptions {
  pageSize: number;
  forbidden: boolean;
}

export const GRAPH_FORBIDDEN = {
  error: {
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  },
};

export function graph(req: Req, model: GraphModel, opts: GraphOptions): Reply {
  const path = req.path.replace(/\/+$/, '');
  const seg = segments(path);
  const version = seg[0];
  if (req.method !== 'GET') return { ...json(403, GRAPH_FORBIDDEN), write: true };
  if (
    (version !== 'v1.0' && version !== 'beta') ||
    seg[1]?.toLowerCase() !== 'applications' ||
    seg.length !== 2
  ) {
    return error(400, 'BadRequest', `Resource not found for the segment '${seg[1] ?? ''}'.`);
  }
  if (opts.forbidden) return json(403, GRAPH_FORBIDDEN);
  const select = req.query.get('$select');
  const fields = select
    ? select
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : null;
  const top = intParam(req.query, '$top');
  if (top !== null && (top < 1 || top > 999)) {
    return error(
      400,
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
    );
  }
  const size = Math.max(1, Math.min(top ?? opts.pageSize, opts.pageSize));
  const token = decodeToken(req.query.get('$skiptoken'));
  if (!token)
    return error(
      400,
      'Directory_InvalidSkipToken',
      'The specified page token value has expired and can no longer be included in your request.',
    );
  const apps = model.applications;
  const start = Math.min(token.offset, apps.length);
  const end = Math.min(start + size, apps.length);
  const value = apps.slice(start, end).map((a) => {
    if (!fields) return a;
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const key = Object.keys(a).find((k) => k.toLowerCase() === f.toLowerCase());
      if (key) out[key] = a[key];
    }
    return out;
  });
  const body: Record<string, unknown> = {
    '@odata.context': `https://${req.host}/${version}/$metadata#applications${fields ? `(${fields.join(',')})` : ''}`,
  };
  if (end < apps.length) {
    const q = new URLSearchParams();
    for (const [k, v] of req.query) if (k !== '$skiptoken') q.append(k, v);
    const rest = q.toString().replace(/%24/g, '$').replace(/%2C/gi, ',');
    body['@odata.nextLink'] =
      `https://${req.host}/${version}/applications?${rest}${rest ? '&' : ''}$skiptoken=${encodeToken(end)}`;
  }
  body.value = value;
  return json(200, body);
}
