/**
 * The command table: every `/certify` command, its usage and what it does. `/certify help` and
 * the answer to a command nobody knows list it; the Teams app manifest's command menu is generated
 * from it (scripts/package-teams.ts), from the entries that carry a `menu` line.
 */
import type { HelpView } from '../../cards/views.js';
import type { COMMAND_WORDS } from './parse.js';

export interface CommandEntry {
  /** The command word, as the parser knows it. */
  word: (typeof COMMAND_WORDS)[number];
  usage: string;
  description: string;
  /**
   * Its line in Teams' command menu (at most 128 characters, shown beside the word), or null to
   * leave it out: Teams shows at most 12 commands per menu, so the less used ones stay in help.
   */
  menu: string | null;
}

export const COMMAND_TABLE: readonly CommandEntry[] = [
  {
    word: 'score',
    usage: '/certify score [framework]',
    description: 'Evidence score, rating and failing rules.',
    menu: 'Evidence score, rating and failing rules; add a framework (score pci) for its controls',
  },
  {
    word: 'control',
    usage: '/certify control <framework> <control>',
    description: 'A control: what it asks, its coverage, and the status of the rules it cites.',
    menu: "One control's evidence and the rules it cites: control pci 3.7, control soc2 CC6.1",
  },
  {
    word: 'trend',
    usage: '/certify trend [framework] [--days N]',
    description:
      'The score over the saved scans (or the last N days) as a chart: the change since the previous scan, the last 20 scores, and the rules that started or stopped failing.',
    menu: 'The score over the saved scans: the change since the last scan and the rules that started failing',
  },
  {
    word: 'scan',
    usage: '/certify scan',
    description: 'Scan the vaults now and save the result.',
    menu: 'Scan the Key Vaults in scope now and save the result (metadata only, never secret values)',
  },
  {
    word: 'rules',
    usage: '/certify rules',
    description: 'The rule catalogue, built-in and custom.',
    menu: 'The rule catalogue, built-in and custom, with severity and weight',
  },
  {
    word: 'rule',
    usage: '/certify rule add|update|remove|enable|disable …',
    description: 'Manage custom rules (add takes the rule as JSON).',
    menu: null,
  },
  {
    word: 'parameters',
    usage: '/certify parameters [set NAME=VALUE … | reset [NAME …]]',
    description:
      'The organisation parameters every scan uses (expiry windows, maximum ages); approvers change or reset them.',
    menu: "The organisation's thresholds (expiry windows, maximum ages); approvers change them",
  },
  {
    word: 'subscribe',
    usage: '/certify subscribe [vault=kv-x] [severity=High] [framework=pci]',
    description: 'Alerts in this channel after each scheduled scan: expiries, Critical rules, score drops.',
    menu: 'Alerts here after each scheduled scan (expiries, Critical rules, score drops): subscribe severity=High',
  },
  {
    word: 'unsubscribe',
    usage: '/certify unsubscribe',
    description: 'Stop the alerts in this channel.',
    menu: null,
  },
  {
    word: 'alerts',
    usage: '/certify alerts',
    description: "This channel's subscription and the alert state.",
    menu: "This conversation's alert subscription and what it has been sent",
  },
  {
    word: 'evidence',
    usage: '/certify evidence <framework> [period]',
    description:
      'A signed, timestamped evidence bundle for an audit period (e.g. last-quarter, 2026-Q3, 2026-07-01..2026-09-30), released once an approver signs the management assertion.',
    menu: 'A signed evidence bundle for an audit period, released once an approver signs: evidence soc2 last-quarter',
  },
  {
    word: 'presets',
    usage: '/certify presets',
    description: 'The credential presets: length, classes, entropy, lifetime.',
    menu: null,
  },
  {
    word: 'rotate',
    usage: '/certify rotate <vault>/<secret> --preset P',
    description:
      'After an approver agrees: a fresh credential written to Key Vault as a new version, with a signed provenance certificate (never shown).',
    menu: 'Rotate a secret to a compliance preset once an approver agrees: rotate kv-prod/db-password --preset pci',
  },
  {
    word: 'cert',
    usage: '/certify cert <id>',
    description: 'A provenance certificate and whether it verifies.',
    menu: null,
  },
  {
    word: 'help',
    usage: '/certify help',
    description: 'This list.',
    menu: 'What Certify can do: every command with its usage',
  },
];

export const HELP_COMMANDS: HelpView['commands'] = COMMAND_TABLE.map(({ usage, description }) => ({
  usage,
  description,
}));

export function helpView(unknown: HelpView['unknown']): HelpView {
  return { kind: 'help', unknown, commands: HELP_COMMANDS };
}
