/**
 * View → Slack Block Kit message: the same facts as the Adaptive Card (cards/adaptive.ts), cut
 * with the same caps, within Slack's block limits. Pure function: no SDK, no I/O.
 */
import type {
  ActionView,
  AlertView,
  ChartView,
  ControlView,
  EvidenceView,
  HelpView,
  MessageView,
  ParametersView,
  RulesView,
  ScoreView,
  Tone,
  TrendView,
  View,
  WelcomeView,
} from './views.js';
import {
  cutTrend,
  latestFacts,
  NO_RULE_CHANGE,
  sparklineCaption,
  trendRowText,
  trendScopeText,
  type CutTrend,
} from './trend-text.js';
import {
  CAP_STEPS,
  COVERAGE_LABEL,
  STATUS_LABEL,
  clip,
  countsText,
  cutActions,
  cutAlert,
  cutControl,
  cutEvidence,
  cutHelp,
  cutMessage,
  cutParameters,
  cutRules,
  cutScore,
  fallbackText,
  formatScore,
  moreText,
  parameterValueLine,
  samplesText,
  scopeFacts,
  severityTone,
  unknownText,
} from './text.js';
import type { Caps } from './text.js';

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  text?: Mrkdwn;
  fields?: Mrkdwn[];
  accessory?: ButtonElement;
}

export interface ContextBlock {
  type: 'context';
  elements: Mrkdwn[];
}

export interface DividerBlock {
  type: 'divider';
}

/** A button: `value` carries the verb's data; a link button has `url` instead. */
export interface ButtonElement {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
}

export interface PlainTextInputElement {
  type: 'plain_text_input';
  action_id: string;
  placeholder?: PlainText;
  initial_value?: string;
  multiline?: boolean;
  max_length?: number;
}

/** A text field; its value comes back in `state.values[block_id][action_id]` of block_actions. */
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  element: PlainTextInputElement;
  optional?: boolean;
}

export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}

/** A picture Slack fetches from `image_url` (a public URL; Certify serves its charts). */
export interface ImageBlock {
  type: 'image';
  image_url: string;
  alt_text: string;
}

export type Block =
  HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock | InputBlock | ImageBlock;

export interface BlockKitMessage {
  /** Plain fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: Block[];
}

/** Slack's documented limits for the blocks used here. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  actionValue: 2000,
  actionId: 255,
  actionElements: 25,
  blockId: 255,
  inputLabel: 2000,
  placeholder: 150,
  inputLength: 3000,
  url: 3000,
  altText: 2000,
} as const;

/** The block_id of an input's block: the listener reads values by action_id, so only uniqueness matters. */
export const INPUT_BLOCK_PREFIX = 'in_';

/** action_id of a link button. Slack still sends block_actions for it; the listener ignores them. */
export const LINK_ACTION_ID = 'open_link';

const TONE_EMOJI: Record<Tone, string> = {
  good: '🟢',
  warning: '🟠',
  attention: '🔴',
  neutral: '⚪',
};

const STATUS_EMOJI: Record<keyof typeof STATUS_LABEL, string> = {
  pass: '✅',
  fail: '❌',
  not_applicable: '➖',
  customer: '👤',
};

/** Slack mrkdwn needs &, < and > escaped; nothing else is touched. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// ── Block helpers ──────────────────────────────────────────────────────────────────────────

function header(value: string): HeaderBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: clip(value, SLACK_LIMITS.headerText), emoji: true },
  };
}

function section(mrkdwn: string, fields?: [string, string][]): SectionBlock {
  const block: SectionBlock = {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(mrkdwn, SLACK_LIMITS.sectionText) },
  };
  if (fields && fields.length > 0) {
    block.fields = fields.slice(0, SLACK_LIMITS.fields).map(([title, value]) => ({
      type: 'mrkdwn',
      text: clip(`*${esc(title)}*\n${esc(value)}`, SLACK_LIMITS.fieldText),
    }));
  }
  return block;
}

/** A chart served by Certify, with its text alternative for screen readers. */
function chartBlock(chart: ChartView): ImageBlock {
  return { type: 'image', image_url: chart.url, alt_text: clip(chart.alt, SLACK_LIMITS.altText) };
}

function context(...lines: string[]): ContextBlock {
  return {
    type: 'context',
    elements: lines
      .slice(0, SLACK_LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: clip(t, SLACK_LIMITS.contextText) })),
  };
}

