/**
 * A local fake of the Azure cloud that serves an `Inventory` through the real wire formats, so
 * the product's real SDK code runs unmodified against it.
 *
 *   product ──HTTPS_PROXY──▶ CONNECT proxy (127.0.0.1) ──▶ in-process TLS server
 *                            (only Azure hosts; 403 otherwise)   (Key Vault, ARM, Graph, login)
 *
 * URLs stay the real Azure ones (`https://kv-prod.vault.azure.net/…`), so asset ids are exactly
 * a real tenant's. Tunnels are handed to the TLS server in-process: nothing ever connects
 * anywhere. Tokens come from the `az` stand-in in `bin/` (AzureCliCredential). See README.md.
 */
import { accessSync, chmodSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../../../scanner/inventory/types.js';
import { detBytes } from './material.js';
import {
  arm,
  buildArmModel,
  buildGraphModel,
  error,
  FIREWALL_BODY,
  graph,
  isSecretSet,
  json,
  keyVault,
  setSecret,
  type Reply,
  type Req,
  type SecretWriteRecord,
} from './routes.js';
import { BASE_HOSTS, hostMatches, tlsMaterial } from './tls.js';
import { buildPlanes, buildSites, type VaultPlane } from './wire.js';
import { createSigningKeys, type FakeSigningKeys, type SigningKeySpec } from './signing-keys.js';

export interface FakeAzureOptions {
  inventory: Inventory;
  /** Added to every response, without blocking other requests. Default 0. */
  latencyMs?: number;
  /** ARM list page size (vaults, sites, resources). Default 2, so paging is exercised. */
  pageSize?: number;
  /** Key Vault list page size when `maxresults` is absent or larger. Default 25 (the service's cap). */
  kvPageSize?: number;
  /** Graph page size, whatever `$top` asks for. Default 3. */
  graphPageSize?: number;
  /** Every Nth authenticated Key Vault request answers 429. */
  throttle?: { everyNth: number; retryAfter?: 'seconds' | 'ms' | 'none' };
  /** Random 500/503 answers with this probability, deterministic from `seed`. */
  failures?: { rate: number; seed?: number };
  /** Vault names whose data plane answers 403 ForbiddenByFirewall, besides those with `accessError`. */
  forbiddenVaults?: string[];
  /** Graph answers 403 Authorization_RequestDenied. */
  graphForbidden?: boolean;
  /** More hosts to impersonate, e.g. `management.usgovcloudapi.net` or `*.vault.usgovcloudapi.net`. */
  extraHosts?: string[];
  /** Proxy port on 127.0.0.1. Default: any free port. */
  port?: number;
  /**
   * Key Vault accepts `PUT /secrets/{name}` (setSecret) as the service does and keeps the new
   * version for later listings. Default false: the identity is a reader and every write is 403.
   */
  writableSecrets?: boolean;
  /**
   * EC P-256 keys the fake can sign with (`CryptographyClient.sign`), each in a vault of the
   * inventory: see signing-keys.ts and **Signing keys** in README.md.
   */
  signingKeys?: SigningKeySpec[];
}

export type Service = 'keyvault' | 'arm' | 'graph' | 'login' | 'proxy';

export interface RecordedRequest {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Epoch ms of arrival. */
  at: number;
  service: Service;
  /** A request for a secret's value (always answered 403). */
  valueRead?: true;
  /** A write attempt (answered 403, unless `writableSecrets` accepted a secret version). */
  write?: true;
}

export interface FakeAzureStats {
  /** Every request the fake answered (refused CONNECTs not included). */
  requests: number;
  /** Answered from the inventory (not 401, 429 or an injected failure). */
  served: number;
  throttled: number;
  failed: number;
  valueReads: number;
  writes: number;
  /** CONNECTs refused because the host is not one the fake impersonates. */
  refusedConnects: number;
}

export interface FakeAzure {
  proxyUrl: string;
  caFile: string;
  /** Directory holding the `az` stand-in; prepend it to PATH. */
  azDir: string;
  /**
   * HTTPS_PROXY, NO_PROXY (loopback only), NODE_EXTRA_CA_CERTS, AZURE_TOKEN_CREDENTIALS,
   * PATH with azDir first, and the stand-in's FAKE_AZ_* settings. AZURE_SUBSCRIPTION_IDS must
   * be UNSET in the product's environment (applyEnv removes it).
   */
  env: Record<string, string>;
  /** Every request, in order of arrival, with its final status. */
  requests: RecordedRequest[];
  stats(): FakeAzureStats;
  /** Sets `env` on `target` (default process.env) and removes AZURE_SUBSCRIPTION_IDS; returns an undo. */
  applyEnv(target?: NodeJS.ProcessEnv): () => void;
  /** The argv of every `az` invocation so far. */
  azCalls(): string[][];
  /**
   * Secret versions accepted under `writableSecrets`, in order, values included: for the test
   * harness to check what reached the vault (the product never reads a value back).
   */
  secretWrites(): SecretWriteRecord[];
  /** The `signingKeys`: rotate, disable, and the sign calls they answered. */
  signingKeys: FakeSigningKeys;
  close(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const AZ_DIR = join(HERE, 'bin');

/** `x.vault.<suffix>`: a Key Vault data-plane host. */
function isVaultHost(host: string): boolean {
  return host.split('.')[1] === 'vault';
}

function loginHostFor(vaultHost: string): string {
  if (vaultHost.endsWith('.usgovcloudapi.net')) return 'login.microsoftonline.us';
  if (vaultHost.endsWith('.azure.cn')) return 'login.chinacloudapi.cn';
  return 'login.windows.net';
}

function ensureExecutable(file: string): void {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    chmodSync(file, 0o755);
  }
}

export async function startFakeAzure(opts: FakeAzureOptions): Promise<FakeAzure> {
  const inventory = opts.inventory;
  const latency = Math.max(0, opts.latencyMs ?? 0);
  const armPageSize = Math.max(1, opts.pageSize ?? 2);
  const kvPageSize = Math.max(1, Math.min(opts.kvPageSize ?? 25, 25));
  const graphPageSize = Math.max(1, opts.graphPageSize ?? 3);
  const extraHosts = (opts.extraHosts ?? []).map((h) => h.toLowerCase());

  // ---- the model, built once --------------------------------------------------------------
  const planes = buildPlanes(inventory, opts.forbiddenVaults ?? []);
  const locationBy = new Map<string, string>();
  for (const v of inventory.vaults) {
    locationBy.set(`${v.subscriptionId.toLowerCase()}/${v.resourceGroup.toLowerCase()}`, v.location);
    if (!locationBy.has(v.subscriptionId.toLowerCase()))
      locationBy.set(v.subscriptionId.toLowerCase(), v.location);
  }
  const sites = buildSites(
    inventory,
    (sub, rg) => locationBy.get(`${sub}/${rg.toLowerCase()}`) ?? locationBy.get(sub) ?? 'westeurope',
  );
  const armModel = buildArmModel(inventory, sites);
  const graphModel = buildGraphModel(inventory);

  // Every vault host the inventory names must be covered by the server certificate.
  const vaultPatterns = [...planes.keys()].map((h) => `*.${h.split('.').slice(1).join('.')}`);
  const tls = tlsMaterial([...new Set([...extraHosts, ...vaultPatterns])]);
  const allowedPatterns = [...BASE_HOSTS, ...extraHosts];

  const azLogDir = mkdtempSync(join(tmpdir(), 'certify-fake-az-'));
  const azLog = join(azLogDir, 'az-calls.jsonl');
  ensureExecutable(join(AZ_DIR, 'az'));

  // ---- state -------------------------------------------------------------------------------
  const requests: RecordedRequest[] = [];
  const secretWrites: SecretWriteRecord[] = [];
  const signingKeys = createSigningKeys(opts.signingKeys ?? []);
  const counters = { served: 0, throttled: 0, failed: 0, valueReads: 0, writes: 0, refusedConnects: 0 };
  let kvArrivals = 0;
  const attempts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  // ---- authentication ----------------------------------------------------------------------
  function challenge(host: string): Record<string, string> {
    const resource = `https://${host.split('.').slice(1).join('.')}`;
    return {
      'www-authenticate': `Bearer authorization="https://${loginHostFor(host)}/${inventory.tenantId}", resource="${resource}"`,
    };
  }

  /** The 401 for a request, or null when its token is acceptable. */
  function authFailure(service: Service, host: string, authorization: string | undefined): Reply | null {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    let problem: 'missing' | 'invalid' | 'audience' | null = null;
    let audience = '';
    if (!token) problem = 'missing';
    else if (!token.startsWith('fake-')) problem = 'invalid';
    else {
      // `fake-<resource>-token` from the az stand-in: check the audience as Azure would.
      const m = /^fake-(https?:\/\/.+)-token$/.exec(token);
      if (m) {
        audience = m[1]!;
        const aud = audience.replace(/\/+$/, '').toLowerCase();
        const audHost = aud.replace(/^https?:\/\//, '').split('/')[0]!;
        const ok =
          service === 'keyvault'
            ? aud === `https://${host.split('.').slice(1).join('.')}`
            : service === 'arm'
              ? audHost === host || audHost.startsWith('management.core.')
              : audHost === host;
        if (!ok) problem = 'audience';
      }
    }
    if (!problem) return null;
    if (service === 'keyvault') {
      const message =
        problem === 'missing'
          ? 'AKV10000: Request is missing a Bearer or PoP token.'
          : problem === 'audience'
            ? `AKV10022: Invalid audience. Expected https://${host.split('.').slice(1).join('.')}, found: ${audience}.`
            : 'AKV10032: Invalid issuer. Expected one of https://sts.windows.net/..., found: (not a fake-azure token).';
      return { ...error(401, 'Unauthorized', message), headers: challenge(host) };
    }
    if (service === 'arm') {
      if (problem === 'missing') {
        return {
          ...error(
            401,
            'AuthenticationFailed',
            "Authentication failed. The 'Authorization' header is missing.",
          ),
          headers: {
            'www-authenticate': `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`,
          },
        };
      }
      return problem === 'audience'
        ? error(
            401,
            'InvalidAuthenticationTokenAudience',
            `The access token has been obtained for wrong audience or resource '${audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
          )
        : error(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    }
    return error(
      401,
      'InvalidAuthenticationToken',
      problem === 'missing' ? 'Access token is empty.' : 'Access token validation failure. Invalid audience.',
    );
  }

  // ---- injected trouble --------------------------------------------------------------------
  function throttled(): Reply | null {
    const t = opts.throttle;
    if (!t || t.everyNth < 1) return null;
    kvArrivals++;
    if (kvArrivals % t.everyNth !== 0) return null;
    const mode = t.retryAfter ?? 'seconds';
    const headers: Record<string, string> =
      mode === 'seconds' ? { 'retry-after': '1' } : mode === 'ms' ? { 'retry-after-ms': '50' } : {};
    return {
      ...error(
        429,
        'Throttled',
        'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
      ),
      headers,
    };
  }

  /** Same seed, same URL, same attempt number: same decision, whatever the concurrency. */
  function injectedFailure(r: Req, url: string): Reply | null {
    const f = opts.failures;
    if (!f || f.rate <= 0) return null;
    const key = `${r.method} ${r.host}${url}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const draw = detBytes(`fail:${f.seed ?? 1}:${key}#${attempt}`, 4).readUInt32BE(0) / 0x1_0000_0000;
    if (draw >= f.rate) return null;
    return draw < f.rate / 2
      ? error(
          500,
          'InternalServerError',
          'The server encountered an internal error. Please retry the request.',
        )
      : error(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry the request.');
  }

  // ---- dispatch ----------------------------------------------------------------------------
  function serviceOf(host: string): { service: Service; plane?: VaultPlane } | null {
    const plane = planes.get(host);
    if (plane) return { service: 'keyvault', plane };
    if (isVaultHost(host)) return null;
    if (/^(graph|microsoftgraph)\./.test(host)) return { service: 'graph' };
    if (host.startsWith('login.')) return { service: 'login' };
    return { service: 'arm' };
  }

  function answer(
    r: Req,
    url: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): { reply: Reply; service: Service } {
    const target = serviceOf(r.host);
    if (!target)
      return {
        reply: error(404, 'NotFound', `certify fake-azure: unknown host ${r.host}`),
        service: 'keyvault',
      };
    const { service, plane } = target;
    if (service === 'login') {
      return {
        reply: json(404, {
          error: 'not_found',
          error_description: `certify fake-azure does not serve ${r.host}: tokens come from the az stand-in (AzureCliCredential).`,
        }),
        service,
      };
    }
    const unauthorized = authFailure(service, r.host, headers.authorization);
    if (unauthorized) return { reply: unauthorized, service };
    if (service === 'keyvault' && plane) {
      if (!plane.forbidden && signingKeys.handles(r, plane)) {
        // Trouble first, as for writes: a throttled sign reaches no key.
        const limited = throttled() ?? injectedFailure(r, url);
        return { reply: limited ?? signingKeys.answer(r, plane, body)!, service };
      }
      if (opts.writableSecrets && !plane.forbidden && isSecretSet(r.method, r.path)) {
        // Trouble is decided before the write is applied, so a 429 or 5xx stores nothing.
        const limited = throttled() ?? injectedFailure(r, url);
        if (limited) return { reply: { ...limited, write: true }, service };
        const result = setSecret(r, plane, body, Date.now(), randomBytes(16).toString('hex'));
        if (result.written) secretWrites.push(result.written);
        return { reply: result.reply, service };
      }
      const reply = keyVault(r, plane, { pageSize: kvPageSize });
      if (reply.valueRead || reply.write || plane.forbidden) return { reply, service };
      const limited = throttled() ?? injectedFailure(r, url);
      return { reply: limited ?? reply, service };
    }
    const failed = injectedFailure(r, url);
    if (failed) return { reply: failed, service };
    if (service === 'graph') {
      return {
        reply: graph(r, graphModel, { pageSize: graphPageSize, forbidden: opts.graphForbidden ?? false }),
        service,
      };
    }
    return { reply: arm(r, armModel, { pageSize: armPageSize }), service };
  }

  function standardHeaders(
    service: Service,
    plane: VaultPlane | undefined,
    headers: IncomingHttpHeaders,
  ): Record<string, string> {
    const requestId = randomUUID();
    const clientId = headers['x-ms-client-request-id'];
    const out: Record<string, string> = {
      'cache-control': 'no-cache',
      pragma: 'no-cache',
      expires: '-1',
      'content-type': 'application/json; charset=utf-8',
      'x-ms-request-id': requestId,
      'strict-transport-security': 'max-age=31536000;includeSubDomains',
      'x-content-type-options': 'nosniff',
    };
    if (typeof clientId === 'string') out['x-ms-client-request-id'] = clientId;
    if (service === 'keyvault') {
      out['x-ms-keyvault-region'] = plane?.vault?.location ?? 'westeurope';
      out['x-ms-keyvault-service-version'] = '1.9.2437.1';
      out['x-ms-keyvault-network-info'] = 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;';
    } else if (service === 'arm') {
      out['x-ms-correlation-request-id'] = requestId;
      out['x-ms-ratelimit-remaining-subscription-reads'] = '11999';
    } else if (service === 'graph') {
      out['content-type'] =
        'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
      out['request-id'] = requestId;
      if (typeof clientId === 'string') out['client-request-id'] = clientId;
      out['odata-version'] = '4.0';
    }
    return out;
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now();
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const rawUrl = req.url ?? '/';
    const parsed = new URL(rawUrl, `https://${host || 'invalid'}`);
    const r: Req = {
      method: (req.method ?? 'GET').toUpperCase(),
      host,
      path: parsed.pathname,
      query: parsed.searchParams,
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { reply, service } = answer(r, rawUrl, req.headers, body);
      const record: RecordedRequest = {
        method: r.method,
        host,
        path: r.path,
        query: Object.fromEntries(parsed.searchParams),
        status: reply.status,
        at,
        service,
      };
      if (reply.valueRead) {
        record.valueRead = true;
        counters.valueReads++;
      }
      if (reply.write) {
        record.write = true;
        counters.writes++;
      }
      if (reply.status === 429) counters.throttled++;
      else if (reply.status >= 500) counters.failed++;
      else if (reply.status !== 401) counters.served++;
      requests.push(record);
      const send = () => {
        if (res.destroyed || res.writableEnded) return;
        const body = Buffer.from(reply.body, 'utf8');
        res.writeHead(reply.status, {
          ...standardHeaders(service, planes.get(host), req.headers),
          ...reply.headers,
          'content-length': String(body.length),
        });
        res.end(body);
      };
      if (latency > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, latency);
        timers.add(timer);
      } else {
        send();
      }
    });
  }

  // ---- servers -----------------------------------------------------------------------------
  const https = createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest);
  https.keepAliveTimeout = 120_000; // Azure front ends keep idle connections for minutes
  https.on('tlsClientError', () => undefined);

  function refuse(socket: Socket, status: number, reason: string, host: string, method: string): void {
    counters.refusedConnects++;
    requests.push({ method, host, path: '', query: {}, status, at: Date.now(), service: 'proxy' });
    const body = `certify fake-azure proxy: ${reason}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Bad Gateway'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  const proxy = createHttpServer((req, res) => {
    // Plain-HTTP proxying (absolute-form requests) is never allowed: nothing leaves this host.
    const host = (() => {
      try {
        return new URL(req.url ?? '').hostname;
      } catch {
        return req.headers.host ?? '';
      }
    })();
    counters.refusedConnects++;
    requests.push({
      method: req.method ?? 'GET',
      host,
      path: '',
      query: {},
      status: 403,
      at: Date.now(),
      service: 'proxy',
    });
    res
      .writeHead(403, { 'content-type': 'text/plain' })
      .end('certify fake-azure proxy: only CONNECT to Azure hosts\n');
  });
  proxy.requestTimeout = 0;
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(target);
    const host = (m?.[1] ?? target).toLowerCase();
    const port = Number(m?.[2] ?? 0);
    const allowed = planes.has(host) || allowedPatterns.some((p) => hostMatches(p, host));
    if (!allowed || port !== 443) {
      refuse(socket, 403, `${target} is not a host this fake impersonates`, host, 'CONNECT');
      return;
    }
    if (isVaultHost(host) && !planes.has(host)) {
      // No such vault: through a real proxy, a DNS failure.
      refuse(
        socket,
        502,
        `${host}: no such vault in the inventory (DNS name does not resolve)`,
        host,
        'CONNECT',
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    https.emit('connection', socket);
  });

  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(opts.port ?? 0, '127.0.0.1', () => {
      proxy.off('error', reject);
      resolve();
    });
  });
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const firstSub = [...armModel.subscriptions.keys()][0] ?? '00000000-0000-0000-0000-000000000001';
  const env: Record<string, string> = {
    HTTPS_PROXY: proxyUrl,
    https_proxy: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    NODE_EXTRA_CA_CERTS: tls.caFile,
    AZURE_TOKEN_CREDENTIALS: 'AzureCliCredential',
    PATH: `${AZ_DIR}${delimiter}${process.env.PATH ?? ''}`,
    FAKE_AZ_TENANT: inventory.tenantId,
    FAKE_AZ_SUBSCRIPTION: firstSub,
    FAKE_AZ_LOG: azLog,
  };

  return {
    proxyUrl,
    caFile: tls.caFile,
    azDir: AZ_DIR,
    env,
    requests,
    stats: () => ({ requests: requests.length - counters.refusedConnects, ...counters }),
    applyEnv(target: NodeJS.ProcessEnv = process.env) {
      const names = [...Object.keys(env), 'AZURE_SUBSCRIPTION_IDS'];
      const saved = new Map(names.map((n) => [n, target[n]]));
      Object.assign(target, env);
      delete target.AZURE_SUBSCRIPTION_IDS;
      return () => {
        for (const [n, v] of saved) {
          if (v === undefined) delete target[n];
          else target[n] = v;
        }
      };
    },
    secretWrites: () => secretWrites.map((w) => ({ ...w, tags: { ...w.tags } })),
    signingKeys,
    azCalls() {
      try {
        return readFileSync(azLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
      } catch {
        return [];
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const s of sockets) s.destroy();
      https.closeAllConnections();
      await done;
      rmSync(azLogDir, { recursive: true, force: true });
    },
  };
}

export { FIREWALL_BODY };
export type { SecretWriteRecord };
export type { FakeSigningKeys, SignCall, SigningKeySpec } from './signing-keys.js';
export type { Inventory };
