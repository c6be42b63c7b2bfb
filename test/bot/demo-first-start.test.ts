/**
 * The first impression, as `npm start` on a fresh clone gives it: a real bot process with no
 * configuration but a fresh data dir shows the demo organisation — a score between 55 and 90, and
 * ninety days of saved history whose trend has a shape and a picture the playground can load.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ScoreView, TrendView, View } from '../../cards/views.js';
import { decodePng } from '../charts/png-decode.js';
import { listeningBot } from '../support/bot-process.js';
import { captureChildOutput } from '../support/child-log.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm start on a fresh data dir', () => {
  let child: ChildProcess;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'certify-first-start-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CERTIFY_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
    };
    // Nothing configured, as on a fresh clone: the defaults choose the source and its profile.
    for (const name of Object.keys(env)) {
      if (/^(CERTIFY_(?!DATA_DIR)|AZURE_|SLACK_|MicrosoftApp|CLIENT_ID|HOST$)/.test(name)) delete env[name];
    }
    child = captureChildOutput(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bot', 'main.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'bot-first-start',
    );
    const { port } = await listeningBot(child, 60_000);
    base = `http://127.0.0.1:${port}`;
  }, 90_000);

  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const command = async (text: string): Promise<View> => {
    const res = await fetch(`${base}/api/playground/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { view: View }).view;
  };

  it('shows a plausible organisation: a score between 55 and 90 with a chart', async () => {
    const view = (await command('score')) as ScoreView;
    assert.equal(view.kind, 'score');
    assert.ok(view.score !== null && view.score >= 55 && view.score <= 90, `score ${String(view.score)}`);
    assert.equal(view.scope.source, 'demo');
    assert.ok(view.chart, 'the score card carries the trend picture');
  });

  it('has ninety days of history with a visible shape, drawn as a picture', async () => {
    const view = (await command('trend')) as TrendView;
    assert.equal(view.kind, 'trend');
    assert.ok(view.scans >= 90, `${view.scans} saved scans`);
    assert.ok(view.chart, 'the trend card carries its picture');
    // The picture's text alternative states the whole window: from the first scan to the latest,
    // with its range, so the shape is read from every saved scan, not the card's last few.
    const alt =
      /, (\d+) scans: from [\d.]+ \(.+\) on (\S+) to [\d.]+ \(.+\) on (\S+); low ([\d.]+), high ([\d.]+)\./.exec(
        view.chart.alt,
      );
    assert.ok(alt, view.chart.alt);
    const [, count, from, to, low, high] = alt;
    assert.ok(Number(count) >= 90, `${count} scans on the chart`);
    assert.ok((Date.parse(to!) - Date.parse(from!)) / 86_400_000 >= 89, `${from} → ${to}`);
    assert.ok(Number(high) - Number(low) >= 3, `the scores move: low ${low}, high ${high}`);
    // The playground's copy of the link is a path on this service.
    const res = await fetch(new URL(view.chart.url, base));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    assert.equal(png.width, view.chart.width);
    assert.equal(png.height, view.chart.height);
  });
});
