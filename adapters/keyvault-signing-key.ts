/**
 * The signing key in Azure Key Vault (CERTIFY_SIGNING_KEY_ID): every ES256 signature is made by
 * Key Vault (`CryptographyClient.sign` over the SHA-256 digest) with the service's identity, so
 * the private key never leaves the vault (an HSM on Premium vaults) and Key Vault's own logs show
 * each use. Built at the edge like the Key Vault writer (azure-wiring.ts): DefaultAzureCredential,
 * one keep-alive agent, the scanner's retry layer and challenge-verification setting.
 *
 * Versions: an unversioned id signs with the newest enabled version, looked up again at most every
 * `refreshMs`, so a new version is picked up without a restart; a versioned id signs with that
 * version only. The key set holds every enabled version (bundles signed by an older one must keep
 * verifying) plus the keys the caller names (the data dir's earlier local key). Only public parts
 * are ever read, kept or reported.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { Agent } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import { CryptographyClient, KeyClient, type KeyVaultKey } from '@azure/keyvault-keys';
import { CertifyError } from '../base/errors.js';
import { jwkThumbprint, type Jwks, type PublicJwk, type Signer, type SigningKey } from '../base/jws.js';
import { readAzureEnv, type AzureSettings } from '../scanner/sources/azure/index.js';
import { VAULT_NAME } from '../scanner/sources/azure/names.js';
import { retryPolicy } from '../scanner/sources/azure/retry.js';
import { agentsFor, azureCredential } from './azure-wiring.js';

/** How often an unversioned key's versions are looked up again (CERTIFY_SIGNING_KEY_REFRESH_MINUTES). */
export const DEFAULT_REFRESH_MINUTES = 5;
/** A readiness probe trusts a successful signature this old, so probes do not each cost a Key Vault sign. */
export const READY_OK_MS = 5 * 60_000;
/** …and a failed one this old: a vault that recovers turns the service ready again within it. */
export const READY_FAILED_MS = 30_000;

const KEY_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const KEY_VERSION = /^[0-9a-fA-F]{32}$/;

export interface SigningKeyId {
  /** `https://<vault>.<suffix>` */
  vaultUrl: string;
  vault: string;
  name: string;
  /** null: the newest enabled version, followed as the key rotates. */
  version: string | null;
  /** The id as normalised: `https://<vault>.<suffix>/keys/<name>[/<version>]`. */
  id: string;
}

/** Reads CERTIFY_SIGNING_KEY_ID; throws BAD_USAGE naming what is wrong and the expected form. */
export function parseSigningKeyId(text: string, vaultDnsSuffix: string): SigningKeyId {
  const suffix = vaultDnsSuffix.toLowerCase().replace(/^\./, '');
  const expected = `https://<vault>.${suffix}/keys/<name>[/<version>]`;
  const refuse = (problem: string) =>
    new CertifyError(
      'BAD_USAGE',
      `CERTIFY_SIGNING_KEY_ID "${text}" is not a Key Vault key id: ${problem}`,
      [],
      `set it to ${expected} (what \`az keyvault key show --vault-name <vault> --name <name> --query key.kid\` prints, without the version to follow rotations), or unset it for the data dir's local key`,
    );
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw refuse('not a URL');
  }
  if (url.protocol !== 'https:') throw refuse('it must be an https:// URL');
  if (url.username || url.password) throw refuse('it must not carry a user or password');
  if (url.port !== '' && url.port !== '443') throw refuse(`port ${url.port}: Key Vault listens on 443`);
  if (url.search || url.hash) throw refuse('it must not have a query or fragment');
  const host = url.hostname.toLowerCase();
  if (!host.endsWith(`.${suffix}`)) {
    throw refuse(
      `${host} is not a Key Vault host (*.${suffix}; set CERTIFY_KEYVAULT_DNS_SUFFIX or CERTIFY_ARM_ENDPOINT for another cloud)`,
    );
  }
  const vault = host.slice(0, -suffix.length - 1);
  if (!VAULT_NAME.test(vault) || vault.includes('--') || vault.includes('.')) {
    throw refuse(`"${vault}" is not a vault name (3–24 letters, digits and single hyphens)`);
  }
  const parts = url.pathname.replace(/\/$/, '').split('/').slice(1);
  if (parts[0] !== 'keys' || parts.length < 2 || parts.length > 3) {
    throw refuse(
      parts[0] === 'secrets' || parts[0] === 'certificates'
        ? `it names a ${parts[0].slice(0, -1)}, not a key`
        : 'the path must be /keys/<name> or /keys/<name>/<version>',
    );
  }
  const name = decodeURIComponent(parts[1]!);
  if (!KEY_NAME.test(name)) throw refuse(`"${name}" is not a key name (1–127 letters, digits and hyphens)`);
  const version = parts[2] === undefined ? null : decodeURIComponent(parts[2]);
  if (version !== null && !KEY_VERSION.test(version)) {
    throw refuse(`"${version}" is not a key version (32 hexadecimal characters)`);
  }
  const vaultUrl = `https://${host}`;
  return {
    vaultUrl,
    vault,
    name,
    version: version?.toLowerCase() ?? null,
    id: `${vaultUrl}/keys/${name}${version ? `/${version.toLowerCase()}` : ''}`,
  };
}

