/**
 * A fake Bot Framework connector (the `serviceUrl` Teams puts in every activity): answers the
 * calls a bot makes to reply, post proactively and update a card, and records them all. It is
 * also the Bot Framework's token issuer for tests: it serves an OpenID configuration and key set
 * (what the Teams SDK's validator fetches) and signs RS256 tokens with a key in that set, or with
 * a stranger's key, so inbound token validation runs for real and never leaves this machine.
 */
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEnvironment } from '@microsoft/teams.api';

export interface RecordedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** POST …/activities/{replyToId}: the activity replied to; PUT: the activity updated. */
  activityId: string | null;
  activity: Record<string, unknown>;
  authorization: string | null;
}

/** The issuer of Bot Framework service tokens (the cloud's `tokenIssuer`). */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export interface TokenOptions {
  /** The bot's app id, as Teams puts it in `aud`. */
  audience: string;
  /** The `serviceurl` claim; Teams sets it to the activity's serviceUrl. */
  serviceUrl?: string;
  issuer?: string;
  /** Seconds from now; negative for a token that has expired. Default 3600. */
  expiresIn?: number;
  /** Signed with a key the key set does not hold (same `kid`): a forgery. */
  forged?: boolean;
  /** `alg: none` with no signature. */
  unsigned?: boolean;
}

export interface FakeConnector {
  /** `http://127.0.0.1:PORT/`, with the trailing slash Bot Framework uses. */
  serviceUrl: string;
  /** The Teams SDK's cloud endpoints, all pointing here: key set, issuer, login. */
  cloud: CloudEnvironment;
  activities: RecordedActivity[];
  /** Requests the fake did not recognise (method and path), for assertions. */
  unexpected: string[];
  /** How many times the key set was fetched. */
  keySetFetches: number;
  /** A Bot Framework service token for an inbound activity, signed by the key set's key. */
  token(options: TokenOptions): string;
  /** A token for the bot's outgoing calls (what MSAL would get from Entra ID). */
  outboundToken(): string;
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;
const OPENID = '/v1/.well-known/openidconfiguration';
const KEYS = '/v1/.well-known/keys';
/** Entra ID's per-tenant key set, for tokens whose issuer is the login endpoint. */
const TENANT_KEYS = /^\/[^/]+\/discovery\/v2\.0\/keys$/;

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function jwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: KeyObject | null,
): string {
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  if (key === null) return `${head}.`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(key).toString('base64url')}`;
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const activities: RecordedActivity[] = [];
  const unexpected: string[] = [];
  let next = 1;
  const kid = `fake-${randomUUID()}`;
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = trusted.publicKey.export({ format: 'jwk' });
  let base = '';

  const fake: FakeConnector = {
    serviceUrl: '',
    cloud: undefined as unknown as CloudEnvironment,
    activities,
    unexpected,
    keySetFetches: 0,
    token(options) {
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: options.issuer ?? BOT_FRAMEWORK_ISSUER,
        aud: options.audience,
        iat: now - 10,
        nbf: now - 10,
        exp: now + (options.expiresIn ?? 3600),
      };
      if (options.serviceUrl !== undefined) claims.serviceurl = options.serviceUrl;
      if (options.unsigned) return jwt({ alg: 'none', typ: 'JWT' }, claims, null);
      const key = options.forged ? stranger.privateKey : trusted.privateKey;
      return jwt({ alg: 'RS256', typ: 'JWT', kid }, claims, key);
    },
    outboundToken() {
      const now = Math.floor(Date.now() / 1000);
      return jwt(
        { alg: 'RS256', typ: 'JWT', kid },
        { iss: `${base}/botframework.com/v2.0`, aud: BOT_FRAMEWORK_ISSUER, iat: now, exp: now + 3600 },
        trusted.privateKey,
      );
    },
    close: () => Promise.resolve(),
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method;
      if (method === 'GET' && path === OPENID) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            issuer: BOT_FRAMEWORK_ISSUER,
            jwks_uri: `${base}${KEYS}`,
            id_token_signing_alg_values_supported: ['RS256'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
          }),
        );
        return;
      }
      if (method === 'GET' && (path === KEYS || TENANT_KEYS.test(path))) {
        fake.keySetFetches++;
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] }] }),
          );
        return;
      }
      const match = ACTIVITIES.exec(path);
      const ok = match !== null && (method === 'POST' || (method === 'PUT' && match[2] !== undefined));
      if (!ok || match === null) {
        unexpected.push(`${method ?? '?'} ${path}`);
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound"}}');
        return;
      }
      let activity: Record<string, unknown>;
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"BadArgument"}}');
        return;
      }
      const auth = req.headers.authorization;
      activities.push({
        method: method as 'POST' | 'PUT',
        conversationId: decodeURIComponent(match[1] ?? ''),
        activityId: match[2] === undefined ? null : decodeURIComponent(match[2]),
        activity,
        authorization: auth ?? null,
      });
      const id = method === 'PUT' ? decodeURIComponent(match[2] ?? '') : `fake-${next++}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  fake.serviceUrl = `${base}/`;
  fake.cloud = {
    loginEndpoint: base,
    loginTenant: 'botframework.com',
    botScope: `${BOT_FRAMEWORK_ISSUER}/.default`,
    tokenServiceUrl: base,
    openIdMetadataUrl: `${base}${OPENID}`,
    tokenIssuer: BOT_FRAMEWORK_ISSUER,
    graphScope: `${base}/graph/.default`,
    agenticIdentityBotScope: `${base}/botapi/.default`,
  };
  fake.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    });
  return fake;
}
