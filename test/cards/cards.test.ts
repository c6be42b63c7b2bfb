import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { toAdaptiveCard, toBlockKit, SLACK_LIMITS, welcomeView } from '../../cards/index.js';
import type { AdaptiveCard, Block, ButtonElement, View } from '../../cards/index.js';
import {
  acknowledgedAlert,
  controlView,
  digestAlert,
  evidenceRejecting,
  evidenceSigned,
  evidenceSigning,
  evidenceViews,
  rotationViews,
  expiringAlert,
  frameworkScore,
  helpView,
  hugeScore,
  messages,
  controlWithParameters,
  parametersView,
  rulesView,
  scoreWithParameters,
  snoozedAlert,
} from './fixtures.js';
import { trendViews } from './trend-fixtures.js';

// The package's lib/ build does not load in plain Node; the UMD bundle does, without DOM globals.
interface ParseEvent {
  phase: number;
  event: number;
  message: string;
}
interface AC {
  AdaptiveCard: new () => { parse(json: unknown, ctx: unknown): void; toJSON(ctx?: unknown): unknown };
  SerializationContext: new () => {
    targetVersion: unknown;
    eventCount: number;
    getEventAt(i: number): ParseEvent;
  };
  Versions: { v1_5: unknown };
}
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AC;

const views: [string, View][] = [
  ['huge score', hugeScore],
  ['framework score', frameworkScore],
  ...trendViews,
  ['control with redirect', controlView],
  ['rules catalogue', rulesView],
  ['score with non-default parameters', scoreWithParameters],
  ['control with non-default parameters', controlWithParameters],
  ['organisation parameters', parametersView],
  ['help with unknown input', helpView],
  ...messages.map((m): [string, View] => [`message (${m.tone})`, m]),
  ['alert (7 days)', expiringAlert],
  ['alert digest (40 items)', digestAlert],
  ['alert (acknowledged)', acknowledgedAlert],
  ['alert (snoozed)', snoozedAlert],
  ...evidenceViews,
  ...rotationViews,
  [
    'welcome',
    welcomeView({
      commands: [
        { usage: 'score', description: 'Evidence score, rating and failing rules.' },
        { usage: 'control pci 3.7', description: 'A control: what it asks and the rules it cites.' },
        { usage: 'evidence soc2 last-quarter', description: 'A signed, timestamped evidence bundle.' },
      ],
      hint: 'In a channel or group chat, mention @Certify first: @Certify score.',
      approvers: 2,
      actions: [{ verb: 'score.show', title: 'Show the score', data: {} }],
    }),
  ],
];

/** Every string a card shows (TextBlock text, facts, action titles). */
function cardTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => cardTexts(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string' && (k === 'text' || k === 'title' || k === 'value')) out.push(v);
      else if (k !== 'data') cardTexts(v, out);
    }
  }
  return out;
}