export interface KeyVaultSigningKeyPorts {
  credential: TokenCredential;
  settings: AzureSettings;
  /** CERTIFY_SIGNING_KEY_ID as set. */
  keyId: string;
  /** Default DEFAULT_REFRESH_MINUTES. */
  refreshMs?: number;
  /** Public keys that stay in the key set: the data dir's local key, which signed earlier bundles. */
  extraKeys?: readonly PublicJwk[];
  agentFor?: (host: string) => Agent | undefined;
  now?: () => number;
  random?: () => number;
}

interface KeyVaultErrorLike {
  statusCode?: number;
  code?: string;
  name?: string;
}

/** Status and service code only: what Key Vault refused, and what to do about it. */
function failure(what: string, error: unknown): CertifyError {
  if (error instanceof CertifyError) return error;
  const e = (error ?? {}) as KeyVaultErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? ` ${e.code}` : '';
  if (status === undefined && e.name !== 'RestError' && e.name !== 'AbortError') {
    // The SDK's own checks before any request (an expired version, an operation the key does not allow).
    return new CertifyError('SIGNING_KEY', `${what}: ${(error as Error)?.message ?? String(error)}`);
  }
  if (status === undefined) {
    return new CertifyError(
      'SIGNING_KEY',
      `${what}: Key Vault could not be reached (${e.name === 'AbortError' ? 'timed out' : (e.code ?? (error as Error)?.message ?? 'connection failed')})`,
      [],
      'check that the vault exists, its DNS name resolves from here, and HTTPS_PROXY / NO_PROXY',
    );
  }
  const hint =
    status === 403
      ? 'the identity needs the Key Vault Crypto User role on the key (or get, list and sign in an access policy), the vault must admit this client, and the version must be enabled'
      : status === 401
        ? 'authentication failed: check the managed identity or AZURE_* credential settings'
        : status === 404
          ? 'no such key or version in that vault: check CERTIFY_SIGNING_KEY_ID'
          : status === 429 || status >= 500
            ? 'Key Vault kept failing after retries: try again later'
            : 'unexpected answer from Key Vault';
  return new CertifyError('SIGNING_KEY', `${what}: Key Vault answered ${status}${code}`, [], hint);
}

/** The public half of an EC P-256 Key Vault key, or why it cannot sign ES256. */
function publicJwkOfKey(key: KeyVaultKey): PublicJwk | string {
  const jwk = key.key;
  const kty = jwk?.kty ?? key.keyType;
  if (kty !== 'EC' && kty !== 'EC-HSM')
    return `it is a ${String(kty)} key, not EC (ES256 needs kty EC or EC-HSM)`;
  if (jwk?.crv !== 'P-256') return `its curve is ${String(jwk?.crv)}, not P-256 (ES256)`;
  if (!jwk.x || !jwk.y) return 'Key Vault returned no public point';
  // Key Vault sends 32-byte coordinates; padding guards a shortened one, which would change the kid.
  const coord = (b: Uint8Array) =>
    Buffer.concat([Buffer.alloc(Math.max(0, 32 - b.length)), b]).toString('base64url');
  const base = { kty: 'EC' as const, crv: 'P-256' as const, x: coord(jwk.x), y: coord(jwk.y) };
  try {
    createPublicKey({ key: base, format: 'jwk' });
  } catch {
    return 'its public point is not on P-256';
  }
  return { ...base, kid: jwkThumbprint(base), alg: 'ES256', use: 'sig' };
}

