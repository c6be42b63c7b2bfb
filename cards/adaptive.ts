/**
 * View → Adaptive Card 1.5 with Universal Actions (Action.Execute), for Teams and the playground.
 * Pure function: the card is cut (lists, then strings) until it fits Teams' payload budget.
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
  STATUS_TONE,
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
  formatScore,
  moreText,
  parameterValueLine,
  samplesText,
  scopeFacts,
  severityTone,
  unknownText,
  utf8Length,
} from './text.js';
import type { Caps } from './text.js';

/** One card element (TextBlock, Container, ColumnSet, Column, FactSet, …). */
export interface AdaptiveElement {
  type: string;
  [property: string]: unknown;
}

export interface AdaptiveAction {
  type: 'Action.Execute';
  title: string;
  verb: string;
  data: Record<string, string>;
  style?: 'positive' | 'destructive';
  /** 'none' on a Cancel-like button: the client neither validates nor sends the card's inputs. */
  associatedInputs?: 'none';
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.5';
  body: AdaptiveElement[];
  actions: AdaptiveAction[];
}

/** Teams accepts about 28 KB per message; leave room for the activity envelope around the card. */
export const CARD_BUDGET_BYTES = 27 * 1024;

type Color = 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';

const TONE_COLOR: Record<Tone, Color> = {
  good: 'Good',
  warning: 'Warning',
  attention: 'Attention',
  neutral: 'Default',
};

// ── Element helpers ────────────────────────────────────────────────────────────────────────

interface TextOptions {
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: Color;
  isSubtle?: boolean;
  spacing?: 'None' | 'Small' | 'Default' | 'Medium' | 'Large';
  horizontalAlignment?: 'Left' | 'Center' | 'Right';
  fontType?: 'Default' | 'Monospace';
  separator?: boolean;
  style?: 'default' | 'heading';
  wrap?: boolean;
}

function text(value: string, options: TextOptions = {}): AdaptiveElement {
  const { wrap = true, ...rest } = options;
  // wrap: false is the default; leaving it out keeps the card small.
  return wrap
    ? { type: 'TextBlock', text: value, wrap, ...rest }
    : { type: 'TextBlock', text: value, ...rest };
}

/** A chart served by Certify: Teams fetches the URL, so the card carries only the link. */
function chartImage(chart: ChartView): AdaptiveElement {
  return { type: 'Image', url: chart.url, altText: chart.alt, size: 'Stretch', spacing: 'Medium' };
}

function heading(value: string): AdaptiveElement {
  return text(value, {
    style: 'heading',
    weight: 'Bolder',
    size: 'Medium',
    spacing: 'Large',
    separator: true,
  });
}

function more(n: number, one: string, many: string): AdaptiveElement {
  return text(moreText(n, one, many), { isSubtle: true, size: 'Small', spacing: 'Small' });
}

function column(width: 'auto' | 'stretch', items: AdaptiveElement[], extra: object = {}): AdaptiveElement {
  return { type: 'Column', width, items, ...extra };
}

function columns(cols: AdaptiveElement[], extra: object = {}): AdaptiveElement {
  return { type: 'ColumnSet', columns: cols, ...extra };
}

function facts(list: [string, string][]): AdaptiveElement {
  return { type: 'FactSet', facts: list.map(([title, value]) => ({ title, value })) };
}

function container(items: AdaptiveElement[], extra: object = {}): AdaptiveElement {
  return { type: 'Container', items, ...extra };
}

function toAction(a: ActionView): AdaptiveAction {
  const action: AdaptiveAction = {
    type: 'Action.Execute',
    title: a.title,
    verb: a.verb,
    data: { ...a.data },
  };
  if (a.style) action.style = a.style;
  if (a.ignoresInputs) action.associatedInputs = 'none';
  return action;
}

function card(body: AdaptiveElement[], actions: ActionView[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions: actions.map(toAction),
  };
}