/** Every string a Block Kit message shows. */
function blockTexts(blocks: Block[]): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') out.push(v);
        else if (k !== 'value') walk(v);
      }
    }
  };
  walk(blocks);
  // Slack mrkdwn escapes these; compare facts unescaped.
  return out.map((s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

function parseErrors(card: AdaptiveCard): string[] {
  const parsed = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext();
  ctx.targetVersion = AC.Versions.v1_5;
  parsed.parse(card, ctx);
  const events: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) {
    const e = ctx.getEventAt(i);
    events.push(`[phase ${e.phase} event ${e.event}] ${e.message}`);
  }
  return events;
}

/** Slack limits, checked independently of the renderer's own constants. */
function slackProblems(msg: { text: string; blocks: Block[] }): string[] {
  const p: string[] = [];
  if (!msg.text) p.push('no fallback text');
  if (msg.blocks.length > 50) p.push(`${msg.blocks.length} blocks`);
  const blockIds = new Set<string>();
  const button = (e: ButtonElement, i: number): void => {
    if (e.text.type !== 'plain_text' || e.text.text.length > 75)
      p.push(`#${i} button text ${e.text.text.length}`);
    if (e.value === undefined && e.url === undefined) p.push(`#${i} button without value or url`);
    if (e.value !== undefined && e.value.length > 2000) p.push(`#${i} value ${e.value.length}`);
    if (e.url !== undefined && (e.url.length > 3000 || !/^https?:\/\//.test(e.url))) p.push(`#${i} bad url`);
    if (!e.action_id || e.action_id.length > 255) p.push(`#${i} bad action_id`);
    if (e.style && e.style !== 'primary' && e.style !== 'danger') p.push(`#${i} style ${e.style}`);
  };
  msg.blocks.forEach((b, i) => {
    switch (b.type) {
      case 'header':
        if (b.text.type !== 'plain_text') p.push(`#${i} header not plain_text`);
        if (b.text.text.length > 150) p.push(`#${i} header ${b.text.text.length} chars`);
        break;
      case 'section':
        if (!b.text && !b.fields) p.push(`#${i} empty section`);
        if (b.text && b.text.text.length > 3000) p.push(`#${i} section ${b.text.text.length} chars`);
        if (b.text && b.text.text.length === 0) p.push(`#${i} empty section text`);
        if (b.fields && b.fields.length > 10) p.push(`#${i} ${b.fields.length} fields`);
        b.fields?.forEach((f, j) => {
          if (f.text.length > 2000) p.push(`#${i} field ${j} ${f.text.length} chars`);
        });
        if (b.accessory) button(b.accessory, i);
        break;
      case 'input': {
        if (!b.block_id || b.block_id.length > 255) p.push(`#${i} bad block_id`);
        if (blockIds.has(b.block_id)) p.push(`#${i} duplicate block_id ${b.block_id}`);
        blockIds.add(b.block_id);
        if (b.label.type !== 'plain_text' || !b.label.text || b.label.text.length > 2000)
          p.push(`#${i} bad input label`);
        const e = b.element;
        if (e.type !== 'plain_text_input') p.push(`#${i} element ${String(e.type)}`);
        if (!e.action_id || e.action_id.length > 255) p.push(`#${i} bad input action_id`);
        if (e.placeholder && e.placeholder.text.length > 150) p.push(`#${i} placeholder too long`);
        if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > 3000))
          p.push(`#${i} max_length ${e.max_length}`);
        if (e.initial_value !== undefined && e.initial_value.length > (e.max_length ?? 3000))
          p.push(`#${i} initial_value longer than max_length`);
        break;
      }
      case 'context':
        if (b.elements.length === 0 || b.elements.length > 10)
          p.push(`#${i} ${b.elements.length} context elements`);
        b.elements.forEach((e) => e.text.length > 3000 && p.push(`#${i} context text too long`));
        break;
      case 'actions': {
        if (b.elements.length === 0 || b.elements.length > 25) p.push(`#${i} ${b.elements.length} buttons`);
        const ids = new Set<string>();
        for (const e of b.elements) {
          button(e, i);
          if (e.value === undefined) p.push(`#${i} action button without value`);
          if (ids.has(e.action_id)) p.push(`#${i} duplicate action_id ${e.action_id}`);
          ids.add(e.action_id);
        }
        break;
      }
      case 'divider':
        break;
    }
  });
  return p;
}

const ID = /\b(?:KV|X)-\d{3}\b|\b3\.\d+(?:\.\d+)?\b/g;
const MORE = /and \d+ more [a-z-]+(?: [a-z]+)?/g;
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('cards', () => {
  for (const [name, view] of views) {
    describe(name, () => {
      const card = toAdaptiveCard(view);
      const slack = toBlockKit(view);
      const json = JSON.stringify(card);

      it('is an Adaptive Card 1.5 that parses without errors or warnings', () => {
        assert.equal(card.type, 'AdaptiveCard');
        assert.equal(card.version, '1.5');
        assert.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
        const events = parseErrors(card);
        assert.equal(events.length, 0, events.join('\n'));
      });

      it('uses no property the Adaptive Cards library does not know (round trip keeps them all)', () => {
        const parsed = new AC.AdaptiveCard();
        parsed.parse(card, new AC.SerializationContext());
        const out = parsed.toJSON() as unknown;
        const dropped: string[] = [];
        const walk = (a: unknown, b: unknown, path: string): void => {
          if (Array.isArray(a))
            a.forEach((x, i) => walk(x, (b as unknown[] | undefined)?.[i], `${path}[${i}]`));
          else if (a && typeof a === 'object') {
            for (const [k, v] of Object.entries(a)) {
              const other = b as Record<string, unknown> | undefined;
              // An empty actions array is a default the library leaves out.
              if (!other || !(k in other)) {
                if (!(k === 'actions' && Array.isArray(v) && v.length === 0)) dropped.push(`${path}.${k}`);
              } else walk(v, other[k], `${path}.${k}`);
            }
          }
        };
        walk(card, out, 'card');
        assert.deepEqual(dropped, []);
      });

      it('uses only Action.Execute with a verb (and OpenUrl for a download link)', () => {
        for (const a of card.actions) {
          assert.equal(a.type, 'Action.Execute');
          assert.ok(a.verb.length > 0);
        }
        assert.ok(!/"Action\.(Submit|ShowCard|ToggleVisibility)"/.test(json));
        const openUrls = json.match(/"Action\.OpenUrl"/g) ?? [];
        assert.equal(openUrls.length, view.kind === 'evidence' && view.link ? 1 : 0);
        if ('actions' in view) assert.equal(card.actions.length, Math.min(view.actions.length, 6));
      });

      it('fits the 28 KB Teams budget', () => {
        assert.ok(json.length <= 28 * 1024, `${json.length} chars`);
        assert.ok(Buffer.byteLength(json) <= 28 * 1024, `${Buffer.byteLength(json)} bytes`);
      });

      it('respects every Slack Block Kit limit', () => {
        assert.deepEqual(slackProblems(slack), []);
        assert.ok(slack.blocks.length <= SLACK_LIMITS.blocks);
      });

      it('shows the same facts in Slack as in Teams', () => {
        const cardText = cardTexts(card.body).join('\n');
        const slackText = blockTexts(slack.blocks).join('\n');
        assert.deepEqual(
          sorted(new Set(slackText.match(ID) ?? [])),
          sorted(new Set(cardText.match(ID) ?? [])),
        );
        assert.deepEqual(sorted(slackText.match(MORE) ?? []), sorted(cardText.match(MORE) ?? []));
        // Every fact (scope, trend, coverage, score) and button shown in the card is in the message.
        const facts = JSON.parse(JSON.stringify(card.body), (k, v: unknown) => v) as unknown;
        const factValues: string[] = [];
        const walk = (n: unknown): void => {
          if (Array.isArray(n)) n.forEach(walk);
          else if (n && typeof n === 'object') {
            const o = n as Record<string, unknown>;
            if (o.type === 'FactSet') {
              for (const f of o.facts as { title: string; value: string }[])
                factValues.push(f.title, f.value);
            } else Object.values(o).forEach(walk);
          }
        };
        walk(facts);
        for (const v of factValues) assert.ok(slackText.includes(v), `fact "${v}" missing in Slack`);
        const buttons = slack.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
        assert.deepEqual(
          buttons.map((b) => [b.text.text, JSON.parse(b.value ?? 'null') as unknown]),
          card.actions.map((a) => [a.title, a.data]),
        );
        assert.ok(slack.text.length > 0);
      });

      it('never states a verdict', () => {
        for (const out of [json, JSON.stringify(slack)]) {
          assert.ok(!/compliant/i.test(out), 'says "compliant"');
          assert.ok(!/\bmet\b/i.test(out), 'says "met"');
        }
      });
    });
  }

  it('score: big score, rating and tone colour in the header; trend and scope facts', () => {
    const card = toAdaptiveCard(hugeScore);
    const texts = cardTexts(card.body);
    assert.ok(texts.includes('61.3'));
    assert.ok(texts.includes('Needs work'));
    assert.ok(texts.includes('▲ 2.5 since 2026-11-22'));
    assert.ok(texts.includes('2026-11-29 09:14 UTC'));
    assert.match(JSON.stringify(card.body[0]), /"color":"Warning"/);
    const slack = toBlockKit(hugeScore);
    const slackText = blockTexts(slack.blocks).join('\n');
    assert.ok(slackText.includes('*61.3*'));
    assert.ok(slackText.includes('Needs work'));
    assert.ok(slack.text.includes('61.3'));
    assert.equal(toBlockKit(frameworkScore).blocks.length > 0, true);
    assert.ok(cardTexts(toAdaptiveCard(frameworkScore).body).includes('▼ 2 since 2026-11-20 18:00 UTC'));
  });

  it('score: cuts 30 failing rules to 10 and samples to 3, with "and N more" lines', () => {
    const texts = cardTexts(toAdaptiveCard(hugeScore).body).join('\n');
    const ids = new Set(texts.match(/\bKV-\d{3}\b/g));
    assert.equal(ids.size, 10);
    assert.ok(texts.includes('and 20 more failing rules'));
    // 5 samples + 40 more → 3 shown, 42 more.
    assert.ok(texts.includes('and 42 more assets'));
    assert.ok(texts.includes('Failing rules (30)'));
  });

  it('control: redirect note, statuses, your part, cited rules', () => {
    const texts = cardTexts(toAdaptiveCard(controlView).body).join('\n');
    assert.ok(texts.includes('3.7.1–3.7.3'));
    assert.ok(texts.includes('**Your part:** Document how keys'));
    assert.ok(texts.includes('✗ Failing'));
    assert.ok(texts.includes('kv-prod-1, kv-prod-2, kv-legacy-3, and 3 more assets'));
    const slack = toBlockKit(controlView);
    const ids = slack.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    assert.deepEqual(ids, ['control', 'control#2', 'score']);
  });

  it('rules: shows all 41 built-ins and 3 custom rules', () => {
    const texts = cardTexts(toAdaptiveCard(rulesView).body).join('\n');
    assert.equal(new Set(texts.match(/\bKV-\d{3}\b/g)).size, 41);
    assert.equal(new Set(texts.match(/\bX-\d{3}\b/g)).size, 3);
    assert.ok(blockTexts(toBlockKit(rulesView).blocks).join('\n').includes('age_days > 365 && <x>'));
  });

  it('help: unknown command suggests the closest one', () => {
    const texts = cardTexts(toAdaptiveCard(helpView).body);
    assert.ok(texts.includes('Did you mean “score pci”?'));
    assert.ok(toBlockKit(helpView).text.includes('Did you mean “score pci”?'));
  });

  it('message: title coloured by tone', () => {
    const colours = messages.map((m) => (toAdaptiveCard(m).body[0] as { color?: string }).color);
    assert.deepEqual(colours, ['Good', 'Warning', 'Attention', 'Default']);
  });

  it('alert: bell title coloured by tone, scan line, kind badge and subject', () => {
    const card = toAdaptiveCard(expiringAlert);
    assert.deepEqual(card.body[0], {
      type: 'TextBlock',
      text: '🔔 Secret expires within 7 days',
      wrap: true,
      size: 'Large',
      weight: 'Bolder',
      color: 'Warning',
      style: 'heading',
    });
    const texts = cardTexts(card.body);
    assert.ok(texts.includes('Scanned 2026-11-29 09:14 UTC · azure (3 subscriptions)'));
    assert.ok(texts.includes('7 DAYS'));
    assert.ok(texts.includes('kv-prod/secrets/db-password · KV-003'));
    assert.match(JSON.stringify(card.body), /"text":"7 DAYS"[^}]*"color":"Warning"/);
    assert.deepEqual(
      card.actions.map((a) => [a.verb, a.data]),
      [
        ['alert.ack', { key: '7d:kv-prod/secrets/db-password' }],
        ['alert.snooze', { key: '7d:kv-prod/secrets/db-password' }],
        ['score', {}],
      ],
    );
    const slack = toBlockKit(expiringAlert);
    assert.deepEqual(slack.blocks[0], {
      type: 'header',
      text: { type: 'plain_text', text: '🔔 Secret expires within 7 days', emoji: true },
    });
    const slackText = blockTexts(slack.blocks).join('\n');
    assert.ok(slackText.includes('🟠 *7 DAYS* · db-password expires on 2026-12-04 (in 5 days)'));
    assert.ok(slackText.includes('`kv-prod/secrets/db-password · KV-003`'));
    assert.ok(slack.text.includes('db-password expires on 2026-12-04'));
  });

  it('alert digest: 40 items + 3 more cut to 20 with the same "and 23 more changes" in both channels', () => {
    const card = toAdaptiveCard(digestAlert);
    const texts = cardTexts(card.body);
    assert.ok(texts.includes('and 23 more changes'));
    for (const label of ['EXPIRED', '7 DAYS', '30 DAYS', 'CRITICAL RULE', 'SCORE DROP'])
      assert.ok(texts.includes(label), label);
    assert.match(JSON.stringify(card.body), /"text":"EXPIRED"[^}]*"color":"Attention"/);
    assert.match(JSON.stringify(card.body), /"text":"30 DAYS"[^}]*"color":"Default"/);
    assert.equal((card.body[0] as { color?: string }).color, 'Attention');
    const slack = toBlockKit(digestAlert);
    const slackText = blockTexts(slack.blocks).join('\n');
    assert.ok(slackText.includes('_and 23 more changes_'));
    assert.equal(slack.blocks.filter((b) => b.type === 'section').length, 20);
    assert.ok(slackText.includes('🟡 *30 DAYS*'));
    assert.equal(slack.text, '🔔 43 changes since the last scan');
  });

  it('alert state: acknowledged / snoozed line, and exactly the buttons the view lists', () => {
    const ack = toAdaptiveCard(acknowledgedAlert);
    assert.ok(cardTexts(ack.body).includes('Acknowledged by Ana at 2026-11-29 10:02 UTC'));
    assert.deepEqual(
      ack.actions.map((a) => a.verb),
      ['score'],
    );
    const ackSlack = toBlockKit(acknowledgedAlert);
    assert.ok(blockTexts(ackSlack.blocks).includes('*Acknowledged by Ana at 2026-11-29 10:02 UTC*'));
    assert.ok(ackSlack.text.endsWith('(Acknowledged by Ana at 2026-11-29 10:02 UTC)'));
    const snoozed = toAdaptiveCard(snoozedAlert);
    assert.ok(cardTexts(snoozed.body).includes('Snoozed by Ana until 2026-12-06 10:02 UTC'));
    assert.ok(
      blockTexts(toBlockKit(snoozedAlert).blocks).includes('*Snoozed by Ana until 2026-12-06 10:02 UTC*'),
    );
    // No state yet: no state line.
    assert.ok(
      !cardTexts(toAdaptiveCard(expiringAlert).body).some((t) => /^(Acknowledged|Snoozed) by/.test(t)),
    );
  });

  it('evidence: every fact, the status line, statement and note in both channels', () => {
    for (const [name, view] of [...evidenceViews, ...rotationViews]) {
      const card = toAdaptiveCard(view);
      const cardText = cardTexts(card.body).join('\n');
      const slack = toBlockKit(view);
      const slackText = blockTexts(slack.blocks).join('\n');
      for (const f of view.facts) {
        for (const s of [f.label, f.value]) {
          assert.ok(cardText.includes(s), `${name}: "${s}" missing in Teams`);
          assert.ok(slackText.includes(s), `${name}: "${s}" missing in Slack`);
        }
      }
      assert.ok(cardText.includes(view.text), `${name}: status text in Teams`);
      assert.ok(slackText.includes(view.text), `${name}: status text in Slack`);
      assert.ok(slack.text.includes(view.title), `${name}: fallback text`);
      for (const extra of [view.note, view.statement?.split('\n')[0]]) {
        if (!extra) continue;
        assert.ok(cardText.includes(extra), `${name}: "${extra}" missing in Teams`);
        assert.ok(slackText.includes(extra), `${name}: "${extra}" missing in Slack`);
      }
      if (view.statement === null) assert.ok(!/Management of Contoso/.test(cardText + slackText), name);
      const tone = { good: 'Good', warning: 'Warning', attention: 'Attention', neutral: 'Default' }[
        view.tone
      ];
      assert.match(JSON.stringify(card.body[1]), new RegExp(`"color":"${tone}"`), `${name}: badge tone`);
    }
  });

  it('evidence: the statement is shown whole, never cut, in both channels', () => {
    const long = {
      ...evidenceSigning,
      statement:
        Array.from({ length: 12 }, (_, i) => `Paragraph ${i} ${'word '.repeat(90)}end.`).join('\n') +
        ' ' +
        'x '.repeat(2000) +
        'last',
    };
    const card = toAdaptiveCard(long);
    assert.ok(cardTexts(card.body).includes(long.statement));
    const slack = toBlockKit(long);
    assert.deepEqual(slackProblems(slack), []);
    const quoted = blockTexts(slack.blocks)
      .filter((t) => t.startsWith('>'))
      .join('\n')
      .split('\n')
      .map((l) => l.slice(1));
    assert.equal(quoted.join(' ').replace(/\s+/g, ' '), long.statement.replace(/\s+/g, ' '));
  });

  it('evidence: inputs are Input.Text in Teams and plain_text_input blocks in Slack, keyed by id', () => {
    const card = toAdaptiveCard(evidenceSigning);
    const inputs = card.body.filter((e) => e.type === 'Input.Text');
    assert.deepEqual(inputs, [
      {
        type: 'Input.Text',
        id: 'name',
        label: 'Your name',
        placeholder: 'e.g. Dana Li',
        value: 'Morgan Diaz',
        isRequired: true,
        errorMessage: 'Your name is required.',
        maxLength: 100,
      },
      {
        type: 'Input.Text',
        id: 'role',
        label: 'Your role',
        placeholder: 'e.g. CISO',
        isRequired: true,
        errorMessage: 'Your role is required.',
        maxLength: 100,
      },
    ]);
    // Cancel neither validates nor sends the inputs; Sign sends them.
    assert.deepEqual(
      card.actions.map((a) => [a.verb, a.associatedInputs]),
      [
        ['evidence.confirm', undefined],
        ['evidence.show', 'none'],
      ],
    );
    const slack = toBlockKit(evidenceSigning);
    const blocks = slack.blocks.filter((b) => b.type === 'input');
    assert.deepEqual(blocks, [
      {
        type: 'input',
        block_id: 'in_name',
        label: { type: 'plain_text', text: 'Your name', emoji: true },
        element: {
          type: 'plain_text_input',
          action_id: 'name',
          max_length: 100,
          placeholder: { type: 'plain_text', text: 'e.g. Dana Li' },
          initial_value: 'Morgan Diaz',
        },
      },
      {
        type: 'input',
        block_id: 'in_role',
        label: { type: 'plain_text', text: 'Your role', emoji: true },
        element: {
          type: 'plain_text_input',
          action_id: 'role',
          max_length: 100,
          placeholder: { type: 'plain_text', text: 'e.g. CISO' },
        },
      },
    ]);
    // Inputs come before the buttons that send them.
    const last = slack.blocks.at(-1);
    assert.equal(last?.type, 'actions');

    const reason = toAdaptiveCard(evidenceRejecting).body.find((e) => e.type === 'Input.Text');
    assert.equal(reason?.isMultiline, true);
    assert.equal(reason?.maxLength, 500);
    const reasonBlock = toBlockKit(evidenceRejecting).blocks.find((b) => b.type === 'input');
    assert.equal(reasonBlock?.type === 'input' && reasonBlock.element.multiline, true);
  });

  it('evidence: the download link is an OpenUrl button in Teams and a url button in Slack, with its expiry', () => {
    const url = evidenceSigned.link?.url ?? '';
    const card = toAdaptiveCard(evidenceSigned);
    const json = JSON.stringify(card.body);
    assert.ok(
      json.includes(
        JSON.stringify({ type: 'Action.OpenUrl', title: 'Download bundle', url, style: 'positive' }),
      ),
    );
    const expiry = 'Single-use link · expires 2026-10-09 09:14 UTC';
    assert.ok(cardTexts(card.body).includes(expiry));
    const slack = toBlockKit(evidenceSigned);
    const linkSection = slack.blocks.find((b) => b.type === 'section' && b.accessory);
    assert.deepEqual(linkSection, {
      type: 'section',
      text: { type: 'mrkdwn', text: expiry },
      accessory: {
        type: 'button',
        text: { type: 'plain_text', text: 'Download bundle', emoji: true },
        action_id: 'open_link',
        url,
        style: 'primary',
      },
    });
    // Never in the notification text: link previews would spend the single-use link.
    assert.ok(!slack.text.includes(url), 'the fallback text must not carry the download url');
    // Before signing there is no link anywhere.
    assert.ok(!JSON.stringify(toBlockKit(evidenceSigning)).includes('open_link'));
  });

  it('cuts a pathological view to fit both channels', () => {
    const monster = {
      ...hugeScore,
      title: 'T'.repeat(400),
      disclaimer: 'D'.repeat(50_000),
      failing: Array.from({ length: 200 }, (_, i) => ({
        ...hugeScore.failing[0]!,
        id: `KV-${i}`,
        name: 'N'.repeat(5000),
        samples: Array.from({ length: 50 }, () => 'S'.repeat(3000)),
      })),
      breakdown: Array.from({ length: 500 }, (_, i) => ({
        id: `c${i}`,
        label: 'L'.repeat(3000),
        score: 1,
        status: 'fail',
      })),
    };
    const card = toAdaptiveCard(monster);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) <= 28 * 1024);
    assert.deepEqual(parseErrors(card), []);
    assert.deepEqual(slackProblems(toBlockKit(monster)), []);
  });
});
