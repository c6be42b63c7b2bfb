/**
 * Views: what an answer shows, as plain data. Command handlers (bot/commands) build them;
 * renderers (cards/adaptive.ts, cards/blockkit.ts) turn one view into an Adaptive Card 1.5 for
 * Teams and the playground, or Block Kit for Slack — so both channels always show the same facts.
 */

export type Tone = 'good' | 'warning' | 'attention' | 'neutral';

/** A button. `verb` names the handler; `data` is echoed back when it is pressed. */
export interface ActionView {
  verb: string;
  title: string;
  data: Record<string, string>;
  style?: 'positive' | 'destructive';
  /**
   * A Cancel / Back button on a card with inputs: Teams and the playground then neither check
   * required inputs nor send their values (Slack always sends them; handlers ignore them).
   */
  ignoresInputs?: boolean;
}

export interface RuleLine {
  id: string;
  name: string;
  severity: 'Critical' | 'High' | 'Medium' | 'Low';
  /** e.g. "5 of 80" or "75.0% (needs 80%)". */
  failing: string;
  /** A few affected assets, short form (`kv-prod/secrets/db-password`). */
  samples: string[];
  /** How many affected assets are not in `samples`. */
  moreSamples: number;
}

/**
 * A picture of the score over the saved scans, served by Certify at an unguessable, expiring URL
 * (services/charts.ts): Slack and Teams fetch it from there; `alt` is its text alternative.
 */
export interface ChartView {
  url: string;
  alt: string;
  /** In pixels. */
  width: number;
  height: number;
}

export interface ScoreView {
  kind: 'score';
  /** "Certify score" or the framework's name. */
  title: string;
  score: number | null;
  rating: string | null;
  tone: Tone;
  /** Change since the previous saved scan, when there is one. */
  trend: { previous: number | null; delta: number | null; previousAt: string } | null;
  scope: { source: string; at: string; vaults: number; assets: number };
  counts: { pass: number; fail: number; notApplicable: number };
  /** Failing rules, most severe first, cut to what fits; `moreFailing` counts the rest. */
  failing: RuleLine[];
  moreFailing: number;
  /** Overall view: one line per framework; framework view: one line per control. */
  breakdown: { id: string; label: string; score: number | null; status: string }[];
  /**
   * Set when the result was computed with an organisation parameter other than its default: one
   * line naming each such value, e.g. "Organisation parameters: expiringSoonDays 45 days (default 30)".
   */
  parameters?: string | null;
  /** The score over the saved scans as a picture, when the channel has a chart service. */
  chart?: ChartView;
  disclaimer: string;
  actions: ActionView[];
}

/**
 * The score over the saved scans: the latest score and its change, a text sparkline of the last
 * scores (the text alternative of a chart), the rules that started or stopped failing at the
 * latest scan, and one row per scan, newest first (a card shows the first few, a terminal all).
 */
export interface TrendView {
  kind: 'trend';
  /** "Score trend" or "<framework name> trend". */
  title: string;
  score: number | null;
  rating: string | null;
  tone: Tone;
  /** Change since the scan saved before the latest, as on the score view; null for a first scan. */
  trend: ScoreView['trend'];
  latest: { scanId: string; at: string; source: string };
  /** How many saved scans the trend lists (all those kept, unless a limit was asked for). */
  scans: number;
  /** The last scores, oldest first: bars (▁…█, `·` for a scan without a score) and their range. */
  sparkline: {
    bars: string;
    count: number;
    from: string;
    to: string;
    low: number | null;
    high: number | null;
  };
  /** At the latest scan, compared with the one before it. */
  startedFailing: { id: string; name: string }[];
  stoppedFailing: { id: string; name: string }[];
  /** One line per saved scan, newest first, cut to what the caller shows; `moreRows` counts the rest. */
  rows: {
    scanId: string;
    at: string;
    score: number | null;
    rating: string | null;
    /** Since the scan saved before this one; null for the first, or without a score on both sides. */
    change: number | null;
    startedFailing: string[];
    stoppedFailing: string[];
  }[];
  moreRows: number;
  /** The scans of the trend as a picture, when the channel has a chart service. */
  chart?: ChartView;
  /** The window asked for (`--days N`); absent for every saved scan. */
  days?: number;
  disclaimer: string;
  actions: ActionView[];
}

export interface ControlView {
  kind: 'control';
  framework: { id: string; name: string; shortName: string };
  /** What the user asked for, e.g. "3.7"; a prefix or a redirect may show several controls. */
  query: string;
  /** Set when the query was a control id of an older catalogue (where the evidence lives now). */
  redirectNote: string | null;
  /** As on the score view: the non-default organisation parameters the result used, if any. */
  parameters?: string | null;
  controls: {
    id: string;
    title: string;
    coverage: 'direct' | 'supporting' | 'customer';
    status: 'pass' | 'fail' | 'not_applicable' | 'customer';
    score: number | null;
    summary: string;
    customerNote: string | null;
    rules: {
      id: string;
      name: string;
      status: 'pass' | 'fail' | 'not_applicable';
      samples: string[];
      moreSamples: number;
    }[];
  }[];
  disclaimer: string;
  actions: ActionView[];
}

