/**
 * Trend charts in chat: `--days N` parsed and checked, the trend and score views carrying the
 * chart when the core has a chart service (and not without one), the chart service's links, the
 * `GET /charts/<token>.png` route (200, 404 for malformed, unknown and expired tokens), and the
 * Slack and Teams renderings with the picture and its text alternative.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { commandFromAction, parseCommand, trendDays, type CommandContext } from '../../bot/commands/index.js';
import { readBotEnv } from '../../bot/config.js';
import { createBotCore } from '../../bot/core.js';
import { createServer } from '../../bot/server.js';
import { openPorts } from '../../app/ports.js';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import type { ScoreView, TrendView, View } from '../../cards/views.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { CHART_LINK_TTL_MS, createChartService, type ChartService } from '../../services/charts.js';
import { createChartStore, type ChartStore } from '../../store/charts.js';
import { isWellFormedDownloadToken } from '../../evidence/download-token.js';
import { decodePng } from '../charts/png-decode.js';
import { as, commandContext, run } from './commands-harness.js';
import { busyTrend } from '../cards/trend-fixtures.js';
import { CARD_BUDGET_BYTES, cardSize } from '../../cards/adaptive.js';
import { SLACK_LIMITS } from '../../cards/blockkit.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const DAY = 86_400_000;
const PUBLIC = 'https://certify.example.com';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-charts-'));
  dirs.push(d);
  return d;
};

/** A store that counts its reads, over a data dir. */
function countingStore(dir = temp()): ChartStore & { reads: number; saves: number } {
  const inner = createChartStore(dir);
  const store = {
    reads: 0,
    saves: 0,
    save: async (...args: Parameters<ChartStore['save']>) => {
      store.saves++;
      return inner.save(...args);
    },
    get: async (...args: Parameters<ChartStore['get']>) => {
      store.reads++;
      return inner.get(...args);
    },
  };
  return store;
}

function withCharts(ctx: CommandContext, charts: ChartService): CommandContext {
  return { ...ctx, charts };
}

describe('parsing --days', () => {
  it('takes --days N or --days=N anywhere on the line, and keeps the framework words', () => {
    assert.deepEqual(parseCommand('trend --days 30'), { name: 'trend', framework: null, days: '30' });
    assert.deepEqual(parseCommand('trend pci --days=7'), { name: 'trend', framework: 'pci', days: '7' });
    assert.deepEqual(parseCommand('trend --DAYS 7 PCI DSS'), {
      name: 'trend',
      framework: 'PCI DSS',
      days: '7',
    });
    assert.deepEqual(parseCommand('trend pci --days'), { name: 'trend', framework: 'pci', days: '' });
    assert.deepEqual(parseCommand('trend pci'), { name: 'trend', framework: 'pci' });
    assert.deepEqual(commandFromAction('trend.refresh', { framework: 'pci', days: '30' }), {
      name: 'trend',
      framework: 'pci',
      days: '30',
    });
  });

  it('accepts whole numbers of days from 1 to 3650 and refuses the rest as BAD_USAGE', () => {
    assert.equal(trendDays('1'), 1);
    assert.equal(trendDays(' 3650 '), 3650);
    for (const bad of ['0', '3651', '1.5', '-3', 'abc', '', '1e3']) {
      assert.throws(
        () => trendDays(bad),
        (e: { code?: string; message?: string }) => e.code === 'BAD_USAGE' && /--days/.test(e.message ?? ''),
        bad,
      );
    }
  });

  it('answers a wrong --days with a message saying what is accepted, before reading the history', async () => {
    const view = as(await run('trend --days 0', commandContext(temp(), NOW)), 'message');
    assert.equal(view.title, 'Not quite');
    assert.match(view.text, /whole number of days from 1 to 3650, not "0"/);
  });
});