/** A small coloured label, e.g. "CRITICAL" or "✓ Passing". */
function badge(label: string, tone: Tone): AdaptiveElement {
  return text(label, { size: 'Small', weight: 'Bolder', color: TONE_COLOR[tone], wrap: false });
}

const STATUS_ICON: Record<keyof typeof STATUS_LABEL, string> = {
  pass: '✓',
  fail: '✗',
  not_applicable: '–',
  customer: '◆',
};

/** A view's title and subtitle beside its score (and rating) in the tone's colour. */
function scoreHeader(
  title: string,
  subtitle: string,
  view: { score: number | null; rating: string | null; tone: Tone },
): AdaptiveElement {
  const color = TONE_COLOR[view.tone];
  const scoreItems = [
    text(formatScore(view.score), {
      size: 'ExtraLarge',
      weight: 'Bolder',
      color,
      horizontalAlignment: 'Right',
      wrap: false,
    }),
  ];
  if (view.rating) {
    scoreItems.push(
      text(view.rating, {
        weight: 'Bolder',
        color,
        horizontalAlignment: 'Right',
        spacing: 'None',
        wrap: false,
      }),
    );
  }
  return columns([
    column(
      'stretch',
      [
        text(title, { size: 'Large', weight: 'Bolder', style: 'heading' }),
        text(subtitle, { isSubtle: true, spacing: 'Small' }),
      ],
      { verticalContentAlignment: 'Center' },
    ),
    column('auto', scoreItems, { verticalContentAlignment: 'Center' }),
  ]);
}

// ── Views ──────────────────────────────────────────────────────────────────────────────────

function scoreCard(view: ScoreView, caps: Caps): AdaptiveCard {
  const cut = cutScore(view, caps);
  const body: AdaptiveElement[] = [scoreHeader(cut.title, countsText(view.counts), view)];
  body.push(facts(scopeFacts(view)));
  if (view.chart) body.push(chartImage(view.chart));
  if (cut.parameters) body.push(parametersNote(cut.parameters));

  if (cut.failing.length > 0 || cut.moreFailing > 0) {
    body.push(heading(`Failing rules (${view.failing.length + view.moreFailing})`));
    for (const rule of cut.failing) {
      const items: AdaptiveElement[] = [
        columns([
          column('auto', [badge(rule.severity.toUpperCase(), severityTone(rule.severity))], {
            verticalContentAlignment: 'Center',
          }),
          column('stretch', [text(`**${rule.id}** ${rule.name}`)], { verticalContentAlignment: 'Center' }),
          column(
            'auto',
            [text(rule.failing, { isSubtle: true, horizontalAlignment: 'Right', wrap: false })],
            {
              verticalContentAlignment: 'Center',
            },
          ),
        ]),
      ];
      const samples = samplesText(rule.samples, rule.moreSamples);
      if (samples) items.push(text(samples, { isSubtle: true, size: 'Small', spacing: 'None' }));
      body.push(container(items, { spacing: 'Small' }));
    }
    if (cut.moreFailing > 0) body.push(more(cut.moreFailing, 'failing rule', 'failing rules'));
  }

  if (cut.breakdown.length > 0) {
    body.push(heading('Breakdown'));
    for (const row of cut.breakdown) {
      body.push(
        columns(
          [
            column('stretch', [text(`**${row.id}** ${row.label}`)]),
            column('auto', [text(formatScore(row.score), { weight: 'Bolder', wrap: false })]),
            column('auto', [text(row.status, { isSubtle: true, wrap: false })]),
          ],
          { spacing: 'Small' },
        ),
      );
    }
    if (cut.moreBreakdown > 0) body.push(more(cut.moreBreakdown, 'row', 'rows'));
  }

  body.push(disclaimer(cut.disclaimer));
  return card(body, cut.actions);
}