function more(n: number, one: string, many: string): ContextBlock {
  return context(`_${moreText(n, one, many)}_`);
}

const divider: DividerBlock = { type: 'divider' };

/** Packs lines into as few section texts as fit Slack's 3000-character limit. */
function packed(lines: string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, SLACK_LIMITS.sectionText);
    if (current && current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      out.push(section(current));
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) out.push(section(current));
  return out;
}

function actions(list: ActionView[]): ActionsBlock[] {
  if (list.length === 0) return [];
  const seen = new Map<string, number>();
  const elements = list.slice(0, SLACK_LIMITS.actionElements).map((a) => {
    // action_id must be unique within the block: a repeated verb gets a "#2", "#3" suffix.
    const n = (seen.get(a.verb) ?? 0) + 1;
    seen.set(a.verb, n);
    const button: ButtonElement = {
      type: 'button',
      text: { type: 'plain_text', text: clip(a.title, SLACK_LIMITS.buttonText), emoji: true },
      action_id: clip(n === 1 ? a.verb : `${a.verb}#${n}`, SLACK_LIMITS.actionId),
      value: JSON.stringify(a.data),
    };
    if (a.style === 'positive') button.style = 'primary';
    if (a.style === 'destructive') button.style = 'danger';
    return button;
  });
  return [{ type: 'actions', elements }];
}

function samplesLine(samples: string[], moreSamples: number): string {
  const s = samplesText(samples, moreSamples);
  return s ? `\n_${esc(s)}_` : '';
}

// ── Views ──────────────────────────────────────────────────────────────────────────────────

function scoreBlocks(view: ScoreView, caps: Caps): Block[] {
  const cut = cutScore(view, caps);
  const rating = view.rating ? ` · *${esc(view.rating)}*` : '';
  const blocks: Block[] = [
    header(cut.title),
    section(
      `${TONE_EMOJI[view.tone]} *${formatScore(view.score)}*${rating}\n${countsText(view.counts)}`,
      scopeFacts(view),
    ),
  ];
  if (view.chart) blocks.push(chartBlock(view.chart));
  if (cut.parameters) blocks.push(context(`⚙️ ${esc(cut.parameters)}`));
  if (cut.failing.length > 0 || cut.moreFailing > 0) {
    blocks.push(divider, section(`*Failing rules (${view.failing.length + view.moreFailing})*`));
    for (const r of cut.failing) {
      blocks.push(
        section(
          `${TONE_EMOJI[severityTone(r.severity)]} *${r.severity.toUpperCase()}* · *${esc(r.id)}* ${esc(r.name)} — ${esc(r.failing)}` +
            samplesLine(r.samples, r.moreSamples),
        ),
      );
    }
    if (cut.moreFailing > 0) blocks.push(more(cut.moreFailing, 'failing rule', 'failing rules'));
  }
  if (cut.breakdown.length > 0) {
    blocks.push(divider, section('*Breakdown*'));
    blocks.push(
      ...packed(
        cut.breakdown.map(
          (b) => `*${esc(b.id)}* ${esc(b.label)} — *${formatScore(b.score)}* · ${esc(b.status)}`,
        ),
      ),
    );
    if (cut.moreBreakdown > 0) blocks.push(more(cut.moreBreakdown, 'row', 'rows'));
  }
  blocks.push(divider, context(esc(cut.disclaimer)), ...actions(cut.actions));
  return blocks;
}