describe('the trend and score views with a chart', () => {
  it('trend --days N lists and draws only the scans of the last N days, and Refresh keeps the window', async () => {
    const dir = temp();
    for (const day of [0, 10, 20]) await run('scan', commandContext(dir, NOW + day * DAY));
    const store = countingStore();
    const charts = createChartService({ charts: store, publicUrl: PUBLIC });
    const ctx = withCharts(commandContext(dir, NOW + 20 * DAY), charts);

    const view = as(await run('trend --days 15', ctx), 'trend');
    assert.equal(view.scans, 2);
    assert.equal(view.days, 15);
    assert.match(view.title, /trend/);
    assert.deepEqual(view.actions[0]?.data, { days: '15' });
    assert.ok(view.chart, 'a chart');
    assert.match(view.chart.url, /^https:\/\/certify\.example\.com\/charts\/[A-Za-z0-9_-]{43}\.png$/);
    assert.deepEqual([view.chart.width, view.chart.height], [640, 260]);
    assert.match(
      view.chart.alt,
      /^Overall score over 15 days, 2 scans: from \d+\.\d \(.+\) on 2026-12-03 to \d+\.\d \(.+\) on 2026-12-13/,
    );
    assert.equal(store.saves, 1);

    const all = as(await run('trend', ctx), 'trend');
    assert.equal(all.scans, 3);
    assert.equal(all.days, undefined);
    assert.match(all.chart?.alt ?? '', /over the saved scans, 3 scans/);
  });

  it('trend --days with no scan in the window says so, and offers the trend without it', async () => {
    const dir = temp();
    await run('scan', commandContext(dir, NOW));
    const view = as(await run('trend pci --days 1', commandContext(dir, NOW + 5 * DAY)), 'message');
    assert.match(view.title, /no scans in the last day/);
    assert.match(view.hint ?? '', /without --days/);
  });

  it('the score and scan views carry the chart of the same score over 90 days', async () => {
    const dir = temp();
    const charts = createChartService({ charts: countingStore(), publicUrl: PUBLIC });
    const scanned = as(await run('scan', withCharts(commandContext(dir, NOW), charts)), 'score');
    assert.match(scanned.chart?.alt ?? '', /^Overall score over 90 days, 1 scan: /);
    const pci = as(await run('score pci', withCharts(commandContext(dir, NOW + DAY), charts)), 'score');
    assert.match(pci.chart?.alt ?? '', /^PCI DSS .* score over 90 days, 1 scan: /);
  });

  it('without a chart service, and when the chart fails, the views have no chart and still answer', async () => {
    const dir = temp();
    await run('scan', commandContext(dir, NOW));
    assert.equal(as(await run('trend', commandContext(dir, NOW)), 'trend').chart, undefined);
    assert.equal(as(await run('score', commandContext(dir, NOW)), 'score').chart, undefined);

    const errors: unknown[] = [];
    const failing: ChartService = {
      publicLinks: true,
      chartFor: async () => {
        throw new Error('disk full');
      },
      read: async () => null,
    };
    const ctx = { ...withCharts(commandContext(dir, NOW), failing), onError: (e: unknown) => errors.push(e) };
    const view = as(await run('trend', ctx), 'trend');
    assert.equal(view.chart, undefined);
    assert.equal(view.scans, 1);
    assert.equal(errors.length, 1);
  });

  it('Slack gets a chart only when its links are public HTTPS: Slack refuses a message whose image it cannot fetch', async () => {
    const dir = temp();
    await run('scan', commandContext(dir, NOW));
    const inSlack = (charts: ChartService): CommandContext => ({
      ...withCharts(commandContext(dir, NOW), charts),
      channel: { kind: 'slack', id: 'C1' },
    });
    for (const local of ['http://localhost:3978', 'https://127.0.0.1:8443', 'http://certify.example.com']) {
      const charts = createChartService({ charts: countingStore(), publicUrl: local });
      assert.equal(charts.publicLinks, false, local);
      assert.equal(as(await run('trend', inSlack(charts)), 'trend').chart, undefined, local);
      // The playground and Teams still get it.
      assert.ok(as(await run('trend', withCharts(commandContext(dir, NOW), charts)), 'trend').chart, local);
    }
    const charts = createChartService({ charts: countingStore(), publicUrl: PUBLIC });
    assert.equal(charts.publicLinks, true);
    assert.ok(as(await run('trend', inSlack(charts)), 'trend').chart);
  });

  it('a core given a chart service passes it to the commands', async () => {
    const dir = temp();
    const core = createBotCore({
      ports: openPorts(dir, 50),
      source: demoSource({ profile: 'showcase', size: 200 }),
      clock: () => NOW,
      charts: createChartService({ charts: countingStore(), publicUrl: PUBLIC }),
    });
    const user = { id: 'u', name: 'U' };
    const channel = { kind: 'slack', id: 'C1' } as const;
    await core.answer('scan', user, channel);
    const view = as(await core.answer('trend', user, channel), 'trend');
    assert.ok(view.chart?.url.startsWith(`${PUBLIC}/charts/`));
  });
});

