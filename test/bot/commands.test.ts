/**
 * The channel-neutral command layer: the tolerant parser, and the handlers against the real
 * core, stores, frameworks and demo source (a temporary data directory, a fixed `now`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import {
  commandFromAction,
  parseCommand,
  type Command,
  type CommandContext,
} from '../../bot/commands/index.js';
import type { ControlView, HelpView, MessageView, RulesView, ScoreView, View } from '../../cards/views.js';
import { FRAMEWORKS } from '../../scanner/frameworks/index.js';
import { as, commandContext, run } from './commands-harness.js';

const NOW = Date.parse('2026-11-23T06:00:00Z');
const DAY = 86_400_000;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function context(now = NOW, dir?: string): CommandContext {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'certify-bot-'));
  if (dir === undefined) dirs.push(dataDir);
  return commandContext(dataDir, now);
}

/** Evidence, never a verdict. The disclaimer is the one place that may speak of "met". */
function assertNoVerdict(view: View): void {
  const text = JSON.stringify(view).toLowerCase();
  assert.doesNotMatch(text, /compliant/);
  const { disclaimer: _, ...rest } = view as View & { disclaimer?: string };
  assert.doesNotMatch(JSON.stringify(rest).toLowerCase(), /\b(is|are) met\b|"met"/);
}

