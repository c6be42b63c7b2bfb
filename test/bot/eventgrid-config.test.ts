/**
 * The Event Grid settings of readBotEnv: off without a credential, every mistake named by its
 * variable, a key never echoed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { readBotEnv } from '../../bot/config.js';
import { eventGridStartupMessage } from '../../bot/eventgrid/startup.js';
import type { IncomingMessage } from 'node:http';
import { HTTP_INSTRUMENTATION_CONFIG } from '../../bot/telemetry/start.js';
import { isCertifyError } from '../../base/errors.js';
import { SECRETS } from '../support/secrets.js';

const TENANT = '11111111-2222-3333-4444-555555555555';

function problems(env: Record<string, string>): string[] {
  try {
    readBotEnv({ PORT: '0', ...env }, '/tmp');
  } catch (e) {
    if (isCertifyError(e)) return [...e.problems];
    throw e;
  }
  return [];
}

describe('Event Grid configuration', () => {
  it('is off without a key or an audience', () => {
    assert.equal(readBotEnv({ PORT: '0', AZURE_TENANT_ID: TENANT }, '/tmp').eventGrid, null);
  });

  it('reads a key, an audience with its tenant and authority, and the vault DNS suffix', () => {
    const config = readBotEnv(
      {
        PORT: '0',
        CERTIFY_EVENTGRID_KEY: SECRETS.eventGridKey,
        CERTIFY_EVENTGRID_AUDIENCE: 'api://certify',
        AZURE_TENANT_ID: TENANT,
        AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/',
        CERTIFY_ARM_ENDPOINT: 'https://management.usgovcloudapi.net',
      },
      '/tmp',
    );
    assert.deepEqual(config.eventGrid, {
      key: SECRETS.eventGridKey,
      entra: {
        audience: 'api://certify',
        tenantId: TENANT,
        authorityHost: 'https://login.microsoftonline.us',
      },
      vaultDnsSuffix: 'vault.usgovcloudapi.net',
    });
    const line = eventGridStartupMessage(config.eventGrid, 'https://certify.example.com');
    assert.match(line, /https:\/\/certify\.example\.com\/api\/eventgrid/);
    assert.match(line, /CERTIFY_EVENTGRID_KEY or Entra ID tokens for api:\/\/certify/);
    assert.ok(!line.includes(SECRETS.eventGridKey), 'the start-up line never shows the key');
  });

  it('names every mistake, without echoing the key', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { CERTIFY_EVENTGRID_AUDIENCE: 'api://certify' },
        /CERTIFY_EVENTGRID_TENANT_ID: missing while CERTIFY_EVENTGRID_AUDIENCE is set/,
      ],
      [
        { CERTIFY_EVENTGRID_AUDIENCE: 'api://certify', CERTIFY_EVENTGRID_TENANT_ID: 'contoso' },
        /CERTIFY_EVENTGRID_TENANT_ID: "contoso" is not a tenant id/,
      ],
      [
        { CERTIFY_EVENTGRID_TENANT_ID: TENANT },
        /CERTIFY_EVENTGRID_TENANT_ID: set without CERTIFY_EVENTGRID_AUDIENCE/,
      ],
      [{ CERTIFY_EVENTGRID_KEY: 'short-secret' }, /CERTIFY_EVENTGRID_KEY: shorter than 16 characters/],
      [
        { CERTIFY_EVENTGRID_KEY: 'has spaces & more than 16' },
        /CERTIFY_EVENTGRID_KEY: has characters that need escaping/,
      ],
      [
        {
          CERTIFY_EVENTGRID_AUDIENCE: 'api://certify',
          AZURE_TENANT_ID: TENANT,
          CERTIFY_EVENTGRID_AUTHORITY_HOST: 'http://login.example.com',
        },
        /CERTIFY_EVENTGRID_AUTHORITY_HOST: "http:\/\/login\.example\.com" must be an https:\/\/ URL/,
      ],
    ];
    for (const [env, problem] of cases) {
      const found = problems(env);
      assert.ok(
        found.some((p) => problem.test(p)),
        `${JSON.stringify(env)} → ${JSON.stringify(found)}`,
      );
      if (env.CERTIFY_EVENTGRID_KEY) assert.ok(!found.join('\n').includes(env.CERTIFY_EVENTGRID_KEY));
    }
  });

  it("keeps the delivery URL's key out of traces (the server span's url.query)", () => {
    const hook = HTTP_INSTRUMENTATION_CONFIG.startIncomingSpanHook!;
    const attributes = hook({ url: `/api/eventgrid?key=${SECRETS.eventGridKey}` } as IncomingMessage);
    assert.equal(attributes['url.query'], '');
  });
});