describe('chart links', () => {
  const trendInput = {
    framework: null,
    points: [
      { at: '2026-11-23T06:00:00.000Z', score: 71.4 },
      { at: '2026-11-22T06:00:00.000Z', score: 58.2 },
    ],
  };

  it('a link names an issued token, serves the PNG until it expires, and the same picture reuses its link', async () => {
    const store = countingStore();
    const charts = createChartService({ charts: store, publicUrl: `${PUBLIC}/` });
    const link = await charts.chartFor(trendInput, NOW);
    const token = /\/charts\/([^/]+)\.png$/.exec(link.url)?.[1] ?? '';
    assert.ok(link.url.startsWith(`${PUBLIC}/charts/`), link.url);
    assert.ok(isWellFormedDownloadToken(token));
    const read = await charts.read(token, NOW + CHART_LINK_TTL_MS - 1);
    assert.ok(read);
    assert.deepEqual([decodePng(read.png).width, decodePng(read.png).height], [640, 260]);
    assert.equal(read.alt, link.alt);
    assert.equal(await charts.read(token, NOW + CHART_LINK_TTL_MS), null);

    assert.deepEqual(await charts.chartFor(trendInput, NOW + DAY), link);
    assert.equal(store.saves, 1);
    // Past half its life a fresh link is made, so a card posted now still outlives a fortnight.
    assert.notEqual((await charts.chartFor(trendInput, NOW + CHART_LINK_TTL_MS / 2 + 1)).url, link.url);
    assert.equal(store.saves, 2);
  });

  it('a token that is not in the issued format is refused without reading the store', async () => {
    const store = countingStore();
    const charts = createChartService({ charts: store, publicUrl: PUBLIC });
    for (const junk of ['', 'abc', '../../etc/passwd', 'A'.repeat(44), 'A'.repeat(42) + 'B'])
      assert.equal(await charts.read(junk, NOW), null);
    assert.equal(store.reads, 0);
  });
});

describe('GET /charts/<token>.png', () => {
  it('answers 200 with the PNG, and 404 for malformed (store untouched), unknown and expired tokens', async () => {
    const store = countingStore();
    const charts = createChartService({ charts: store, publicUrl: PUBLIC });
    const link = await charts.chartFor(
      { framework: 'PCI DSS 4.0', points: [{ at: '2026-11-23T06:00:00.000Z', score: 80 }] },
      NOW,
    );
    const path = new URL(link.url).pathname;
    let now = NOW + DAY;
    const logged: unknown[] = [];
    const server = createServer({
      config: { ...readBotEnv({ PORT: '0' }, '/tmp') },
      core: createBotCore({
        ports: openPorts(temp(), 5),
        source: demoSource({ size: 10 }),
        clock: () => NOW,
      }),
      log: (event, fields) => logged.push({ event, ...fields }),
      version: 'test',
      charts,
      clock: () => now,
    });
    const { port } = await server.listen();
    const get = (p: string, method = 'GET') => fetch(`http://127.0.0.1:${port}${p}`, { method });
    try {
      const ok = await get(path);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('content-type'), 'image/png');
      assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
      assert.match(ok.headers.get('cache-control') ?? '', /^private, max-age=\d+$/);
      const body = Buffer.from(await ok.arrayBuffer());
      assert.deepEqual([decodePng(body).width, decodePng(body).height], [640, 260]);
      const head = await get(path, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal((await head.arrayBuffer()).byteLength, 0);

      const reads = store.reads;
      assert.equal((await get('/charts/not-a-token.png')).status, 404);
      assert.equal((await get(`/charts/${'A'.repeat(43)}`)).status, 404, 'no .png');
      assert.equal(store.reads, reads, 'malformed tokens never reach the store');
      assert.equal((await get(`/charts/${'A'.repeat(42)}A.png`)).status, 404, 'well formed, unknown');
      assert.equal(store.reads, reads + 1);

      now = NOW + CHART_LINK_TTL_MS;
      const expired = await get(path);
      assert.equal(expired.status, 404);
      assert.equal(expired.headers.get('cache-control'), 'no-store');
    } finally {
      await server.close();
    }
    // A token is a bearer secret: never in the log.
    const token = path.slice('/charts/'.length, -'.png'.length);
    assert.ok(logged.length > 0);
    assert.ok(!JSON.stringify(logged).includes(token));
  });
});