describe('parseCommand', () => {
  const table: [string, Command][] = [
    ['', { name: 'help' }],
    ['   ', { name: 'help' }],
    ['/certify', { name: 'help' }],
    ['certify', { name: 'help' }],
    ['help', { name: 'help' }],
    ['HELP', { name: 'help' }],
    ['?', { name: 'help' }],
    ['h', { name: 'help' }],
    ['score', { name: 'score', framework: null }],
    ['  Score   ', { name: 'score', framework: null }],
    ['/certify score', { name: 'score', framework: null }],
    ['certify   SCORE  soc2', { name: 'score', framework: 'soc2' }],
    ['scores', { name: 'score', framework: null }],
    ['status pci', { name: 'score', framework: 'pci' }],
    ['score  PCI   DSS', { name: 'score', framework: 'PCI DSS' }],
    ['control pci 3.7', { name: 'control', framework: 'pci', control: '3.7' }],
    ['control pci-dss 3.7', { name: 'control', framework: 'pci-dss', control: '3.7' }],
    ['control PCI DSS 3.7.4', { name: 'control', framework: 'PCI DSS', control: '3.7.4' }],
    ['Control  iso   a.10.1.2', { name: 'control', framework: 'iso', control: 'a.10.1.2' }],
    ['controls soc2 CC6.1', { name: 'control', framework: 'soc2', control: 'CC6.1' }],
    ['ctl nist sc-12', { name: 'control', framework: 'nist', control: 'sc-12' }],
    ['control soc 2 cc6', { name: 'control', framework: 'soc 2', control: 'cc6' }],
    ['control iso 27001 A.8.24', { name: 'control', framework: 'iso 27001', control: 'A.8.24' }],
    ['control nist 800-53 SC-12', { name: 'control', framework: 'nist 800-53', control: 'SC-12' }],
    ['control hipaa 312(b)', { name: 'control', framework: 'hipaa', control: '312(b)' }],
    ['control pcx 3.7', { name: 'control', framework: 'pcx', control: '3.7' }],
    ['control pci', { name: 'control', framework: 'pci', control: null }],
    ['control', { name: 'control', framework: null, control: null }],
    ['rules', { name: 'rules' }],
    ['catalog', { name: 'rules' }],
    ['Catalogue', { name: 'rules' }],
    ['rule', { name: 'rule', action: 'list' }],
    ['rule list', { name: 'rule', action: 'list' }],
    [
      'rule add {"id":"PROD-TAG", "name":"Two  spaces"}',
      { name: 'rule', action: 'add', json: '{"id":"PROD-TAG", "name":"Two  spaces"}' },
    ],
    [
      'RULE UPDATE PROD-TAG {"severity":"High"}',
      { name: 'rule', action: 'update', id: 'PROD-TAG', json: '{"severity":"High"}' },
    ],
    ['rule disable PROD-TAG', { name: 'rule', action: 'disable', id: 'PROD-TAG' }],
    ['rule Enable PROD-TAG', { name: 'rule', action: 'enable', id: 'PROD-TAG' }],
    ['rule remove PROD-TAG', { name: 'rule', action: 'remove', id: 'PROD-TAG' }],
    ['rule delete PROD-TAG', { name: 'rule', action: 'remove', id: 'PROD-TAG' }],
    ['rule disable', { name: 'rule', action: 'disable', id: null }],
    ['rule enabel X', { name: 'rule', action: 'unknown', input: 'enabel', suggestion: 'enable' }],
    ['scan', { name: 'scan' }],
    ['  SCAN ', { name: 'scan' }],
    ['subscribe severity=High  vault=kv-prod', { name: 'subscribe', args: 'severity=High vault=kv-prod' }],
    ['unsubscribe', { name: 'unsubscribe', args: '' }],
    ['alerts', { name: 'alerts', args: '' }],
    ['evidence soc2 --from 2026-01-01', { name: 'evidence', args: 'soc2 --from 2026-01-01' }],
    ['presets', { name: 'presets', args: '' }],
    ['rotate kv-prod/db --preset strong', { name: 'rotate', args: 'kv-prod/db --preset strong' }],
    ['cert abc123', { name: 'cert', args: 'abc123' }],
    ['scroe', { name: 'unknown', input: 'scroe', suggestion: 'score' }],
    ['contrl pci 3.7', { name: 'unknown', input: 'contrl pci 3.7', suggestion: 'control' }],
    ['sacn', { name: 'unknown', input: 'sacn', suggestion: 'scan' }],
    ['xyzzyplugh', { name: 'unknown', input: 'xyzzyplugh', suggestion: null }],
    ['parameters', { name: 'parameters', action: 'show' }],
    ['Params', { name: 'parameters', action: 'show' }],
    ['thresholds show', { name: 'parameters', action: 'show' }],
    [
      'parameters SET expiringSoonDays=45  keyMaxAgeDays = 730',
      { name: 'parameters', action: 'set', args: 'expiringSoonDays=45  keyMaxAgeDays = 730' },
    ],
    ['parameters reset', { name: 'parameters', action: 'reset', names: [] }],
    [
      'parameters reset expiringSoonDays  keyMaxAgeDays',
      { name: 'parameters', action: 'reset', names: ['expiringSoonDays', 'keyMaxAgeDays'] },
    ],
    ['parameters sett x=1', { name: 'parameters', action: 'unknown', input: 'sett', suggestion: 'set' }],
    ['paramters', { name: 'unknown', input: 'paramters', suggestion: 'parameters' }],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${expected.name}`, () => {
      assert.deepEqual(parseCommand(input), expected);
    });
  }

  it('maps button presses to the same commands', () => {
    assert.deepEqual(commandFromAction('score.refresh', { framework: 'pci' }), {
      name: 'score',
      framework: 'pci',
    });
    assert.deepEqual(commandFromAction('score.refresh', {}), { name: 'score', framework: null });
    assert.deepEqual(commandFromAction('control.show', { framework: 'pci', control: '3.7.4' }), {
      name: 'control',
      framework: 'pci',
      control: '3.7.4',
    });
    assert.deepEqual(commandFromAction('parameters.show', {}), { name: 'parameters', action: 'show' });
    assert.deepEqual(commandFromAction('nope', {}), { name: 'help' });
  });
});

describe('handleCommand', () => {
  it('score with no saved scan runs one and saves it', async () => {
    const ctx = context();
    assert.equal(await ctx.ports.scans.latest(), null);
    const view = as(await run('score', ctx), 'score');
    const saved = await ctx.ports.scans.latest();
    assert.ok(saved, 'a scan was saved');
    assert.equal(view.title, 'Certify score');
    assert.equal(view.score, saved.score);
    assert.equal(view.rating, saved.rating);
    assert.equal(view.scope.source, 'demo');
    assert.equal(view.scope.at, new Date(NOW).toISOString());
    assert.equal(view.trend, null);
    assert.deepEqual(
      view.breakdown.map((b) => b.id),
      FRAMEWORKS.map((f) => f.id),
    );
    assert.equal(view.counts.pass + view.counts.fail + view.counts.notApplicable, saved.rules.length);
    assert.ok(view.failing.length > 0 && view.failing.length <= 5);
    assert.equal(view.failing.length + view.moreFailing, view.counts.fail);
    const order = { Critical: 0, High: 1, Medium: 2, Low: 3 };
    for (let i = 1; i < view.failing.length; i++) {
      assert.ok(order[view.failing[i - 1]!.severity] <= order[view.failing[i]!.severity]);
    }
    for (const line of view.failing) {
      assert.ok(line.samples.length <= 3);
      for (const s of line.samples) assert.doesNotMatch(s, /^https:/);
    }
    const tones = { Strong: 'good', Healthy: 'good', 'Significant gaps': 'warning', Weak: 'attention' };
    assert.equal(view.tone, tones[view.rating as keyof typeof tones]);
    assert.ok(view.disclaimer.length > 0);
    assert.deepEqual(view.actions[0], { verb: 'score.refresh', title: 'Refresh', data: {} });
    assertNoVerdict(view);

    // A second score reads the saved scan rather than scanning again.
    const again = as(await run('score', { ...ctx, now: NOW + DAY }), 'score');
    assert.equal(again.scope.at, view.scope.at);
    assert.equal((await ctx.ports.scans.history()).length, 1);
  });

  it('score shows the trend since the previous saved scan', async () => {
    const ctx = context();
    const first = as(await run('scan', ctx), 'score');
    assert.equal(first.title, 'Scan finished');
    assert.equal(first.trend, null);
    // A custom rule that fails many secrets moves the score between the two scans.
    as(
      await run(
        'rule add {"id":"NO-OWNER","name":"Secrets carry an owner tag","severity":"Critical",' +
          '"condition":{"asset_scope":"secrets","asset_field":"tag_present","operator":"not_exists","value":"owner"}}',
        ctx,
      ),
      'message',
    );
    const later = { ...ctx, now: NOW + DAY };
    await run('scan', later);
    const view = as(await run('score', later), 'score');
    assert.ok(view.trend);
    assert.equal(view.trend.previous, first.score);
    assert.equal(view.trend.previousAt, new Date(NOW).toISOString());
    assert.equal(view.trend.delta, Math.round((view.score! - first.score!) * 10) / 10);
    assert.notEqual(view.trend.delta, 0);
    assert.equal(view.scope.at, new Date(NOW + DAY).toISOString());
  });

  it('a framework score breaks down into that framework’s controls', async () => {
    const ctx = context();
    const view = as(await run('score pci-dss', ctx), 'score');
    const pci = FRAMEWORKS.find((f) => f.id === 'pci')!;
    const saved = (await ctx.ports.scans.latest())!;
    const result = saved.frameworks.find((f) => f.id === 'pci')!;
    assert.equal(view.title, pci.name);
    assert.equal(view.score, result.score);
    assert.deepEqual(
      view.breakdown.map((b) => [b.id, b.status]),
      result.controls.map((c) => [c.id, c.status]),
    );
    assert.deepEqual(view.actions[0], {
      verb: 'score.refresh',
      title: 'Refresh',
      data: { framework: 'pci' },
    });
    const cited = new Set(pci.controls.flatMap((c) => c.citations.map((x) => x.rule)));
    for (const line of view.failing) assert.ok(cited.has(line.id), `${line.id} is cited by PCI`);
    assertNoVerdict(view);
  });

  it('an unknown framework is an attention message with a suggestion', async () => {
    const ctx = context();
    const view = as(await run('score pcx', ctx), 'message');
    assert.equal(view.tone, 'attention');
    assert.match(view.text, /unknown framework "pcx"/i);
    assert.match(view.hint ?? '', /did you mean "pci"/);
    // Nothing was scanned for a bad name.
    assert.equal(await ctx.ports.scans.latest(), null);
  });

  it('control pci 3.7 shows both controls under the heading', async () => {
    const ctx = context();
    const view: ControlView = as(await run('control pci 3.7', ctx), 'control');
    assert.deepEqual(
      view.controls.map((c) => c.id),
      ['3.7.4', '3.7.5'],
    );
    assert.equal(view.framework.id, 'pci');
    assert.equal(view.query, '3.7');
    assert.equal(view.redirectNote, null);
    const saved = (await ctx.ports.scans.latest())!;
    for (const c of view.controls) {
      assert.ok(c.rules.length > 0);
      for (const r of c.rules) {
        assert.equal(r.status, saved.rules.find((x) => x.id === r.id)!.status);
      }
    }
    assertNoVerdict(view);
  });

  it('control PCI DSS 3.7.4 finds the single control', async () => {
    const view = as(await run('control PCI DSS 3.7.4', context()), 'control');
    assert.deepEqual(
      view.controls.map((c) => c.id),
      ['3.7.4'],
    );
  });

  it('control iso A.10.1.2 explains the redirect', async () => {
    const view = as(await run('control iso a.10.1.2', context()), 'control');
    assert.ok(view.redirectNote && view.redirectNote.length > 0);
    assert.ok(view.controls.length > 0);
    assertNoVerdict(view);
  });

  it('an unknown control or a missing one is an attention message with a hint', async () => {
    const ctx = context();
    const unknown = as(await run('control pci 99.9', ctx), 'message');
    assert.equal(unknown.tone, 'attention');
    assert.match(unknown.hint ?? '', /PCI DSS controls: /);
    const missing = as(await run('control pci', ctx), 'message');
    assert.equal(missing.tone, 'attention');
    assert.match(missing.hint ?? '', /3\.7\.4/);
    const badFw = as(await run('control pcx 3.7', ctx), 'message');
    assert.match(badFw.hint ?? '', /did you mean "pci"/);
  });

  it('rules lists the built-ins; rule add / disable / remove change the custom list', async () => {
    const ctx = context();
    const before: RulesView = as(await run('catalogue', ctx), 'rules');
    assert.equal(before.builtIn.length, 47);
    assert.deepEqual(before.custom, []);

    const added = as(
      await run(
        '/certify rule add {"id":"PROD-TAG","name":"Secrets carry env=production","severity":"Medium",' +
          '"condition":{"asset_scope":"secrets","asset_field":"tag_present","operator":"not_exists","value":"env=production"}}',
        ctx,
      ),
      'message',
    );
    assert.equal(added.tone, 'good');
    assert.match(added.text, /PROD-TAG/);

    const withRule = as(await run('rules', ctx), 'rules');
    assert.equal(withRule.custom.length, 1);
    assert.equal(withRule.custom[0]!.enabled, true);
    assert.match(withRule.custom[0]!.condition, /env=production/);

    const disabled = as(await run('rule disable prod-tag', ctx), 'message');
    assert.equal(disabled.tone, 'good');
    assert.equal(as(await run('rules', ctx), 'rules').custom[0]!.enabled, false);

    as(await run('rule enable PROD-TAG', ctx), 'message');
    assert.equal(as(await run('rule list', ctx), 'rules').custom[0]!.enabled, true);

    const updated = as(await run('rule update PROD-TAG {"severity":"High"}', ctx), 'message');
    assert.equal(updated.tone, 'good');
    assert.equal(as(await run('rules', ctx), 'rules').custom[0]!.severity, 'High');

    as(await run('rule remove PROD-TAG', ctx), 'message');
    assert.deepEqual(as(await run('rules', ctx), 'rules').custom, []);
  });

  it('an invalid rule is an attention message listing the problems', async () => {
    const ctx = context();
    const invalid: MessageView = as(
      await run('rule add {"id":"bad id","severity":"Extreme","condition":{}}', ctx),
      'message',
    );
    assert.equal(invalid.tone, 'attention');
    assert.match(invalid.text, /• id:/);
    assert.match(invalid.text, /• name:/);
    assert.match(invalid.text, /• severity:/);
    assert.ok(invalid.hint);

    const notJson = as(await run('rule add {id: PROD}', ctx), 'message');
    assert.equal(notJson.tone, 'attention');
    assert.match(notJson.text, /not valid JSON/);
    assert.match(notJson.hint ?? '', /rule add \{/);

    const builtin = as(await run('rule disable P001', ctx), 'message');
    assert.equal(builtin.tone, 'attention');
    assert.match(builtin.text, /built-in/);

    const noId = as(await run('rule disable', ctx), 'message');
    assert.equal(noId.tone, 'attention');
    assert.deepEqual(await ctx.ports.customRules.list(), []);
  });

  it('presets lists every preset; evidence, rotate and cert say plainly when they are not wired', async () => {
    const ctx = context();
    const presets = as(await run('presets', ctx), 'message');
    for (const id of ['strict', 'nist', 'pci', 'hipaa', 'soc2', 'iso27001', 'fips']) {
      assert.match(presets.text, new RegExp(`• ${id}\\b`), id);
    }
    assert.match(presets.text, /strict \(default\)/);
    assertNoVerdict(presets);
    for (const text of ['evidence soc2', 'rotate kv-prod/db-password --preset pci', 'cert cert-x']) {
      const view = as(await run(text, ctx), 'message');
      assert.equal(view.tone, 'attention', text);
      assert.match(view.text, /not available in this deployment/, text);
    }
    assert.equal(await ctx.ports.scans.latest(), null, 'nothing was scanned');
  });

  it('help, and an unknown command with its suggestion', async () => {
    const ctx = context();
    const help: HelpView = as(await run('', ctx), 'help');
    assert.equal(help.unknown, null);
    assert.ok(help.commands.some((c) => c.usage.includes('control')));
    const unknown = as(await run('scroe pci', ctx), 'help');
    assert.deepEqual(unknown.unknown, { input: 'scroe pci', suggestion: 'score' });
  });

  it('an unexpected error is "Something went wrong", without a stack trace', async () => {
    const seen: unknown[] = [];
    const ctx: CommandContext = {
      ...context(),
      source: {
        id: 'broken',
        collect: () => Promise.reject(new Error('boom at /secret/path.ts:12')),
      },
      onError: (e) => seen.push(e),
    };
    const view = as(await run('scan', ctx), 'message');
    assert.equal(view.title, 'Something went wrong');
    assert.doesNotMatch(JSON.stringify(view), /boom|path\.ts|at /);
    assert.equal(seen.length, 1);
  });

  it('no view says a framework is compliant', async () => {
    const ctx = context();
    const views: View[] = [];
    for (const text of ['scan', 'score', 'score soc2', 'score iso', 'control soc2 cc6', 'rules', 'help']) {
      views.push(await run(text, ctx));
    }
    for (const f of FRAMEWORKS) views.push(await run(`score ${f.id}`, ctx));
    for (const v of views) assertNoVerdict(v);
    const score = views[1] as ScoreView;
    assert.match(score.disclaimer, /not a compliance verdict/);
  });
});
