/** The App Home's view model and Block Kit: what is expiring, the Critical rules, the chart, the buttons. */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  HOME_LIMITS,
  HOME_MAX_ASSETS,
  HOME_MAX_CRITICAL,
  homeBlocks,
  homeView,
  type HomeInput,
} from '../../cards/home-view.js';
import { commandFromAction } from '../../bot/commands/parse.js';
import type { ScanResult } from '../../scanner/scan.js';
import { trendOf } from '../../scanner/trend.js';
import type { ScanSummary } from '../../scanner/summary.js';

const url = (vault: string, name: string) => `https://${vault}.vault.azure.net/secrets/${name}`;

function rule(id: string, severity: 'Critical' | 'High', failing: string[]): ScanResult['rules'][number] {
  return {
    id,
    name: `Rule ${id}`,
    severity,
    weight: 1,
    class: 'framework',
    status: failing.length > 0 ? 'fail' : 'pass',
    evaluated: 50,
    failing,
    metric: null,
  } as ScanResult['rules'][number];
}

function summary(scanId: string, now: string, score: number): ScanSummary {
  return {
    scanId,
    now,
    source: 'demo',
    score,
    rating: 'Significant gaps',
    frameworkScores: {},
    failingRules: [],
  } as unknown as ScanSummary;
}

const many = Array.from({ length: HOME_MAX_ASSETS + 3 }, (_, i) =>
  url('kv-soon', `s${String(i).padStart(2, '0')}`),
);

function input(over: Partial<HomeInput> = {}): HomeInput {
  const latest = {
    scanId: 'b',
    now: '2026-11-22T06:00:00Z',
    source: 'demo',
    parameters: { expiringSoonDays: 45, expiringCriticalDays: 10 },
    rules: [
      rule('P007', 'Critical', [url('kv-a', 'gone')]),
      // Expiring within 10 days and so within 45 too: listed once, in the more urgent group.
      rule('P002', 'Critical', [url('kv-a', 'soon'), url('kv-b', 'soon')]),
      rule('P003', 'High', [url('kv-a', 'soon'), ...many]),
      rule('K002', 'Critical', []),
      rule('X100', 'Critical', [url('kv-x', '1'), url('kv-x', '2'), url('kv-x', '3'), url('kv-x', '4')]),
      ...Array.from({ length: HOME_MAX_CRITICAL }, (_, i) =>
        rule(`Z00${i}`, 'Critical', [url('kv-z', `${i}`)]),
      ),
    ],
  } as unknown as ScanResult;
  return {
    trend: trendOf([summary('b', '2026-11-22T06:00:00Z', 72.1), summary('a', '2026-11-21T06:00:00Z', 70.9)]),
    latest,
    ruleName: () => undefined,
    thresholdRules: { expired: ['P007', 'C005'], critical: ['P002', 'K002'], soon: ['P003'] },
    subscriptions: [
      {
        channelId: 'C0OTHER',
        filters: 'all alerts',
        createdBy: 'dana',
        createdAt: '2026-11-01T00:00:00Z',
        yours: false,
      },
      {
        channelId: 'C0MINE',
        filters: 'vault kv-a',
        createdBy: 'U1',
        createdAt: '2026-11-02T00:00:00Z',
        yours: true,
      },
    ],
    evidence: null,
    ...over,
  };
}

