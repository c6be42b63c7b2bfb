/**
 * The playground as a newcomer meets it, in a real browser (Debian's chromium, driven by
 * playwright-core; .ci/run installs chromium): type a command, see the card, press a button,
 * see the card replaced in place.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer } from '../../bot/server.js';
import { openPorts } from '../../core/certify.js';
import { demoSource } from '../../scanner/sources/demo/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dataDir = mkdtempSync(join(tmpdir(), 'certify-playground-'));
const server = createServer({
  config: { ...readBotEnv({ PORT: '0' }, dataDir), playground: true },
  core: createBotCore({ ports: openPorts(dataDir, 50), source: demoSource({ size: 200 }), clock: Date.now }),
  log: () => undefined,
  version: 'test',
});
let port = 0;
let browser: Browser;

before(async () => {
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
after(async () => {
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
