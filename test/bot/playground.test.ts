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
