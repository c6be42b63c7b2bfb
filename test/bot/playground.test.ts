/**
 * The playground as a newcomer meets it, in a real browser (Debian's chromium, driven by
 * playwright-core; .ci/run installs chromium): type a command, see the card, press a button,
 * see the card replaced in place.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { guardDownloads } from '../../bot/download-guard.js';
import { createServer } from '../../bot/server.js';
import { openPorts } from '../../app/ports.js';
import { openEvidence } from '../../app/evidence.js';
import { openProvenance } from '../../app/provenance.js';
import { runCli } from '../cli/harness.js';
import { verifyBundle } from '../../evidence/verify.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { suiteLog } from '../support/child-log.js';
import { createChartService } from '../../services/charts.js';
import { createChartStore } from '../../store/charts.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'certify-playground-'));
const config = { ...readBotEnv({ PORT: '0' }, dataDir), playground: true };
const ports = openPorts(dataDir, 50);
const source = demoSource({ profile: 'showcase', size: 200 });
// The same wiring as `npm start`: signing key, embedded TSA, audit log, approvers from the config.
const evidence = await openEvidence({
  dataDir,
  ports,
  source,
  approvers: config.approvers,
  publicUrl: 'http://127.0.0.1',
  tsaUrl: null,
  now: Date.now(),
});
const provenance = openProvenance({
  dataDir,
  signer: evidence.signer,
  audit: evidence.audit,
  approvers: config.approvers,
  publicUrl: 'http://127.0.0.1',
  azureWriter: null,
});
// Every scan from here on sees what this service issued and rotated.
ports.extras = provenance.extras;
// As `npm start` wires it: links under CERTIFY_PUBLIC_URL, which the playground makes its own.
const charts = createChartService({ charts: createChartStore(dataDir), publicUrl: config.publicUrl });
const server = createServer({
  config,
  core: createBotCore({
    ports,
    source,
    clock: Date.now,
    evidence: evidence.service,
    provenance: provenance.service,
    audit: evidence.audit,
    charts,
  }),
  charts,
  certificates: {
    lookup: (id) => provenance.service.certificate(id, Date.now()),
    jwksUrl: () => provenance.service.jwksUrl(),
  },
  log: suiteLog('playground'),
  version: 'test',
  jwks: () => evidence.signer.jwks(),
  redeemDownload: guardDownloads(evidence.service, { log: suiteLog('playground'), clock: Date.now }),
});
let port = 0;
let browser: Browser;

beforeAll(async () => {
  port = (await server.listen()).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The closed network here: no background connections, no sandbox as root.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await server.close();
});

it('type /certify score, see the card, press a button, see it update in place', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  const input = page.getByRole('textbox');
  await input.fill('/certify score');
  await input.press('Enter');
  const card = page.locator('.ac-adaptiveCard').last();
  await card.getByRole('heading', { name: /Failing rules/ }).waitFor();
  assert.match(await card.innerText(), /\d+\.\d/);
  const cardsBefore = await page.locator('.ac-adaptiveCard').count();

  await card.locator('.ac-pushButton', { hasText: 'Rules' }).click();
  await page.locator('.ac-adaptiveCard').last().getByText('K007', { exact: true }).first().waitFor();
  assert.equal(
    await page.locator('.ac-adaptiveCard').count(),
    cardsBefore,
    'the card was replaced, not appended',
  );
  assert.deepEqual(problems, []);
});

it('type /certify trend, see the chart loaded with its text alternative', async () => {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  const input = page.getByRole('textbox');
  await input.fill('/certify scan');
  await input.press('Enter');
  await page.locator('.ac-adaptiveCard').last().getByText('Scan finished').waitFor();
  await input.fill('/certify trend --days 30');
  await input.press('Enter');
  const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'in the last 30 days' }).last();
  const img = card.locator('img[src*="/charts/"]');
  await img.waitFor();
  // No DOM types here: the page's image, as much of it as is read.
  type Loaded = { complete: boolean; naturalWidth: number; naturalHeight: number; alt: string };
  await page.waitForFunction(
    (el) => (el as unknown as Loaded).complete && (el as unknown as Loaded).naturalWidth > 0,
    await img.elementHandle(),
  );
  const { naturalWidth, naturalHeight, alt } = await img.evaluate((el) => {
    const image = el as unknown as Loaded;
    return { naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight, alt: image.alt };
  });
  assert.deepEqual([naturalWidth, naturalHeight], [640, 260]);
  assert.match(alt, /^Overall score over 30 days, \d+ scans?: /);
  assert.deepEqual(problems, []);
  await page.close();
});

it('acts as Riley by default; switching to Morgan changes the user sent and is remembered', async () => {
  const page = await browser.newPage();
  const sent: { path: string; user: unknown }[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (request.method() === 'POST' && path.startsWith('/api/playground/')) {
      sent.push({ path, user: (JSON.parse(request.postData() ?? '{}') as { user?: unknown }).user });
    }
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  const switcher = page.getByRole('group', { name: 'Acting as:' });
  const riley = switcher.getByRole('radio', { name: /Riley Chen/ });
  const morgan = switcher.getByRole('radio', { name: /Morgan Diaz/ });
  assert.equal(await riley.isChecked(), true);
  assert.equal(await morgan.isChecked(), false);

  const input = page.getByRole('textbox');
  const ask = async (text: string) => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/playground/command'));
    await input.fill(text);
    await input.press('Enter');
    await answered;
  };
  await ask('/certify help');
  await morgan.check();
  await ask('/certify help');
  assert.deepEqual(sent, [
    { path: '/api/playground/command', user: { id: 'playground-riley', name: 'Riley Chen' } },
    { path: '/api/playground/command', user: { id: 'playground-morgan', name: 'Morgan Diaz' } },
  ]);
  assert.deepEqual(await page.locator('.message.user .sender').allInnerTexts(), [
    'Riley Chen',
    'Morgan Diaz',
  ]);

  await page.reload();
  assert.equal(await page.getByRole('radio', { name: /Morgan Diaz/ }).isChecked(), true);
  await page.close();
});

/** A new page as a first-time visitor (acting as Riley), collecting page errors. */
async function freshPage() {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate('localStorage.clear()');
  await page.reload();
  return { page, problems };
}