export interface RulesView {
  kind: 'rules';
  builtIn: { id: string; name: string; severity: string; weight: number; class: string }[];
  custom: {
    id: string;
    name: string;
    severity: string;
    weight: number;
    enabled: boolean;
    condition: string;
  }[];
  actions: ActionView[];
}

/** The organisation parameters: the values every scan uses, each with its default, bounds and rules. */
export interface ParametersView {
  kind: 'parameters';
  tone: Tone;
  /** "Organisation parameters", "Parameters changed", "Parameters reset". */
  title: string;
  /** What changed, or how many values differ from the defaults. */
  text: string;
  rows: {
    name: string;
    /** e.g. "45 days". */
    value: string;
    /** e.g. "30 days". */
    defaultValue: string;
    /** False when the organisation set another value. */
    isDefault: boolean;
    /** e.g. "1–365 days". */
    allowed: string;
    /** The rules that read it, e.g. "P003, C003, K003". */
    rules: string;
  }[];
  /** Who may change them, and how. */
  note: string | null;
  actions: ActionView[];
}

export interface HelpView {
  kind: 'help';
  /** Set when the user typed something unknown: what they typed and the closest command. */
  unknown: { input: string; suggestion: string | null } | null;
  commands: { usage: string; description: string }[];
}

export interface MessageView {
  kind: 'message';
  tone: Tone;
  title: string;
  text: string;
  hint: string | null;
  actions: ActionView[];
}

/** One proactive alert, or a digest when many things changed in one scan. */
export interface AlertView {
  kind: 'alert';
  tone: Tone;
  /** e.g. "Secret expires within 7 days", "3 changes since the last scan". */
  title: string;
  /** When the scan ran, and against what. */
  scan: { id: string; at: string; source: string };
  /** One line per change: what happened and to what (a digest lists up to a cut, then "and N more"). */
  items: {
    /** 'expired' | '7d' | '30d' | 'critical-rule' | 'score-drop' */
    kind: string;
    text: string;
    /** The asset or rule concerned, short form. */
    subject: string | null;
    ruleId: string | null;
  }[];
  moreItems: number;
  /**
   * Set once someone acknowledged or snoozed it, or once it resolved (`by` says what resolved
   * it, e.g. a new version from a Key Vault event).
   */
  state: {
    kind: 'acknowledged' | 'snoozed' | 'resolved';
    by: string;
    at: string;
    until: string | null;
  } | null;
  /** Acknowledge / Snooze 7 days (verbs alert.ack, alert.snooze with data { key }), and Score. */
  actions: ActionView[];
}

/** A text field on a card; its value comes back in the `data` of the action pressed. */
export interface InputView {
  /** Key under which the value is returned in the action's data. */
  id: string;
  label: string;
  placeholder: string;
  /** Pre-filled value. */
  value: string;
  required: boolean;
  maxLength: number;
  multiline: boolean;
}

/**
 * An evidence bundle's approval card: built, waiting for a signature (Sign assertion / Reject),
 * being signed (the statement, name and role inputs), signed (Download link) or rejected. Each
 * step replaces the card in place.
 */
export interface EvidenceView {
  kind: 'evidence';
  tone: Tone;
  /** e.g. "Evidence bundle · SOC 2 · 2026-07-01 → 2026-09-30". */
  title: string;
  bundleId: string;
  status: 'pending' | 'signing' | 'rejecting' | 'signed' | 'rejected' | 'failed';
  /** One line on where the request stands, e.g. "Signed by Dana Li (CISO) at 2026-10-02 09:14 UTC". */
  text: string;
  /** Label → value lines: requested by, period, scan, files, manifest SHA-256, timestamp. */
  facts: { label: string; value: string }[];
  /** The management assertion in full; shown while signing and once signed. */
  statement: string | null;
  /** Name and role while signing; the reason while rejecting. */
  inputs: InputView[];
  /**
   * The download link once signed (unguessable, single-use, expiring), or another link the card
   * offers (a certificate page): `caption` replaces the single-use wording then.
   */
  link: { url: string; title: string; expiresAt: string | null; caption?: string } | null;
  /** Replaces the status badge's wording (a rotation card says APPROVED, not SIGNED). */
  badge?: string;
  /** A plain warning, e.g. the local timestamp authority is not a trusted third party. */
  note: string | null;
  actions: ActionView[];
}

/**
 * What a chat shows when Certify is installed in it: what Certify does, a few commands to try,
 * and who may approve evidence bundles and rotations.
 */
export interface WelcomeView {
  kind: 'welcome';
  title: string;
  /** What Certify does, in a few sentences. */
  text: string;
  /** The commands to try first, as typed in this chat. */
  commands: { usage: string; description: string }[];
  /** Where the commands are typed, e.g. "In a channel or group chat, mention @Certify first." */
  hint: string | null;
  /** Who may approve, and the rule that nobody approves their own request. */
  approvers: string;
  disclaimer: string;
  actions: ActionView[];
}

export type View =
  | ScoreView
  | TrendView
  | ControlView
  | RulesView
  | ParametersView
  | HelpView
  | MessageView
  | AlertView
  | EvidenceView
  | WelcomeView;
