/**
 * Signing keys in the fake Key Vault: EC P-256 keys whose private half the fake holds, so the
 * real `KeyClient` and `CryptographyClient.sign` run against it as against Key Vault. Served
 * beside the inventory's keys (a signing key's name takes over that name in its vault):
 *
 * - `GET /keys/{name}[/]`, `GET /keys/{name}/{version}`: `{ key: JWK, attributes }` (the current
 *   version: the newest, as Key Vault answers for an unversioned id);
 * - `GET /keys/{name}/versions`: one page of `{ kid, attributes }`;
 * - `POST /keys/{name}/{version}/sign` `{ alg, value: b64url(digest) }` → `{ kid, value: b64url(r‖s) }`.
 *
 * *Guesses* (no recording): a disabled version answers 403 `Forbidden` "Operation sign is not
 * allowed on a disabled key." to sign and get; a wrong alg or digest length answers 400
 * `BadParameter`. Every sign call is recorded, whatever its answer, so a test can count them.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signP256Digest, toBig } from '../../../base/p256.js';
import { error, json, type Reply, type Req } from './routes.js';
import type { VaultPlane } from './wire.js';

export interface SigningKeySpec {
  vault: string;
  name: string;
  /** `EC-HSM` as a Premium vault's key reports itself; default `EC`. */
  kty?: 'EC' | 'EC-HSM';
}

export interface SignCall {
  vault: string;
  name: string;
  version: string;
  alg: string;
  status: number;
}

export interface FakeSigningKeys {
  /** Adds a new version (Key Vault's "rotate"); returns its version id. It becomes the current one. */
  rotate(vault: string, name: string): string;
  /** Disables one version: sign and get answer 403, listings show `enabled: false`. */
  disable(vault: string, name: string, version: string): void;
  /** The key's versions, oldest first. */
  versions(vault: string, name: string): string[];
  /** Every sign request that reached a signing key, in order. */
  signCalls(): SignCall[];
}

/** ECDSA over a digest the caller already hashed, as Key Vault signs, with a random nonce. */
function signDigest(d: bigint, digest: Buffer): Buffer {
  return signP256Digest(d, digest, () => toBig(randomBytes(32)));
}

interface Version {
  id: string;
  d: bigint;
  x: string;
  y: string;
  enabled: boolean;
  created: number;
}

interface HeldKey {
  spec: SigningKeySpec;
  versions: Version[];
}

export interface SigningKeyRoutes extends FakeSigningKeys {
  /** Whether a request is for a signing key (so trouble can be decided before it is answered). */
  handles(req: Req, plane: VaultPlane): boolean;
  /** The answer for a request to a signing key, or null when the request is not for one. */
  answer(req: Req, plane: VaultPlane, body: string): Reply | null;
}