function trendCard(view: TrendView, caps: Caps): AdaptiveCard {
  const cut = cutTrend(view, caps);
  const body: AdaptiveElement[] = [
    scoreHeader(cut.title, trendScopeText(view), view),
    facts(latestFacts(view)),
    // With a chart the sparkline's bars say nothing more; its caption stays, as the range in words.
    container(
      [
        view.chart
          ? chartImage(view.chart)
          : text(view.sparkline.bars, { fontType: 'Monospace', size: 'Large', wrap: false }),
        text(sparklineCaption(view.sparkline), { isSubtle: true, size: 'Small', spacing: 'None' }),
      ],
      { spacing: 'Medium' },
    ),
  ];
  const ruleList = (title: string, list: CutTrend['started'], hidden: number, total: number) => {
    if (total === 0) return;
    body.push(heading(`${title} (${total})`));
    for (const r of list) body.push(text(`**${r.id}** ${r.name}`, { spacing: 'Small' }));
    if (hidden > 0) body.push(more(hidden, 'rule', 'rules'));
  };
  ruleList('Started failing', cut.started, cut.moreStarted, view.startedFailing.length);
  ruleList('Stopped failing', cut.stopped, cut.moreStopped, view.stoppedFailing.length);
  if (view.trend !== null && view.startedFailing.length + view.stoppedFailing.length === 0) {
    body.push(text(NO_RULE_CHANGE, { isSubtle: true, spacing: 'Medium' }));
  }
  if (cut.rows.length > 0) {
    body.push(heading('Recent scans'));
    for (const row of cut.rows) body.push(text(trendRowText(row), { size: 'Small', spacing: 'Small' }));
  }
  if (cut.moreRows > 0) body.push(more(cut.moreRows, 'scan', 'scans'));
  body.push(disclaimer(cut.disclaimer));
  return card(body, cut.actions);
}

/** The non-default organisation parameters a result used. */
function parametersNote(value: string): AdaptiveElement {
  return text(value, { size: 'Small', spacing: 'Small' });
}

function disclaimer(value: string): AdaptiveElement {
  return text(value, { isSubtle: true, size: 'Small', separator: true, spacing: 'Large' });
}

function controlCard(view: ControlView, caps: Caps): AdaptiveCard {
  const cut = cutControl(view, caps);
  const body: AdaptiveElement[] = [
    text(cut.title, { size: 'Large', weight: 'Bolder', style: 'heading' }),
    text(cut.frameworkName, { isSubtle: true, spacing: 'None' }),
  ];
  if (cut.parameters) body.push(parametersNote(cut.parameters));
  if (cut.redirectNote) {
    body.push(
      container([text(cut.redirectNote, { size: 'Small' })], { style: 'warning', spacing: 'Medium' }),
    );
  }
  for (const control of cut.controls) {
    const tone = STATUS_TONE[control.status];
    const items: AdaptiveElement[] = [
      columns([
        column('stretch', [text(`**${control.id}** ${control.title}`, { size: 'Medium' })], {
          verticalContentAlignment: 'Center',
        }),
        column(
          'auto',
          [
            text(`${STATUS_ICON[control.status]} ${STATUS_LABEL[control.status]}`, {
              weight: 'Bolder',
              color: TONE_COLOR[tone],
              horizontalAlignment: 'Right',
              wrap: false,
            }),
          ],
          { verticalContentAlignment: 'Center' },
        ),
      ]),
      facts([
        ['Coverage', COVERAGE_LABEL[control.coverage]],
        ['Score', formatScore(control.score)],
      ]),
    ];
    if (control.summary) items.push(text(control.summary));
    if (control.customerNote) {
      items.push(
        container([text(`**Your part:** ${control.customerNote}`, { size: 'Small' })], {
          style: 'emphasis',
          spacing: 'Small',
        }),
      );
    }
    if (control.rules.length > 0) {
      items.push(text('Evidence from rules', { weight: 'Bolder', size: 'Small', spacing: 'Medium' }));
      for (const rule of control.rules) {
        const ruleItems: AdaptiveElement[] = [
          columns([
            column(
              'auto',
              [badge(`${STATUS_ICON[rule.status]} ${STATUS_LABEL[rule.status]}`, STATUS_TONE[rule.status])],
              { verticalContentAlignment: 'Center' },
            ),
            column('stretch', [text(`**${rule.id}** ${rule.name}`, { size: 'Small' })], {
              verticalContentAlignment: 'Center',
            }),
          ]),
        ];
        const samples = samplesText(rule.samples, rule.moreSamples);
        if (samples) ruleItems.push(text(samples, { isSubtle: true, size: 'Small', spacing: 'None' }));
        items.push(container(ruleItems, { spacing: 'Small' }));
      }
      if (control.moreRules > 0) items.push(more(control.moreRules, 'rule', 'rules'));
    }
    body.push(container(items, { separator: true, spacing: 'Large' }));
  }
  if (cut.moreControls > 0) body.push(more(cut.moreControls, 'control', 'controls'));
  body.push(disclaimer(cut.disclaimer));
  return card(body, cut.actions);
}