interface VersionKey {
  version: string;
  jwk: PublicJwk;
  crypto: CryptographyClient;
}

interface State {
  current: VersionKey;
  /** Enabled versions, newest first. */
  enabled: VersionKey[];
  jwks: Jwks;
}

/**
 * Opens the key: reads its versions and checks the one that signs, so a wrong id, a missing role
 * or a key that is not EC P-256 stops the service at start-up with the reason.
 */
export async function openKeyVaultSigningKey(ports: KeyVaultSigningKeyPorts): Promise<SigningKey> {
  const { settings, credential } = ports;
  const id = parseSigningKeyId(ports.keyId, settings.vaultDnsSuffix);
  const now = ports.now ?? Date.now;
  const refreshMs = ports.refreshMs ?? DEFAULT_REFRESH_MINUTES * 60_000;
  const agent = ports.agentFor?.(new URL(id.vaultUrl).host);
  const clientOptions = {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [
      {
        policy: retryPolicy({ maxRetries: settings.maxRetries, random: ports.random }),
        position: 'perCall' as const,
      },
    ],
    userAgentOptions: { userAgentPrefix: 'certify' },
    disableChallengeResourceVerification: !settings.keyVaultChallengeVerification,
    ...(agent ? { agent } : {}),
  };
  const keys = new KeyClient(id.vaultUrl, credential, clientOptions);
  const requestOptions = { timeout: settings.requestTimeoutMs };
  /** Versions' public keys never change, so each is fetched once. */
  const known = new Map<string, VersionKey | string>();

  async function versionKey(version: string): Promise<VersionKey | string> {
    const cached = known.get(version);
    if (cached !== undefined) return cached;
    let key: KeyVaultKey;
    try {
      key = await keys.getKey(id.name, { version, requestOptions });
    } catch (error) {
      throw failure(`cannot read ${id.vaultUrl}/keys/${id.name}/${version}`, error);
    }
    const jwk = publicJwkOfKey(key);
    const entry =
      typeof jwk === 'string'
        ? jwk
        : { version, jwk, crypto: new CryptographyClient(key, credential, clientOptions) };
    known.set(version, entry);
    return entry;
  }

  async function resolve(): Promise<State> {
    const at = now();
    const listed: { version: string; created: number; signs: boolean }[] = [];
    try {
      for await (const p of keys.listPropertiesOfKeyVersions(id.name, { requestOptions })) {
        if (!p.version || p.enabled !== true) continue;
        const signs =
          (!p.notBefore || p.notBefore.getTime() <= at) && (!p.expiresOn || p.expiresOn.getTime() > at);
        listed.push({ version: p.version.toLowerCase(), created: p.createdOn?.getTime() ?? 0, signs });
      }
    } catch (error) {
      throw failure(`cannot list the versions of ${id.vaultUrl}/keys/${id.name}`, error);
    }
    listed.sort((a, b) => b.created - a.created);
    const signing = id.version ?? listed.find((v) => v.signs)?.version;
    if (!signing) {
      throw new CertifyError(
        'SIGNING_KEY',
        `${id.id} has no enabled version that can sign now`,
        [],
        'enable a version, or create one with `az keyvault key rotate` / `az keyvault key create`',
      );
    }
    if (!listed.some((v) => v.version === signing && v.signs)) {
      throw new CertifyError(
        'SIGNING_KEY',
        `${id.id} is disabled, expired or not yet valid, so Key Vault will not sign with it`,
        [],
        'enable it, or point CERTIFY_SIGNING_KEY_ID at another version (or at the key without a version)',
      );
    }
    const current = await versionKey(signing);
    if (typeof current === 'string') {
      throw new CertifyError(
        'SIGNING_KEY',
        `${id.vaultUrl}/keys/${id.name}/${signing} cannot sign ES256: ${current}`,
        [],
        'create the key with `az keyvault key create --kty EC-HSM --curve P-256` (or --kty EC on a Standard vault)',
      );
    }
    const enabled: VersionKey[] = [];
    for (const v of listed) {
      const k = await versionKey(v.version);
      // A version of another type never signed a bundle, so it has no place in the key set.
      if (typeof k !== 'string') enabled.push(k);
    }
    const kids = new Set<string>();
    const published = [...enabled.map((k) => k.jwk), ...(ports.extraKeys ?? [])].filter(
      (k) => !kids.has(k.kid) && kids.add(k.kid),
    );
    return { current, enabled, jwks: { keys: published } };
  }

  let state = await resolve();
  let resolvedAt = now();
  let refreshing: Promise<State> | null = null;

  /** The state, looked up again once `refreshMs` has passed (one lookup however many callers wait). */
  async function fresh(): Promise<State> {
    if (now() - resolvedAt < refreshMs) return state;
    refreshing ??= resolve()
      .then(
        (next) => (state = next),
        // The versions could not be read: signing goes on with the version known to work, and
        // the next window tries again; a sign that fails says why.
        () => state,
      )
      .finally(() => {
        resolvedAt = now();
        refreshing = null;
      });
    return refreshing;
  }

  let lastOk = Number.NEGATIVE_INFINITY;
  let lastFailure: { at: number; message: string } | null = null;

  function signerOf(v: VersionKey): Signer {
    const key = createPublicKey({
      key: { kty: v.jwk.kty, crv: v.jwk.crv, x: v.jwk.x, y: v.jwk.y },
      format: 'jwk',
    });
    const where = `${id.vaultUrl}/keys/${id.name}/${v.version}`;
    return {
      kid: v.jwk.kid,
      publicJwk: v.jwk,
      async sign(data) {
        const digest = createHash('sha256').update(data).digest();
        try {
          let result: Uint8Array;
          try {
            ({ result } = await v.crypto.sign('ES256', digest, { requestOptions }));
          } catch (error) {
            throw failure(`cannot sign with ${where}`, error);
          }
          const signature = Buffer.from(result);
          // Checked here, so a signature that would not verify never reaches a bundle.
          if (
            signature.length !== 64 ||
            !verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
          ) {
            throw new CertifyError(
              'SIGNING_KEY',
              `${where} returned a signature that does not verify with its public key`,
            );
          }
          lastOk = now();
          return signature;
        } catch (error) {
          lastFailure = { at: now(), message: (error as Error).message };
          // A version disabled or deleted since the last lookup: look again before the next signature.
          if (id.version === null) resolvedAt = Number.NEGATIVE_INFINITY;
          throw error;
        }
      },
    };
  }
  const signers = new WeakMap<VersionKey, Signer>();
  const pinned = async (): Promise<Signer> => {
    const { current } = await fresh();
    let signer = signers.get(current);
    if (!signer) signers.set(current, (signer = signerOf(current)));
    return signer;
  };

  let probing: Promise<string | null> | null = null;

  return {
    get kid() {
      return state.current.jwk.kid;
    },
    get publicJwk() {
      return state.current.jwk;
    },
    source: id.id,
    pin: pinned,
    sign: async (data) => (await pinned()).sign(data),
    jwks() {
      // Served from memory; a stale set is looked up again in the background for the next caller.
      void fresh();
      return { keys: [...state.jwks.keys] };
    },
    problem() {
      const t = now();
      const failedRecently =
        lastFailure !== null && lastFailure.at > lastOk && t - lastFailure.at < READY_FAILED_MS;
      if (failedRecently) return Promise.resolve(lastFailure!.message);
      if (t - lastOk < READY_OK_MS) return Promise.resolve(null);
      probing ??= pinned()
        .then((s) => s.sign(Buffer.from('certify readiness probe')))
        .then(
          () => null,
          (e: unknown) => (e as Error).message,
        )
        .finally(() => (probing = null));
      return probing;
    },
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** The Key Vault signing key from the environment (CERTIFY_SIGNING_KEY_ID and the Azure settings). */
export function keyVaultSigningKeyFromEnv(
  env: Env,
  opts: { keyId: string; refreshMinutes?: number; extraKeys?: readonly PublicJwk[] },
): Promise<SigningKey> {
  const settings = readAzureEnv(env);
  return openKeyVaultSigningKey({
    credential: azureCredential(settings),
    settings,
    keyId: opts.keyId,
    agentFor: agentsFor(settings, settings.perVaultConcurrency),
    ...(opts.refreshMinutes !== undefined ? { refreshMs: opts.refreshMinutes * 60_000 } : {}),
    ...(opts.extraKeys ? { extraKeys: opts.extraKeys } : {}),
  });
}