function trendBlocks(view: TrendView, caps: Caps): Block[] {
  const cut = cutTrend(view, caps);
  const rating = view.rating ? ` · *${esc(view.rating)}*` : '';
  const blocks: Block[] = [
    header(cut.title),
    section(
      `${TONE_EMOJI[view.tone]} *${formatScore(view.score)}*${rating}\n${esc(trendScopeText(view))}`,
      latestFacts(view),
    ),
    // With a chart the sparkline's bars say nothing more; its caption stays, as the range in words.
    view.chart
      ? chartBlock(view.chart)
      : section(`\`${view.sparkline.bars}\`\n_${esc(sparklineCaption(view.sparkline))}_`),
    ...(view.chart ? [context(`_${esc(sparklineCaption(view.sparkline))}_`)] : []),
  ];
  const ruleList = (title: string, list: CutTrend['started'], hidden: number, total: number) => {
    if (total === 0) return;
    blocks.push(divider, section(`*${title} (${total})*`));
    blocks.push(...packed(list.map((r) => `*${esc(r.id)}* ${esc(r.name)}`)));
    if (hidden > 0) blocks.push(more(hidden, 'rule', 'rules'));
  };
  ruleList('Started failing', cut.started, cut.moreStarted, view.startedFailing.length);
  ruleList('Stopped failing', cut.stopped, cut.moreStopped, view.stoppedFailing.length);
  if (view.trend !== null && view.startedFailing.length + view.stoppedFailing.length === 0) {
    blocks.push(context(esc(NO_RULE_CHANGE)));
  }
  if (cut.rows.length > 0) {
    blocks.push(divider, section('*Recent scans*'), ...packed(cut.rows.map((r) => esc(trendRowText(r)))));
  }
  if (cut.moreRows > 0) blocks.push(more(cut.moreRows, 'scan', 'scans'));
  blocks.push(divider, context(esc(cut.disclaimer)), ...actions(cut.actions));
  return blocks;
}

function controlBlocks(view: ControlView, caps: Caps): Block[] {
  const cut = cutControl(view, caps);
  const blocks: Block[] = [header(cut.title), context(esc(cut.frameworkName))];
  if (cut.parameters) blocks.push(context(`⚙️ ${esc(cut.parameters)}`));
  if (cut.redirectNote) blocks.push(section(`⚠️ ${esc(cut.redirectNote)}`));
  for (const c of cut.controls) {
    blocks.push(
      divider,
      section(
        `*${esc(c.id)}* ${esc(c.title)}\n${STATUS_EMOJI[c.status]} *${STATUS_LABEL[c.status]}*` +
          (c.summary ? `\n${esc(c.summary)}` : ''),
        [
          ['Coverage', COVERAGE_LABEL[c.coverage]],
          ['Score', formatScore(c.score)],
        ],
      ),
    );
    if (c.customerNote) blocks.push(section(`👤 *Your part:* ${esc(c.customerNote)}`));
    if (c.rules.length > 0) {
      blocks.push(
        ...packed([
          '*Evidence from rules*',
          ...c.rules.map(
            (r) =>
              `${STATUS_EMOJI[r.status]} ${STATUS_LABEL[r.status]} · *${esc(r.id)}* ${esc(r.name)}` +
              samplesLine(r.samples, r.moreSamples),
          ),
        ]),
      );
    }
    if (c.moreRules > 0) blocks.push(more(c.moreRules, 'rule', 'rules'));
  }
  if (cut.moreControls > 0) blocks.push(more(cut.moreControls, 'control', 'controls'));
  blocks.push(divider, context(esc(cut.disclaimer)), ...actions(cut.actions));
  return blocks;
}

function rulesBlocks(view: RulesView, caps: Caps): Block[] {
  const cut = cutRules(view, caps);
  const blocks: Block[] = [
    header('Certify rules'),
    context(`${view.builtIn.length} built-in · ${view.custom.length} custom`),
  ];
  if (view.builtIn.length > 0) {
    blocks.push(divider, section(`*Built-in (${view.builtIn.length})*`));
    blocks.push(
      ...packed(
        cut.builtIn.map(
          (r) =>
            `${TONE_EMOJI[severityTone(r.severity)]} *${esc(r.id)}* ${esc(r.name)} — ${esc(r.severity)} · ${esc(r.class)} · weight ${r.weight}`,
        ),
      ),
    );
    if (cut.moreBuiltIn > 0) blocks.push(more(cut.moreBuiltIn, 'built-in rule', 'built-in rules'));
  }
  blocks.push(divider, section(`*Custom (${view.custom.length})*`));
  if (view.custom.length === 0) blocks.push(context('No custom rules.'));
  blocks.push(
    ...packed(
      cut.custom.map(
        (r) =>
          `${TONE_EMOJI[severityTone(r.severity)]} *${esc(r.id)}* ${esc(r.name)} — ${esc(r.severity)} · ${r.enabled ? 'Enabled' : 'Disabled'} · weight ${r.weight}\n\`${esc(r.condition.replace(/`/g, "'"))}\``,
      ),
    ),
  );
  if (cut.moreCustom > 0) blocks.push(more(cut.moreCustom, 'custom rule', 'custom rules'));
  blocks.push(...actions(cut.actions));
  return blocks;
}