function rulesCard(view: RulesView, caps: Caps): AdaptiveCard {
  const cut = cutRules(view, caps);
  const body: AdaptiveElement[] = [
    text('Certify rules', { size: 'Large', weight: 'Bolder', style: 'heading' }),
    text(`${view.builtIn.length} built-in · ${view.custom.length} custom`, {
      isSubtle: true,
      spacing: 'None',
    }),
  ];
  if (view.builtIn.length > 0) {
    body.push(heading(`Built-in (${view.builtIn.length})`));
    for (const rule of cut.builtIn) {
      body.push(
        columns(
          [
            column('auto', [badge(rule.severity.toUpperCase(), severityTone(rule.severity))], {
              width: '70px',
            }),
            column('stretch', [text(`**${rule.id}** ${rule.name}`, { size: 'Small' })]),
            column('auto', [
              text(`${rule.class} · weight ${rule.weight}`, { isSubtle: true, size: 'Small', wrap: false }),
            ]),
          ],
          { spacing: 'Small' },
        ),
      );
    }
    if (cut.moreBuiltIn > 0) body.push(more(cut.moreBuiltIn, 'built-in rule', 'built-in rules'));
  }
  body.push(heading(`Custom (${view.custom.length})`));
  if (view.custom.length === 0) body.push(text('No custom rules.', { isSubtle: true, size: 'Small' }));
  for (const rule of cut.custom) {
    body.push(
      container(
        [
          columns([
            column('auto', [badge(rule.severity.toUpperCase(), severityTone(rule.severity))], {
              width: '70px',
            }),
            column('stretch', [text(`**${rule.id}** ${rule.name}`, { size: 'Small' })]),
            column('auto', [
              text(`${rule.enabled ? 'Enabled' : 'Disabled'} · weight ${rule.weight}`, {
                isSubtle: true,
                size: 'Small',
                wrap: false,
              }),
            ]),
          ]),
          text(rule.condition, { fontType: 'Monospace', isSubtle: true, size: 'Small', spacing: 'None' }),
        ],
        { spacing: 'Small' },
      ),
    );
  }
  if (cut.moreCustom > 0) body.push(more(cut.moreCustom, 'custom rule', 'custom rules'));
  return card(body, cut.actions);
}