it('evidence: Riley asks for soc2 last-quarter, Morgan signs in the card, the link downloads a bundle that verifies', async () => {
  const { page, problems } = await freshPage();
  const input = page.getByRole('textbox');
  await input.fill('/certify evidence soc2 last-quarter');
  await input.press('Enter');
  const card = page.locator('.ac-adaptiveCard').last();
  await card.getByText(/Waiting for an approver/).waitFor();

  // Riley (the requester) presses Sign: refused on the server, the card stays and says why.
  await card.locator('.ac-pushButton', { hasText: 'Sign assertion' }).click();
  await page
    .locator('.ac-adaptiveCard')
    .last()
    .getByText(/is not an approver/)
    .waitFor();

  await page.getByRole('radio', { name: /Morgan Diaz/ }).check();
  await page
    .locator('.ac-adaptiveCard')
    .last()
    .locator('.ac-pushButton', { hasText: 'Sign assertion' })
    .click();
  const signing = page.locator('.ac-adaptiveCard').last();
  await signing.getByText(/I confirm, for tenant/).waitFor();
  await signing.getByLabel(/Your role/).fill('Head of Security');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/playground/action'));
  await signing.locator('.ac-pushButton', { hasText: 'Sign the assertion' }).click();
  const body = (await (await answered).json()) as { view: { link: { url: string } | null } };
  const signed = page.locator('.ac-adaptiveCard').last();
  await signed.getByText(/Signed by Morgan Diaz \(Head of Security\)/).waitFor();
  await signed.locator('.ac-pushButton', { hasText: 'Download bundle' }).waitFor();

  const link = new URL(body.view.link!.url);
  const zip = Buffer.from(await (await fetch(`http://127.0.0.1:${port}${link.pathname}`)).arrayBuffer());
  const verified = await verifyBundle(zip, { jwks: evidence.signer.jwks() });
  assert.ok(verified.ok, JSON.stringify(verified.checks.filter((c) => c.level === 'fail')));
  assert.deepEqual(problems, []);
  await page.close();
});

it('rotation: Riley asks for kv-prod/db-password with pci, Morgan approves, the card links a certificate that verifies', async () => {
  const { page, problems } = await freshPage();
  const input = page.getByRole('textbox');
  await input.fill('/certify rotate kv-prod/db-password --preset pci');
  await input.press('Enter');
  await page
    .locator('.ac-adaptiveCard')
    .last()
    .getByText(/An approver other than the requester must agree/)
    .waitFor();

  await page.getByRole('radio', { name: /Morgan Diaz/ }).check();
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/playground/action'));
  await page
    .locator('.ac-adaptiveCard')
    .last()
    .locator('.ac-pushButton', { hasText: 'Approve and rotate' })
    .click();
  const body = (await (await answered).json()) as { view: { link: { url: string } | null; text: string } };
  const card = page.locator('.ac-adaptiveCard').last();
  await card.getByText(/A new version of kv-prod\/db-password was written/).waitFor();
  await card.locator('.ac-pushButton', { hasText: 'Open certificate' }).waitFor();
  assert.ok(body.view.link, body.view.text);

  const certUrl = `http://127.0.0.1:${port}${new URL(body.view.link.url).pathname}`;
  const html = await (await fetch(certUrl)).text();
  assert.match(html, /Valid: the signature verifies/);
  const verified = await runCli(
    [
      'cert',
      'verify',
      certUrl,
      '--target',
      'kv-prod/db-password',
      '--jwks',
      `http://127.0.0.1:${port}/.well-known/jwks.json`,
    ],
    { dataDir },
  );
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  assert.match(verified.stdout, /^VALID/m);
  assert.deepEqual(problems, []);
  await page.close();
});