function parametersBlocks(view: ParametersView, caps: Caps): Block[] {
  const cut = cutParameters(view, caps);
  const blocks: Block[] = [header(cut.title), section(`${TONE_EMOJI[cut.tone]} ${esc(cut.text)}`), divider];
  blocks.push(
    ...packed(
      cut.rows.map(
        (r) =>
          `*${esc(r.name)}* — ${r.isDefault ? esc(parameterValueLine(r)) : `*${esc(parameterValueLine(r))}*`}\n_${esc(r.rules)} · ${esc(r.allowed)}_`,
      ),
    ),
  );
  if (cut.note) blocks.push(context(esc(cut.note)));
  blocks.push(...actions(cut.actions));
  return blocks;
}

function helpBlocks(view: HelpView, caps: Caps): Block[] {
  const cut = cutHelp(view, caps);
  const blocks: Block[] = [header(cut.title)];
  if (cut.unknown) {
    const { line, suggestion } = unknownText(cut.unknown);
    blocks.push(section(`🔴 *${esc(line)}*${suggestion ? `\n${esc(suggestion)}` : ''}`), divider);
    blocks.push(section('*Commands*'));
  }
  blocks.push(
    ...packed(cut.commands.map((c) => `\`${esc(c.usage.replace(/`/g, "'"))}\`\n${esc(c.description)}`)),
  );
  if (cut.moreCommands > 0) blocks.push(more(cut.moreCommands, 'command', 'commands'));
  return blocks;
}

function messageBlocks(view: MessageView, caps: Caps): Block[] {
  const cut = cutMessage(view, caps);
  const blocks: Block[] = [section(`${TONE_EMOJI[cut.tone]} *${esc(cut.title)}*\n${esc(cut.text)}`)];
  if (cut.hint) blocks.push(context(esc(cut.hint)));
  blocks.push(...actions(cut.actions));
  return blocks;
}

/** Alert badges: tone emoji, except "30 days" which is amber rather than neutral white. */
function alertEmoji(kind: string, tone: Tone): string {
  return kind === '30d' ? '🟡' : TONE_EMOJI[tone];
}

function alertBlocks(view: AlertView, caps: Caps): Block[] {
  const cut = cutAlert(view, caps);
  const blocks: Block[] = [header(cut.title), context(`${TONE_EMOJI[view.tone]} ${esc(cut.scanLine)}`)];
  if (cut.state) blocks.push(context(`*${esc(cut.state)}*`));
  blocks.push(divider);
  for (const item of cut.items) {
    blocks.push(
      section(
        `${alertEmoji(item.kind, item.tone)} *${item.label}* · ${esc(item.text)}` +
          // The subject as code, not _italics_: an id touching an underscore does not render.
          (item.detail ? `\n\`${esc(item.detail.replace(/`/g, "'"))}\`` : ''),
      ),
    );
  }
  if (cut.moreItems > 0) blocks.push(more(cut.moreItems, 'change', 'changes'));
  blocks.push(...actions(cut.actions));
  return blocks;
}

/** Quote lines, each short enough for a section: the statement is never cut, only split. */
function quoted(value: string): string[] {
  const max = SLACK_LIMITS.sectionText - 1;
  const out: string[] = [];
  for (let line of esc(value).split('\n')) {
    while (line.length > max) {
      const space = line.lastIndexOf(' ', max);
      const at = space > 0 ? space : max;
      out.push(`>${line.slice(0, at)}`);
      line = line.slice(at).trimStart();
    }
    out.push(`>${line}`);
  }
  return out;
}