function parametersCard(view: ParametersView, caps: Caps): AdaptiveCard {
  const cut = cutParameters(view, caps);
  const body: AdaptiveElement[] = [
    text(cut.title, { size: 'Large', weight: 'Bolder', color: TONE_COLOR[cut.tone], style: 'heading' }),
    text(cut.text, { spacing: 'Small' }),
  ];
  cut.rows.forEach((row, i) => {
    body.push(
      columns(
        [
          column('stretch', [
            text(`**${row.name}**`, { size: 'Small' }),
            text(`${row.rules} · ${row.allowed}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
          ]),
          column(
            'auto',
            [
              text(parameterValueLine(row), {
                size: 'Small',
                weight: row.isDefault ? 'Default' : 'Bolder',
                horizontalAlignment: 'Right',
                wrap: false,
              }),
            ],
            { verticalContentAlignment: 'Center' },
          ),
        ],
        i === 0 ? { separator: true, spacing: 'Medium' } : { spacing: 'Small' },
      ),
    );
  });
  if (cut.note)
    body.push(text(cut.note, { isSubtle: true, size: 'Small', separator: true, spacing: 'Medium' }));
  return card(body, cut.actions);
}

function helpCard(view: HelpView, caps: Caps): AdaptiveCard {
  const cut = cutHelp(view, caps);
  const body: AdaptiveElement[] = [text(cut.title, { size: 'Large', weight: 'Bolder', style: 'heading' })];
  if (cut.unknown) {
    const { line, suggestion } = unknownText(cut.unknown);
    const items = [text(line, { weight: 'Bolder', color: 'Attention' })];
    if (suggestion) items.push(text(suggestion, { spacing: 'Small' }));
    body.push(container(items, { style: 'attention' }));
    body.push(heading('Commands'));
  }
  for (const command of cut.commands) {
    body.push(
      container(
        [
          text(command.usage, { fontType: 'Monospace', weight: 'Bolder' }),
          text(command.description, { isSubtle: true, spacing: 'None' }),
        ],
        { spacing: 'Medium' },
      ),
    );
  }
  if (cut.moreCommands > 0) body.push(more(cut.moreCommands, 'command', 'commands'));
  return card(body, []);
}

function messageCard(view: MessageView, caps: Caps): AdaptiveCard {
  const cut = cutMessage(view, caps);
  const body: AdaptiveElement[] = [
    text(cut.title, { size: 'Medium', weight: 'Bolder', color: TONE_COLOR[cut.tone], style: 'heading' }),
    text(cut.text),
  ];
  if (cut.hint) body.push(text(cut.hint, { isSubtle: true, size: 'Small' }));
  return card(body, cut.actions);
}

function alertCard(view: AlertView, caps: Caps): AdaptiveCard {
  const cut = cutAlert(view, caps);
  const body: AdaptiveElement[] = [
    text(cut.title, { size: 'Large', weight: 'Bolder', color: TONE_COLOR[view.tone], style: 'heading' }),
    text(cut.scanLine, { isSubtle: true, size: 'Small', spacing: 'None' }),
  ];
  if (cut.state) {
    body.push(container([text(cut.state, { size: 'Small', weight: 'Bolder' })], { style: 'emphasis' }));
  }
  cut.items.forEach((item, i) => {
    const lines: AdaptiveElement[] = [text(item.text)];
    if (item.detail) lines.push(text(item.detail, { isSubtle: true, size: 'Small', spacing: 'None' }));
    body.push(
      columns(
        [
          column('auto', [badge(item.label, item.tone)], { verticalContentAlignment: 'Top' }),
          column('stretch', lines, { verticalContentAlignment: 'Center' }),
        ],
        i === 0 ? { separator: true, spacing: 'Medium' } : { spacing: 'Small' },
      ),
    );
  });
  if (cut.moreItems > 0) body.push(more(cut.moreItems, 'change', 'changes'));
  return card(body, cut.actions);
}

function evidenceCard(view: EvidenceView, caps: Caps): AdaptiveCard {
  const cut = cutEvidence(view, caps);
  const body: AdaptiveElement[] = [
    text(cut.title, { size: 'Large', weight: 'Bolder', style: 'heading' }),
    columns(
      [
        column('auto', [badge(cut.status, view.tone)], { verticalContentAlignment: 'Center' }),
        column('stretch', [text(cut.text)], { verticalContentAlignment: 'Center' }),
      ],
      { spacing: 'Small' },
    ),
  ];
  if (cut.facts.length > 0) body.push(facts(cut.facts.map((f) => [f.label, f.value])));
  if (cut.moreFacts > 0) body.push(more(cut.moreFacts, 'fact', 'facts'));
  if (cut.statement !== null) {
    body.push(container([text(cut.statement)], { style: 'emphasis', spacing: 'Medium' }));
  }
  if (cut.note !== null) {
    body.push(container([text(cut.note, { size: 'Small' })], { style: 'warning', spacing: 'Medium' }));
  }
  for (const input of cut.inputs) body.push(textInput(input));
  if (cut.link) {
    body.push(
      container(
        [
          {
            type: 'ActionSet',
            actions: [
              { type: 'Action.OpenUrl', title: cut.link.title, url: cut.link.url, style: 'positive' },
            ],
          },
          text(cut.link.expiry, { isSubtle: true, size: 'Small', spacing: 'Small' }),
        ],
        { spacing: 'Medium' },
      ),
    );
  }
  return card(body, cut.actions);
}

/** Small by construction (three commands, a few sentences): nothing to cut. */
function welcomeCard(view: WelcomeView): AdaptiveCard {
  const body: AdaptiveElement[] = [
    text(view.title, { size: 'Large', weight: 'Bolder', style: 'heading' }),
    text(view.text),
    heading('Try'),
  ];
  for (const command of view.commands) {
    body.push(
      container(
        [
          text(command.usage, { fontType: 'Monospace', weight: 'Bolder' }),
          text(command.description, { isSubtle: true, spacing: 'None' }),
        ],
        { spacing: 'Medium' },
      ),
    );
  }
  if (view.hint) body.push(text(view.hint, { isSubtle: true, size: 'Small' }));
  body.push(heading('Who can approve'), text(view.approvers));
  body.push(text(view.disclaimer, { isSubtle: true, size: 'Small', separator: true, spacing: 'Medium' }));
  return card(body, cutActions(view.actions));
}

/** Defaults (empty, false) are left out: the card stays small and round-trips unchanged. */
function textInput(input: EvidenceView['inputs'][number]): AdaptiveElement {
  const element: AdaptiveElement = { type: 'Input.Text', id: input.id, label: input.label };
  if (input.placeholder) element.placeholder = input.placeholder;
  if (input.value) element.value = input.value;
  if (input.required) {
    element.isRequired = true;
    // The library flags a required input without an error message.
    element.errorMessage = `${input.label} is required.`;
  }
  element.maxLength = input.maxLength;
  if (input.multiline) element.isMultiline = true;
  return element;
}

function render(view: View, caps: Caps): AdaptiveCard {
  switch (view.kind) {
    case 'score':
      return scoreCard(view, caps);
    case 'trend':
      return trendCard(view, caps);
    case 'control':
      return controlCard(view, caps);
    case 'rules':
      return rulesCard(view, caps);
    case 'parameters':
      return parametersCard(view, caps);
    case 'help':
      return helpCard(view, caps);
    case 'message':
      return messageCard(view, caps);
    case 'alert':
      return alertCard(view, caps);
    case 'evidence':
      return evidenceCard(view, caps);
    case 'welcome':
      return welcomeCard(view);
  }
}

/** Size of a card as sent, in bytes. */
export function cardSize(card: AdaptiveCard): number {
  return utf8Length(JSON.stringify(card));
}

/**
 * Renders a view as an Adaptive Card 1.5. Lists are cut (failing rules to 10, samples to 3, …)
 * with "and N more" lines, and cut further until the card fits {@link CARD_BUDGET_BYTES}.
 */
export function toAdaptiveCard(view: View): AdaptiveCard {
  let last: AdaptiveCard | undefined;
  for (const caps of CAP_STEPS) {
    last = render(view, caps);
    if (cardSize(last) <= CARD_BUDGET_BYTES) return last;
  }
  // Unreachable for real views (the tightest step is a few KB); keep the head of the body if not.
  const tight = last ?? render(view, CAP_STEPS[CAP_STEPS.length - 1] as Caps);
  while (tight.body.length > 1 && cardSize(tight) > CARD_BUDGET_BYTES) tight.body.splice(-2, 1);
  return tight;
}
