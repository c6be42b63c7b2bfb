/**
 * `/certify trend [framework]`: parsed like the other commands, answered from the saved scans
 * with the latest score, its change, a sparkline and the rules that started or stopped failing,
 * rendered for Teams and Slack, and answered by the playground (read-only too).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import {
  commandFromAction,
  HELP_COMMANDS,
  parseCommand,
  type Command,
  type CommandContext,
} from '../../bot/commands/index.js';
import { createBotCore } from '../../bot/core.js';
import { playgroundMayRun } from '../../bot/playground-guard.js';
import { readBotEnv } from '../../bot/config.js';
import { createServer } from '../../bot/server.js';
import { openPorts } from '../../app/ports.js';
import { toAdaptiveCard, toBlockKit } from '../../cards/index.js';
import { sparkline, SPARKLINE_POINTS, TREND_ROWS } from '../../cards/history-views.js';
import type { View } from '../../cards/views.js';
import { demoSource } from '../../scanner/sources/demo/index.js';
import { as, commandContext, run } from './commands-harness.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const DAY = 86_400_000;
const NO_OWNER =
  'rule add {"id":"NO-OWNER","name":"Secrets carry an owner tag","severity":"Critical",' +
  '"condition":{"asset_scope":"secrets","asset_field":"tag_present","operator":"not_exists","value":"owner"}}';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'certify-trend-'));
  dirs.push(d);
  return d;
};

function context(now = NOW, dataDir = temp()): CommandContext {
  return commandContext(dataDir, now);
}

describe('parsing /certify trend', () => {
  const table: [string, Command][] = [
    ['trend', { name: 'trend', framework: null }],
    ['/certify  TREND ', { name: 'trend', framework: null }],
    ['trend pci', { name: 'trend', framework: 'pci' }],
    ['trend  PCI   DSS', { name: 'trend', framework: 'PCI DSS' }],
    ['trends soc2', { name: 'trend', framework: 'soc2' }],
    ['history', { name: 'trend', framework: null }],
    ['trnd', { name: 'unknown', input: 'trnd', suggestion: 'trend' }],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${expected.name}`, () => assert.deepEqual(parseCommand(input), expected));
  }

  it('maps its buttons, lists it in help, and the read-only playground answers it', () => {
    assert.deepEqual(commandFromAction('trend.refresh', { framework: 'pci' }), {
      name: 'trend',
      framework: 'pci',
    });
    assert.deepEqual(commandFromAction('trend.show', {}), { name: 'trend', framework: null });
    assert.ok(HELP_COMMANDS.some((c) => c.usage === '/certify trend [framework] [--days N]'));
    assert.equal(playgroundMayRun({ name: 'trend', framework: null }), true);
  });
});

describe('the trend view', () => {
  it('with no saved scan: says so, and offers a scan (nothing is scanned to answer)', async () => {
    const ctx = context();
    const view = as(await run('trend', ctx), 'message');
    assert.match(view.title, /no saved scans yet/);
    assert.match(view.hint ?? '', /\/certify scan/);
    assert.deepEqual(
      view.actions.map((a) => a.verb),
      ['scan.run'],
    );
    assert.equal(await ctx.ports.scans.latest(), null);
  });

  it('latest score, change since the previous scan, sparkline, and what started and stopped failing', async () => {
    const dir = temp();
    const at = (days: number) => context(NOW + days * DAY, dir);
    await run('scan', at(0));
    await run(NO_OWNER, at(0));
    await run('scan', at(1));
    await run('rule disable NO-OWNER', at(1));
    await run('scan', at(2));
    const history = await at(2).ports.scans.history();
    assert.equal(history.length, 3);

    const view = as(await run('trend', at(2)), 'trend');
    assert.equal(view.title, 'Score trend');
    assert.equal(view.score, history[0]!.score);
    assert.equal(view.rating, history[0]!.rating);
    assert.equal(view.tone, 'attention');
    assert.equal(view.scans, 3);
    assert.deepEqual(view.latest, {
      scanId: history[0]!.scanId,
      at: new Date(NOW + 2 * DAY).toISOString(),
      source: 'demo',
    });
    assert.ok(view.trend);
    assert.equal(view.trend.previous, history[1]!.score);
    assert.equal(view.trend.delta, Math.round((history[0]!.score! - history[1]!.score!) * 10) / 10);
    assert.ok(view.trend.delta! > 0, 'the failing rule is disabled: the score rises');
    assert.deepEqual(view.stoppedFailing, [{ id: 'NO-OWNER', name: 'Secrets carry an owner tag' }]);
    assert.deepEqual(view.startedFailing, []);
    assert.equal(view.sparkline.count, 3);
    assert.equal(view.sparkline.bars.length, 3);
    assert.equal(view.sparkline.bars, sparkline(history.map((s) => s.score).reverse()));
    assert.equal(view.sparkline.from, new Date(NOW).toISOString());
    assert.equal(view.rows.length, 3);
    assert.deepEqual(view.rows[1]!.startedFailing, ['NO-OWNER']);
    assert.equal(view.moreRows, 0);
    assert.deepEqual(view.actions, [
      { verb: 'trend.refresh', title: 'Refresh', data: {} },
      { verb: 'score.show', title: 'Score', data: {} },
    ]);

    // Both channels show it, within their limits.
    const card = toAdaptiveCard(view);
    const cardJson = JSON.stringify(card);
    assert.ok(cardJson.includes(view.sparkline.bars));
    assert.ok(cardJson.includes('Stopped failing (1)'));
    assert.ok(cardJson.includes('**NO-OWNER** Secrets carry an owner tag'));
    const slack = toBlockKit(view);
    assert.ok(JSON.stringify(slack.blocks).includes(view.sparkline.bars));
    assert.match(slack.text, /^Score trend: \d+\.\d \(Weak\) · ▲ [\d.]+ since 2026-11-24 06:00 UTC$/);

    // A framework's trend, and its buttons.
    const pci = as(await run('trend pci-dss', at(2)), 'trend');
    assert.equal(pci.title, 'PCI DSS v4.0.1 trend');
    assert.equal(pci.score, history[0]!.frameworkScores.pci);
    assert.deepEqual(pci.stoppedFailing, [], 'a custom rule is cited by no control');
    assert.deepEqual(pci.actions[0], { verb: 'trend.refresh', title: 'Refresh', data: { framework: 'pci' } });
    assert.deepEqual(pci.actions[1], {
      verb: 'score.show',
      title: 'PCI DSS score',
      data: { framework: 'pci' },
    });
  });

  it('a card lists the newest scans and counts the rest; the sparkline draws the last 20', async () => {
    const dir = temp();
    for (let d = 0; d < SPARKLINE_POINTS + 5; d++) await run('scan', context(NOW + d * DAY, dir));
    const view = as(await run('trend', context(NOW + 30 * DAY, dir)), 'trend');
    assert.equal(view.scans, SPARKLINE_POINTS + 5);
    assert.equal(view.sparkline.count, SPARKLINE_POINTS);
    assert.equal(view.sparkline.bars, '▄'.repeat(SPARKLINE_POINTS), 'the same score throughout');
    assert.equal(view.sparkline.low, view.sparkline.high);
    assert.equal(view.rows.length, TREND_ROWS);
    assert.equal(view.moreRows, SPARKLINE_POINTS + 5 - TREND_ROWS);
    assert.match(JSON.stringify(toAdaptiveCard(view)), new RegExp(`and ${view.moreRows} more scans`));
  });

  it('an unknown framework is an attention message naming the known ones', async () => {
    const view = as(await run('trend gdpr', context()), 'message');
    assert.equal(view.tone, 'attention');
    assert.match(`${view.text} ${view.hint}`, /gdpr/);
    assert.match(`${view.text} ${view.hint}`, /cis, soc2, iso27001, nist, hipaa, pci, asb/);
  });
});

describe('sparkline', () => {
  const table: [(number | null)[], string][] = [
    [[], ''],
    [[50], '▄'],
    [[10, 10, 10], '▄▄▄'],
    [[0, 50, 100], '▁▅█'],
    [[10, null, 20], '▁·█'],
    [[null, null], '··'],
    [[42.1, 42.2, 42.16], '▁█▅'],
  ];
  for (const [scores, bars] of table) {
    it(`${JSON.stringify(scores)} → "${bars}"`, () => assert.equal(sparkline(scores), bars));
  }
});

describe('the playground answers /certify trend', () => {
  it('with an Adaptive Card of the trend view', async () => {
    const dataDir = temp();
    const ports = openPorts(dataDir, 50);
    const core = createBotCore({
      ports,
      source: demoSource({ profile: 'showcase', size: 200 }),
      clock: () => NOW,
    });
    await core.answer('scan', { id: 'playground-riley', name: 'Riley' }, { kind: 'playground', id: 'p' });
    const server = createServer({
      config: { ...readBotEnv({ PORT: '0' }, '/tmp') },
      core,
      log: () => undefined,
      version: '9.9.9',
    });
    const { port } = await server.listen();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/playground/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '/certify trend' }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { view: View; card: { type: string; version: string } };
      assert.equal(body.view.kind, 'trend');
      assert.equal(body.card.type, 'AdaptiveCard');
      assert.equal(body.card.version, '1.5');
    } finally {
      await server.close();
    }
  });
});