describe('rendering the chart', () => {
  const chart = {
    url: `${PUBLIC}/charts/${'A'.repeat(43)}.png`,
    alt: 'Overall score over 30 days, 3 scans: from 58.2 (Significant gaps) on 2026-11-01 to 71.4 (Significant gaps) on 2026-11-30; low 58.2, high 71.4.',
    width: 640,
    height: 260,
  };

  async function views(): Promise<{ trend: TrendView; score: ScoreView }> {
    const dir = temp();
    const ctx = commandContext(dir, NOW);
    const score = as(await run('scan', ctx), 'score');
    const trend = as(await run('trend', ctx), 'trend');
    return { trend: { ...trend, chart }, score: { ...score, chart } };
  }

  const slackImages = (view: View) =>
    toBlockKit(view).blocks.filter((b) => b.type === 'image') as { image_url: string; alt_text: string }[];
  const teamsImages = (view: View) => {
    const found: Record<string, unknown>[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        const o = node as Record<string, unknown>;
        if (o.type === 'Image') found.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk(toAdaptiveCard(view));
    return found;
  };

  it('Slack: an image block with the URL and the text alternative; the sparkline bars give way to it', async () => {
    const { trend, score } = await views();
    assert.deepEqual(slackImages(trend), [{ type: 'image', image_url: chart.url, alt_text: chart.alt }]);
    assert.deepEqual(slackImages(score), [{ type: 'image', image_url: chart.url, alt_text: chart.alt }]);
    assert.ok(!JSON.stringify(toBlockKit(trend)).includes(trend.sparkline.bars));
    const { chart: _, ...plain } = trend;
    assert.deepEqual(slackImages(plain), []);
    assert.ok(JSON.stringify(toBlockKit(plain)).includes(plain.sparkline.bars));
  });

  it('Teams: an Image with the URL and altText, the card stays small', async () => {
    const { trend, score } = await views();
    for (const view of [trend, score]) {
      const images = teamsImages(view);
      assert.equal(images.length, 1);
      assert.equal(images[0]!.url, chart.url);
      assert.equal(images[0]!.altText, chart.alt);
      assert.ok(JSON.stringify(toAdaptiveCard(view)).length < 28 * 1024);
    }
    const { chart: _, ...plain } = score;
    assert.deepEqual(teamsImages(plain), []);
  });

  it("a busy trend with its chart still fits Slack's block limit and Teams' budget, the chart kept", () => {
    const view = { ...busyTrend, chart };
    const blocks = toBlockKit(view).blocks;
    assert.ok(blocks.length <= SLACK_LIMITS.blocks, `${blocks.length} blocks`);
    assert.equal(slackImages(view).length, 1);
    assert.ok(cardSize(toAdaptiveCard(view)) <= CARD_BUDGET_BYTES);
    assert.equal(teamsImages(view).length, 1);
  });
});
