/**
 * A local Event Grid publisher, and a local Entra ID that publishes a tenant's token-signing keys:
 * what is on the other side of /api/eventgrid in production, so the tests drive the real server
 * over HTTP. The publisher does both subscription handshakes and delivers the fixtures of
 * test/fixtures/eventgrid in either envelope, alone or batched, with whatever credential a test
 * gives it (or a forged one).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { KeyVaultEventType } from '../../bot/eventgrid/types.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'eventgrid');

export type Envelope = 'eventgrid' | 'cloudevents';

/** A fixture's event (the Event Grid schema file holds a batch of one; the event is returned). */
export function fixtureEvent(type: KeyVaultEventType | 'SubscriptionValidationEvent', envelope: Envelope) {
  const json = JSON.parse(readFileSync(join(fixtures, `${type}.${envelope}.json`), 'utf8')) as unknown;
  return (Array.isArray(json) ? json[0] : json) as Record<string, unknown>;
}

export interface Credential {
  /** The delivery URL's ?key=. */
  key?: string;
  /** An Authorization: Bearer token. */
  token?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | null;
}

export interface EventGridPublisher {
  /** The Event Grid schema handshake: the SubscriptionValidationEvent fixture. */
  validateEventGrid(cred: Credential): Promise<Answer>;
  /** The CloudEvents abuse-protection handshake: OPTIONS with WebHook-Request-Origin. */
  validateCloudEvents(cred: Credential, origin?: string): Promise<Answer>;
  /**
   * Delivers events: the Event Grid schema as a JSON array; CloudEvents one alone as
   * application/cloudevents+json, several as application/cloudevents-batch+json.
   */
  deliver(envelope: Envelope, events: unknown[], cred: Credential): Promise<Answer>;
  /** A raw body, for malformed and oversized deliveries. */
  raw(body: string | Buffer, contentType: string, cred: Credential): Promise<Answer>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Record<string, unknown> | null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // An empty answer (OPTIONS) or a non-JSON one.
    json = null;
  }
  return { status: res.status, headers: res.headers, json };
}

/** A publisher delivering to `endpoint` (e.g. http://127.0.0.1:PORT/api/eventgrid). */
export function eventGridPublisher(endpoint: string): EventGridPublisher {
  const url = (cred: Credential) => {
    const u = new URL(endpoint);
    if (cred.key !== undefined) u.searchParams.set('key', cred.key);
    return u;
  };
  const auth = (cred: Credential): Record<string, string> =>
    cred.token !== undefined ? { authorization: `Bearer ${cred.token}` } : {};
  const post = async (body: string | Buffer, contentType: string, cred: Credential) =>
    answer(
      await fetch(url(cred), {
        method: 'POST',
        headers: { 'content-type': contentType, 'aeg-event-type': 'Notification', ...auth(cred) },
        body,
      }),
    );
  return {
    async validateEventGrid(cred) {
      const body = JSON.stringify([fixtureEvent('SubscriptionValidationEvent', 'eventgrid')]);
      return answer(
        await fetch(url(cred), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'aeg-event-type': 'SubscriptionValidation',
            ...auth(cred),
          },
          body,
        }),
      );
    },
    async validateCloudEvents(cred, origin = 'eventgrid.azure.net') {
      return answer(
        await fetch(url(cred), {
          method: 'OPTIONS',
          headers: { 'webhook-request-origin': origin, ...auth(cred) },
        }),
      );
    },
    deliver(envelope, events, cred) {
      if (envelope === 'eventgrid') return post(JSON.stringify(events), 'application/json', cred);
      return events.length === 1
        ? post(JSON.stringify(events[0]), 'application/cloudevents+json; charset=utf-8', cred)
        : post(JSON.stringify(events), 'application/cloudevents-batch+json; charset=utf-8', cred);
    },
    raw: post,
  };
}

export interface FakeEntra {
  /** The authority host (http://127.0.0.1:PORT): its /<tenant>/discovery/v2.0/keys is the JWKS. */
  authorityHost: string;
  tenantId: string;
  /** Signs a token with the published key (or, `forged`, with a key the JWKS does not hold). */
  sign(
    claims: JWTPayload,
    opts?: { forged?: boolean; issuedAt?: number; expiresAt?: number },
  ): Promise<string>;
  /** The v2 issuer of this tenant. */
  issuer: string;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

/** A local Entra ID for one tenant: publishes one RS256 key, signs tokens with it. */
export async function startFakeEntra(tenantId: string): Promise<FakeEntra> {
  const kid = 'fake-entra-key-1';
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === `/${tenantId}/discovery/v2.0/keys`) {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${authorityHost}/${tenantId}/v2.0`;
  return {
    authorityHost,
    tenantId,
    issuer,
    async sign(claims, opts = {}) {
      const key: CryptoKey = opts.forged ? other.privateKey : privateKey;
      const iat = opts.issuedAt ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuedAt(iat)
        .setNotBefore(iat)
        .setExpirationTime(opts.expiresAt ?? iat + 3600)
        .sign(key);
    },
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