export function createSigningKeys(specs: readonly SigningKeySpec[]): SigningKeyRoutes {
  const keys = new Map<string, HeldKey>();
  const calls: SignCall[] = [];
  const keyName = (vault: string, name: string) => `${vault.toLowerCase()}/${name.toLowerCase()}`;
  let clock = Math.floor(Date.now() / 1000);

  function newVersion(): Version {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    // Versions of one key get increasing times, as created one after another.
    clock += 1;
    return {
      id: randomBytes(16).toString('hex'),
      d: toBig(Buffer.from(jwk.d!, 'base64url')),
      x: jwk.x!,
      y: jwk.y!,
      enabled: true,
      created: clock,
    };
  }

  for (const spec of specs) keys.set(keyName(spec.vault, spec.name), { spec, versions: [newVersion()] });

  function held(vault: string, name: string): HeldKey {
    const key = keys.get(keyName(vault, name));
    if (!key) throw new Error(`fake-azure: no signing key ${vault}/${name}`);
    return key;
  }

  function heldFor(req: Req, plane: VaultPlane): { key: HeldKey; seg: string[] } | null {
    const seg = req.path
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
    if (seg[0]?.toLowerCase() !== 'keys' || !seg[1]) return null;
    const key = keys.get(keyName(plane.name, seg[1]));
    return key ? { key, seg } : null;
  }

  const attributes = (v: Version) => ({
    enabled: v.enabled,
    created: v.created,
    updated: v.created,
    recoveryLevel: 'Recoverable+Purgeable',
    exportable: false,
  });

  const disabled = (op: string): Reply =>
    error(403, 'Forbidden', `Operation ${op} is not allowed on a disabled key.`);

  return {
    rotate(vault, name) {
      const v = newVersion();
      held(vault, name).versions.push(v);
      return v.id;
    },
    disable(vault, name, version) {
      const v = held(vault, name).versions.find((x) => x.id === version);
      if (!v) throw new Error(`fake-azure: no version ${version} of ${vault}/${name}`);
      v.enabled = false;
    },
    versions: (vault, name) => held(vault, name).versions.map((v) => v.id),
    signCalls: () => calls.map((c) => ({ ...c })),

    handles: (req, plane) => heldFor(req, plane) !== null,

    answer(req, plane, body) {
      const found = heldFor(req, plane);
      if (!found) return null;
      const { key, seg } = found;
      const rest = seg.slice(2).filter((s, i, all) => s !== '' || i < all.length - 1);
      const kidOf = (v: Version) => `https://${plane.host}/keys/${key.spec.name}/${v.id}`;
      const versionOf = (id: string | undefined): Version | undefined =>
        id === undefined || id === '' ? key.versions.at(-1) : key.versions.find((v) => v.id === id);
      const notFound = () =>
        error(
          404,
          'KeyNotFound',
          `A key with (name/id) ${key.spec.name}/${rest[0] ?? ''} was not found in this key vault.`,
        );

      if (req.method === 'GET' && rest.length === 1 && rest[0]!.toLowerCase() === 'versions') {
        return json(200, {
          value: key.versions.map((v) => ({ kid: kidOf(v), attributes: attributes(v) })),
          nextLink: null,
        });
      }
      if (req.method === 'GET' && rest.length <= 1) {
        const v = versionOf(rest[0]);
        if (!v) return notFound();
        if (!v.enabled) return disabled('get');
        return json(200, {
          key: {
            kid: kidOf(v),
            kty: key.spec.kty ?? 'EC',
            key_ops: ['sign', 'verify'],
            crv: 'P-256',
            x: v.x,
            y: v.y,
          },
          attributes: attributes(v),
        });
      }
      if (req.method === 'POST' && rest.length === 2 && rest[1]!.toLowerCase() === 'sign') {
        const v = versionOf(rest[0]);
        let alg = '';
        const record = (reply: Reply): Reply => {
          calls.push({
            vault: plane.name,
            name: key.spec.name,
            version: rest[0]!,
            alg,
            status: reply.status,
          });
          return reply;
        };
        if (!v) return record(notFound());
        let request: { alg?: unknown; value?: unknown };
        try {
          request = JSON.parse(body) as typeof request;
        } catch {
          return record(error(400, 'BadParameter', 'The request body is not valid JSON.'));
        }
        alg = typeof request.alg === 'string' ? request.alg : '';
        if (!v.enabled) return record(disabled('sign'));
        if (alg !== 'ES256') {
          return record(
            error(400, 'BadParameter', `Invalid algorithm ${alg} for key type EC and curve P-256.`),
          );
        }
        const digest =
          typeof request.value === 'string' ? Buffer.from(request.value, 'base64url') : Buffer.alloc(0);
        if (digest.length !== 32) {
          return record(
            error(400, 'BadParameter', 'Invalid digest length: ES256 needs a 32-byte SHA-256 digest.'),
          );
        }
        return record(json(200, { kid: kidOf(v), value: signDigest(v.d, digest).toString('base64url') }));
      }
      return error(
        405,
        'MethodNotAllowed',
        `certify fake-azure: ${req.method} ${req.path} is not served for signing keys`,
      );
    },
  };
}