function inputBlock(input: EvidenceView['inputs'][number]): InputBlock {
  const element: PlainTextInputElement = {
    type: 'plain_text_input',
    action_id: input.id,
    max_length: input.maxLength,
  };
  if (input.placeholder) element.placeholder = { type: 'plain_text', text: input.placeholder };
  if (input.value) element.initial_value = input.value;
  if (input.multiline) element.multiline = true;
  const block: InputBlock = {
    type: 'input',
    block_id: clip(`${INPUT_BLOCK_PREFIX}${input.id}`, SLACK_LIMITS.blockId),
    label: { type: 'plain_text', text: input.label, emoji: true },
    element,
  };
  // Slack only enforces `optional` in modals; in a message the handler checks required values.
  if (!input.required) block.optional = true;
  return block;
}

function evidenceBlocks(view: EvidenceView, caps: Caps): Block[] {
  const cut = cutEvidence(view, caps);
  const blocks: Block[] = [
    header(cut.title),
    section(
      `${TONE_EMOJI[view.tone]} *${cut.status}* · ${esc(cut.text)}`,
      cut.facts.map((f) => [f.label, f.value]),
    ),
  ];
  if (cut.moreFacts > 0) blocks.push(more(cut.moreFacts, 'fact', 'facts'));
  if (cut.statement !== null) blocks.push(...packed(quoted(cut.statement)));
  if (cut.note !== null) blocks.push(context(`⚠️ ${esc(cut.note)}`));
  blocks.push(...cut.inputs.map(inputBlock));
  if (cut.link) {
    blocks.push({
      ...section(esc(cut.link.expiry)),
      accessory: {
        type: 'button',
        text: { type: 'plain_text', text: cut.link.title, emoji: true },
        action_id: LINK_ACTION_ID,
        url: cut.link.url,
        style: 'primary',
      },
    });
  }
  blocks.push(...actions(cut.actions));
  return blocks;
}

function welcomeBlocks(view: WelcomeView): Block[] {
  const blocks: Block[] = [header(view.title), section(esc(view.text)), section('*Try*')];
  blocks.push(
    ...packed(view.commands.map((c) => `\`${esc(c.usage.replace(/`/g, "'"))}\`\n${esc(c.description)}`)),
  );
  if (view.hint) blocks.push(context(esc(view.hint)));
  blocks.push(section(`*Who can approve*\n${esc(view.approvers)}`), context(esc(view.disclaimer)));
  blocks.push(...actions(cutActions(view.actions)));
  return blocks;
}

function render(view: View, caps: Caps): Block[] {
  switch (view.kind) {
    case 'score':
      return scoreBlocks(view, caps);
    case 'trend':
      return trendBlocks(view, caps);
    case 'control':
      return controlBlocks(view, caps);
    case 'rules':
      return rulesBlocks(view, caps);
    case 'parameters':
      return parametersBlocks(view, caps);
    case 'help':
      return helpBlocks(view, caps);
    case 'message':
      return messageBlocks(view, caps);
    case 'alert':
      return alertBlocks(view, caps);
    case 'evidence':
      return evidenceBlocks(view, caps);
    case 'welcome':
      return welcomeBlocks(view);
  }
}

/** Renders a view as a Slack Block Kit message, cut until it fits Slack's 50-block limit. */
export function toBlockKit(view: View): BlockKitMessage {
  const text = fallbackText(view);
  let blocks: Block[] = [];
  for (const caps of CAP_STEPS) {
    blocks = render(view, caps);
    if (blocks.length <= SLACK_LIMITS.blocks) return { text, blocks };
  }
  // Unreachable for real views; keep the head and the buttons if it happens.
  const last = blocks[blocks.length - 1];
  if (last?.type === 'actions') {
    blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 1), last];
  } else {
    blocks = blocks.slice(0, SLACK_LIMITS.blocks);
  }
  return { text, blocks };
}
