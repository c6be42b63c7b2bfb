/**
 * The bot's HTTP server against the real core (demo tenant, temporary store) on an ephemeral
 * port, and the configuration reader as a table of environments.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readBotEnv, type BotConfig } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer } from '../../bot/server.js';
import type { Log } from '../../bot/types.js';
import { openPorts } from '../../app/ports.js';
import { isCertifyError } from '../../base/errors.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { SECRETS } from '../support/secrets.js';
import { suiteLog } from '../support/child-log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function config(overrides: Partial<BotConfig> = {}): BotConfig {
  return { ...readBotEnv({ PORT: '0' }, '/tmp'), ...overrides };
}

function start(
  opts: { config?: Partial<BotConfig>; routes?: Parameters<typeof createServer>[0]['routes'] } = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'certify-server-'));
  dirs.push(dataDir);
  const lines: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const log: Log = suiteLog('server', (event, fields = {}) => void lines.push({ event, fields }));
  const core = createBotCore({
    ports: openPorts(dataDir, 50),
    source: demoSource({ profile: 'showcase', size: 200 }),
    clock: () => Date.parse('2026-11-23T06:00:00Z'),
  });
  const server = createServer({
    config: config(opts.config),
    core,
    log,
    routes: opts.routes,
    version: '9.9.9',
  });
  return { server, lines };
}

async function call(port: number, method: string, path: string, body?: string | Buffer) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
}

describe('bot server (playground on)', () => {
  const { server, lines } = start();
  let port = 0;
  beforeAll(async () => {
    ({ port } = await server.listen());
  });
  afterAll(() => server.close());

  it('GET /healthz reports liveness, version and channels', async () => {
    const r = await call(port, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.json.ok, true);
    assert.equal(r.json.version, '9.9.9');
    assert.equal(typeof r.json.uptimeSeconds, 'number');
    assert.equal(r.json.node, process.version);
    assert.equal(r.json.playground, true);
    assert.equal(r.json.teams, false);
    assert.equal(r.json.slack, false);
  });

  it('serves the playground page, its assets and the Adaptive Cards renderer', async () => {
    const page = await call(port, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /<input[^>]+id="command"/);
    assert.match(page.text, /<label for="command"/);
    assert.match(page.text, /Certify playground/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const app = await call(port, 'GET', '/playground/app.js');
    assert.equal(app.status, 200);
    assert.match(app.text, /onExecuteAction/);
    const css = await call(port, 'GET', '/playground/style.css');
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
    const ac = await call(port, 'GET', '/playground/adaptivecards.js');
    assert.equal(ac.status, 200);
    assert.match(ac.text, /AdaptiveCards/);
  });

  let firstAction: { verb: string; data: Record<string, string> } | undefined;

  it('POST /api/playground/command answers with an Adaptive Card 1.5 and its view', async () => {
    const r = await call(port, 'POST', '/api/playground/command', JSON.stringify({ text: 'score' }));
    assert.equal(r.status, 200);
    const card = r.json.card as { version: string; type: string; actions: Array<Record<string, unknown>> };
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.version, '1.5');
    assert.ok(card.actions.length > 0);
    for (const a of card.actions) assert.equal(a.type, 'Action.Execute');
    assert.equal((r.json.view as { kind: string }).kind, 'score');
    firstAction = card.actions[0] as { verb: string; data: Record<string, string> };
  });

  it('POST /api/playground/action with the card’s first button answers with a card', async () => {
    assert.ok(firstAction);
    const r = await call(
      port,
      'POST',
      '/api/playground/action',
      JSON.stringify({
        verb: firstAction.verb,
        data: firstAction.data,
        user: { id: 'playground-riley', name: 'Riley Chen' },
      }),
    );
    assert.equal(r.status, 200);
    assert.equal((r.json.card as { version: string }).version, '1.5');
  });

  it('answers 404, 405, 400 and 413 as JSON', async () => {
    const missing = await call(port, 'GET', '/nope');
    assert.equal(missing.status, 404);
    assert.match(String(missing.json.error), /no route/);

    const wrongMethod = await call(port, 'GET', '/api/playground/command');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');

    const badJson = await call(port, 'POST', '/api/playground/command', '{"text": ');
    assert.equal(badJson.status, 400);
    assert.match(String(badJson.json.error), /not valid JSON/);

    const noText = await call(port, 'POST', '/api/playground/command', JSON.stringify({ txt: 'score' }));
    assert.equal(noText.status, 400);
    assert.deepEqual(noText.json.problems, ['text']);

    const badData = await call(
      port,
      'POST',
      '/api/playground/action',
      JSON.stringify({ verb: 'x', data: { n: 1 } }),
    );
    assert.equal(badData.status, 400);

    const big = await call(port, 'POST', '/api/playground/command', Buffer.alloc(1024 * 1024 + 1, 0x20));
    assert.equal(big.status, 413);
  });

  it('413 also for a chunked body that grows past the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          port,
          method: 'POST',
          path: '/api/playground/command',
          host: '127.0.0.1',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      for (let i = 0; i < 5; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
  });

  it('logs one structured line per request, without bodies', () => {
    const http = lines.filter((l) => l.event === 'http');
    assert.ok(http.length >= 8);
    for (const l of http) assert.deepEqual(Object.keys(l.fields).sort(), ['method', 'ms', 'path', 'status']);
    assert.ok(http.some((l) => l.fields.path === '/healthz' && l.fields.status === 200));
    assert.ok(!JSON.stringify(lines).includes('score"'));
  });
});

describe('bot server (playground off, adapter routes)', () => {
  it('serves no playground when it is off, and mounts adapter routes', async () => {
    const { server } = start({
      config: { playground: false },
      routes: {
        'POST /slack/events': async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('slack');
        },
      },
    });
    const { port } = await server.listen();
    try {
      assert.equal((await call(port, 'GET', '/')).status, 404);
      assert.equal((await call(port, 'POST', '/api/playground/command', '{"text":"score"}')).status, 404);
      assert.equal((await call(port, 'POST', '/slack/events', '{}')).text, 'slack');
      assert.equal((await call(port, 'GET', '/slack/events')).status, 405);
      assert.equal((await call(port, 'GET', '/healthz')).json.playground, false);
    } finally {
      await server.close();
    }
  });

  it('a failing route answers 500 without leaking the error', async () => {
    const { server, lines } = start({
      routes: {
        'POST /boom': async () => {
          throw new Error('secret detail');
        },
      },
    });
    const { port } = await server.listen();
    try {
      const r = await call(port, 'POST', '/boom', '{}');
      assert.equal(r.status, 500);
      assert.doesNotMatch(r.text, /secret detail/);
      assert.ok(lines.some((l) => l.event === 'http_error'));
    } finally {
      await server.close();
    }
  });

  it('close() lets an in-flight request finish, then stops accepting', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { server } = start({
      routes: {
        'GET /slow': async (_req, res) => {
          entered();
          await new Promise((r) => setTimeout(r, 200));
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('done');
        },
      },
    });
    const { port } = await server.listen();
    const slow = call(port, 'GET', '/slow');
    await inside;
    const t0 = Date.now();
    await server.close();
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.text, 'done');
    assert.ok(Date.now() - t0 >= 150, 'close waited for the in-flight request');
    await assert.rejects(call(port, 'GET', '/healthz'));
  });
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    readBotEnv(env, '/srv');
  } catch (e) {
    assert.ok(isCertifyError(e));
    assert.equal(e.code, 'BAD_USAGE');
    assert.equal(e.message, 'the configuration has problems');
    assert.ok(e.hint);
    return [...e.problems];
  }
  assert.fail(`expected problems for ${JSON.stringify(env)}`);
}

describe('readBotEnv', () => {
  it('has defaults that start a playground-only service', () => {
    const c = readBotEnv({}, '/srv');
    assert.equal(c.port, 3978);
    assert.equal(c.dataDir, '/srv/.certify');
    assert.equal(c.source, 'demo');
    assert.equal(c.scanCron, '0 6 * * *');
    // The playground's approver, so the local demo can show an approval; nobody else.
    assert.deepEqual(c.approvers, ['playground-morgan']);
    assert.equal(c.publicUrl, 'http://localhost:3978');
    assert.equal(c.tsaUrl, null);
    assert.equal(c.linkTtlMs, 24 * 3_600_000);
    assert.equal(c.playground, true);
    assert.equal(c.teams, null);
    assert.equal(c.slack, null);
  });

  it('reads every variable', () => {
    const c = readBotEnv(
      {
        PORT: '8080',
        CERTIFY_DATA_DIR: '/data',
        CERTIFY_SOURCE: 'azure',
        CERTIFY_SCAN_CRON: '*/15 0-6,22 * JAN-mar mon-fri',
        CERTIFY_APPROVERS: ' alice , bob,,',
        MicrosoftAppId: 'app-id',
        MicrosoftAppPassword: 'pw',
        MicrosoftAppTenantId: 'tenant',
        MicrosoftAppType: 'SingleTenant',
        SLACK_BOT_TOKEN: SECRETS.slackPlaceholderBotToken,
        SLACK_SIGNING_SECRET: 'sss',
        CERTIFY_SLACK_API_URL: 'http://localhost:9000/api',
        CERTIFY_PUBLIC_URL: 'https://certify.example.com/',
        CERTIFY_TSA_URL: 'http://timestamp.example.com/tsa',
        CERTIFY_LINK_TTL_HOURS: '2',
      },
      '/srv',
    );
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl, 'https://certify.example.com');
    assert.equal(c.tsaUrl, 'http://timestamp.example.com/tsa');
    assert.equal(c.linkTtlMs, 2 * 3_600_000);
    assert.equal(c.dataDir, '/data');
    assert.equal(c.source, 'azure');
    assert.deepEqual(c.approvers, ['alice', 'bob']);
    assert.deepEqual(c.teams, {
      appId: 'app-id',
      appPassword: 'pw',
      tenantId: 'tenant',
      appType: 'SingleTenant',
    });
    assert.deepEqual(c.slack, {
      mode: 'http',
      botToken: SECRETS.slackPlaceholderBotToken,
      signingSecret: 'sss',
      apiUrl: 'http://localhost:9000/api/',
    });
    assert.equal(c.playground, false);
  });

  it('names bad evidence settings with their fix, and gives no default approver to real channels', () => {
    assert.throws(
      () =>
        readBotEnv(
          {
            CERTIFY_PUBLIC_URL: 'certify.example.com',
            CERTIFY_TSA_URL: 'ftp://x',
            CERTIFY_LINK_TTL_HOURS: '0',
          },
          '/',
        ),
      (e: unknown) => {
        const problems = (e as { problems: string[] }).problems;
        assert.equal(problems.length, 3, problems.join('\n'));
        assert.match(problems[0]!, /^CERTIFY_PUBLIC_URL: "certify\.example\.com" is not an http\(s\) URL/);
        assert.match(problems[1]!, /^CERTIFY_TSA_URL: "ftp:\/\/x"/);
        assert.match(problems[2]!, /^CERTIFY_LINK_TTL_HOURS: "0"/);
        return true;
      },
    );
    assert.deepEqual(readBotEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, '/').approvers, []);
  });

  it('playground: off with credentials, forced on or off by CERTIFY_PLAYGROUND', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    const teams = { MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw' };
    assert.equal(readBotEnv(slack, '/').playground, false);
    assert.equal(readBotEnv(teams, '/').playground, false);
    assert.equal(readBotEnv({ ...slack, CERTIFY_PLAYGROUND: '1' }, '/').playground, true);
    assert.equal(readBotEnv({ CERTIFY_PLAYGROUND: '0' }, '/').playground, false);
    // Emulator mode (no app id) has no credentials: the playground stays on, Teams is on, unauthenticated.
    const emulator = readBotEnv({ MicrosoftAppType: 'MultiTenant' }, '/');
    assert.equal(emulator.playground, true);
    assert.equal(emulator.teams?.appId, null);
    const msi = readBotEnv(
      { MicrosoftAppId: 'id', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' },
      '/',
    );
    assert.equal(msi.teams?.appPassword, null);
  });

  it("reads the Teams SDK's variables too, and tells the app type from what is set", () => {
    assert.deepEqual(readBotEnv({ CLIENT_ID: 'id', CLIENT_SECRET: 'pw', TENANT_ID: 't' }, '/').teams, {
      appId: 'id',
      appPassword: 'pw',
      tenantId: 't',
      appType: 'SingleTenant',
    });
    assert.equal(readBotEnv({ CLIENT_ID: 'id', CLIENT_SECRET: 'pw' }, '/').teams?.appType, 'MultiTenant');
    assert.deepEqual(
      readBotEnv({ CLIENT_ID: 'id', TENANT_ID: 't', MANAGED_IDENTITY_CLIENT_ID: 'id' }, '/').teams,
      {
        appId: 'id',
        appPassword: null,
        tenantId: 't',
        appType: 'UserAssignedMSI',
        managedIdentityClientId: 'id',
      },
    );
    // The same value under both names is one setting, not a conflict.
    assert.equal(
      readBotEnv({ MicrosoftAppId: 'id', CLIENT_ID: 'id', CLIENT_SECRET: 'pw' }, '/').teams?.appId,
      'id',
    );
    assert.equal(readBotEnv({ DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'false' }, '/').teams, null);
  });

  it('Teams local mode: on for the local demo and when asked for, off beside anything real', () => {
    assert.equal(readBotEnv({}, '/').teamsLocal, true, 'npm start with nothing set');
    assert.equal(readBotEnv({ CERTIFY_PLAYGROUND: '0' }, '/').teamsLocal, true);
    assert.equal(readBotEnv({ CLIENT_ID: 'id', CLIENT_SECRET: 'pw' }, '/').teamsLocal, false);
    assert.equal(readBotEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, '/').teamsLocal, false);
    assert.equal(readBotEnv({ CERTIFY_SOURCE: 'azure' }, '/').teamsLocal, false);
    assert.equal(readBotEnv({ CERTIFY_APPROVERS: 'alice' }, '/').teamsLocal, false);
    // Asked for explicitly (the Bot Framework Emulator's old way): on, whatever else is set.
    assert.equal(
      readBotEnv(
        { MicrosoftAppType: 'MultiTenant', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' },
        '/',
      ).teamsLocal,
      true,
    );
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['port not a number', { PORT: 'http' }, /^PORT: "http" is not a port number/],
    ['port too large', { PORT: '70000' }, /^PORT:/],
    ['cron with 4 fields', { CERTIFY_SCAN_CRON: '0 6 * *' }, /^CERTIFY_SCAN_CRON: .*needs 5 fields/],
    ['cron hour out of range', { CERTIFY_SCAN_CRON: '0 25 * * *' }, /^CERTIFY_SCAN_CRON: .*hour field "25"/],
    ['cron garbage', { CERTIFY_SCAN_CRON: '0 6 * * funday' }, /^CERTIFY_SCAN_CRON: .*day of week/],
    ['history limit', { CERTIFY_HISTORY_LIMIT: '0' }, /^CERTIFY_HISTORY_LIMIT:/],
    ['playground flag', { CERTIFY_PLAYGROUND: 'yes' }, /^CERTIFY_PLAYGROUND: "yes" is not 1 or 0/],
    [
      'app id without password',
      { MicrosoftAppId: 'id' },
      /^MicrosoftAppPassword \(or CLIENT_SECRET\): missing while MicrosoftAppId/,
    ],
    [
      'password without app id',
      { MicrosoftAppPassword: 'pw' },
      /^MicrosoftAppId \(or CLIENT_ID\): missing while MicrosoftAppPassword/,
    ],
    ['bad app type', { MicrosoftAppType: 'Tenantless' }, /^MicrosoftAppType: "Tenantless" is not one of/],
    [
      'single tenant without tenant id',
      { MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant' },
      /^MicrosoftAppTenantId \(or TENANT_ID\): missing for MicrosoftAppType=SingleTenant/,
    ],
    [
      'MSI with a password',
      {
        MicrosoftAppId: 'id',
        MicrosoftAppPassword: 'pw',
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: 't',
      },
      /^MicrosoftAppPassword \(or CLIENT_SECRET\): must not be set/,
    ],
    [
      'two app ids under the two names',
      { MicrosoftAppId: 'id-1', CLIENT_ID: 'id-2', MicrosoftAppPassword: 'pw' },
      /^MicrosoftAppId and CLIENT_ID: both set, to different values \("id-1" and "id-2"\)/,
    ],
    [
      'two passwords under the two names, never echoed',
      { CLIENT_ID: 'id', MicrosoftAppPassword: 'pw-1', CLIENT_SECRET: 'pw-2' },
      /^MicrosoftAppPassword and CLIENT_SECRET: both set, to different values; keep one of them$/,
    ],
    [
      'the Teams SDK asked to skip token validation',
      { DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'true' },
      /^DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: Certify validates every Teams token/,
    ],
    [
      'a managed identity beside a client secret',
      { CLIENT_ID: 'id', CLIENT_SECRET: 'pw', MANAGED_IDENTITY_CLIENT_ID: 'mi' },
      /^MANAGED_IDENTITY_CLIENT_ID: only used with MicrosoftAppType=UserAssignedMSI, not MultiTenant/,
    ],
    [
      'a managed identity without its tenant',
      { CLIENT_ID: 'id', MANAGED_IDENTITY_CLIENT_ID: 'id' },
      /^MicrosoftAppTenantId \(or TENANT_ID\): missing for MicrosoftAppType=UserAssignedMSI/,
    ],
    [
      'slack token without secret',
      { SLACK_BOT_TOKEN: 'xoxb-1' },
      /^SLACK_SIGNING_SECRET: missing; copy it from your Slack app's Basic Information page$/,
    ],
    [
      'slack secret without token',
      { SLACK_SIGNING_SECRET: 's' },
      /^SLACK_BOT_TOKEN: missing while SLACK_SIGNING_SECRET/,
    ],
    [
      'slack user token',
      { SLACK_BOT_TOKEN: 'xoxp-1', SLACK_SIGNING_SECRET: 's' },
      /^SLACK_BOT_TOKEN: does not start with xoxb-/,
    ],
    [
      'a Slack app token of the wrong kind (Socket Mode), never echoed',
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: SECRETS.slackUserToken },
      /^SLACK_APP_TOKEN: does not start with xapp-; generate an app-level token with the connections:write scope[^"]*$/,
    ],
    [
      'a Slack app token without a bot token',
      { SLACK_APP_TOKEN: SECRETS.slackAppToken },
      /^SLACK_BOT_TOKEN: missing while SLACK_APP_TOKEN is set/,
    ],
    [
      'slack api url',
      { CERTIFY_SLACK_API_URL: 'ftp://x' },
      /^CERTIFY_SLACK_API_URL: "ftp:\/\/x" is not an http\(s\) URL/,
    ],
  ];
  for (const [name, env, expected] of cases) {
    it(`reports ${name}`, () => {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, expected);
    });
  }

  it('reads SLACK_APP_TOKEN as Socket Mode: no signing secret needed, the same API base URL', () => {
    const c = readBotEnv(
      {
        SLACK_BOT_TOKEN: SECRETS.slackPlaceholderBotToken,
        SLACK_APP_TOKEN: SECRETS.slackAppToken,
        CERTIFY_SLACK_API_URL: 'http://localhost:9000/api',
      },
      '/',
    );
    assert.deepEqual(c.slack, {
      mode: 'socket',
      botToken: SECRETS.slackPlaceholderBotToken,
      appToken: SECRETS.slackAppToken,
      apiUrl: 'http://localhost:9000/api/',
    });
    // A signing secret left behind does not switch back to HTTP.
    const both = readBotEnv(
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: SECRETS.slackAppToken },
      '/',
    );
    assert.equal(both.slack?.mode, 'socket');
    assert.equal(both.playground, false);
  });

  it('never echoes a Slack token of the wrong kind', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: SECRETS.slackUserToken,
      SLACK_SIGNING_SECRET: 's',
    });
    assert.doesNotMatch(problems.join('\n'), /very-secret/);
    const socket = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: SECRETS.slackUserToken });
    assert.match(socket.join('\n'), /SLACK_APP_TOKEN/);
    assert.doesNotMatch(socket.join('\n'), /very-secret/);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'x', SLACK_BOT_TOKEN: 'xoxb-1', MicrosoftAppId: 'id' });
    assert.equal(problems.length, 3);
  });
});