describe('homeView', () => {
  it('groups what expires by its most urgent window, with the organisation windows as labels', () => {
    const view = homeView(input());
    assert.deepEqual(
      view.expiring.map((g) => [g.label, g.assets.length + g.more]),
      [
        ['Expired', 1],
        ['Within 10 days', 2],
        ['Within 45 days', HOME_MAX_ASSETS + 3],
      ],
    );
    assert.deepEqual(view.expiring[1]!.assets, ['kv-a/secrets/soon', 'kv-b/secrets/soon']);
    assert.equal(view.expiring[2]!.assets.length, HOME_MAX_ASSETS);
    assert.equal(view.expiring[2]!.more, 3);
    assert.ok(!view.expiring[2]!.assets.includes('kv-a/secrets/soon'));
  });

  it('lists the failing Critical rules, most failing assets first, and counts the rest', () => {
    const view = homeView(input());
    assert.equal(view.critical[0]!.id, 'X100');
    assert.equal(view.critical[0]!.failing, '4 of 50');
    assert.equal(view.critical.length, HOME_MAX_CRITICAL);
    // X100, P002, P007 and five Z rules fail; K002 passes; P003 is not Critical.
    assert.equal(view.critical.length + view.moreCritical, 8);
    assert.ok(!view.critical.some((r) => r.id === 'K002' || r.id === 'P003'));
  });

  it("puts the viewer's subscriptions first", () => {
    assert.deepEqual(
      homeView(input()).subscriptions.map((s) => s.channelId),
      ['C0MINE', 'C0OTHER'],
    );
  });

  it('has buttons the action listener understands, and an evidence button only with a bundle', () => {
    const plain = homeView(input());
    assert.deepEqual(
      plain.actions.map((a) => commandFromAction(a.verb, a.data).name),
      ['score', 'trend', 'scan'],
    );
    const withEvidence = homeView(input({ evidence: { id: 'ev-0123456789abcdef', title: 'soc2' } }));
    const last = withEvidence.actions.at(-1)!;
    assert.equal(commandFromAction(last.verb, last.data).name, 'evidence-action');
    assert.deepEqual(last.data, { id: 'ev-0123456789abcdef' });
  });

  it('says there is no saved scan yet, with only the buttons', () => {
    const view = homeView(input({ trend: trendOf([]), latest: null }));
    assert.equal(view.trend, null);
    const text = JSON.stringify(homeBlocks(view));
    assert.match(text, /No saved scan yet/);
    assert.doesNotMatch(text, /Expiring soon|Failing Critical rules/);
  });
});

describe('homeBlocks', () => {
  it('renders a home view: score, change, sparkline, groups, channel links, buttons', () => {
    const tab = homeBlocks(homeView(input()));
    assert.equal(tab.type, 'home');
    assert.ok(tab.blocks.length <= HOME_LIMITS.blocks);
    const text = JSON.stringify(tab.blocks);
    assert.match(text, /Score 72\.1/);
    assert.match(text, /▲ 1\.2 since 2026-11-21/);
    assert.match(text, /`▁█`/);
    assert.match(text, /<#C0MINE> — vault kv-a · set up by you/);
    assert.match(text, /and 3 more assets/);
    assert.ok(!tab.blocks.some((b) => b.type === 'image'));
  });

  it('renders a chart as an image block after the sparkline, its text alternative', () => {
    const alt = 'x'.repeat(HOME_LIMITS.altText + 10);
    const tab = homeBlocks(homeView(input({ chart: { url: 'https://c.example/1.png', alt } })));
    const i = tab.blocks.findIndex((b) => b.type === 'image');
    assert.ok(i > 0);
    const image = tab.blocks[i]!;
    assert.ok(image.type === 'image');
    assert.equal(image.image_url, 'https://c.example/1.png');
    assert.equal(Array.from(image.alt_text).length, HOME_LIMITS.altText);
    assert.match(JSON.stringify(tab.blocks[i - 1]), /\*Trend\*/);
  });

  it('escapes mrkdwn in what users named', () => {
    const tab = homeBlocks(
      homeView(
        input({
          subscriptions: [
            {
              channelId: 'not-a-channel<>',
              filters: 'a & b',
              createdBy: '<!here>',
              createdAt: '2026-11-01',
              yours: false,
            },
          ],
        }),
      ),
    );
    const text = JSON.stringify(tab.blocks);
    assert.ok(!text.includes('<!here>'));
    assert.match(text, /&lt;!here&gt;/);
    assert.match(text, /a &amp; b/);
  });
});
