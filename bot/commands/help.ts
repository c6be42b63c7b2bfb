/** `/certify help` and the answer to a command nobody knows: the command list. */
import type { HelpView } from '../../cards/views.js';

export const HELP_COMMANDS: HelpView['commands'] = [
  { usage: '/certify score [framework]', description: 'Evidence score, rating and failing rules.' },
  {
    usage: '/certify control <framework> <control>',
    description: 'A control: what it asks, its coverage, and the status of the rules it cites.',
  },
  {
    usage: '/certify trend [framework]',
    description:
      'The score over the saved scans: the change since the previous scan, the last 20 scores, and the rules that started or stopped failing.',
  },
  { usage: '/certify scan', description: 'Scan the vaults now and save the result.' },
  { usage: '/certify rules', description: 'The rule catalogue, built-in and custom.' },
  {
    usage: '/certify rule add|update|remove|enable|disable …',
    description: 'Manage custom rules (add takes the rule as JSON).',
  },
  {
    usage: '/certify parameters [set NAME=VALUE … | reset [NAME …]]',
    description:
      'The organisation parameters every scan uses (expiry windows, maximum ages); approvers change or reset them.',
  },
  {
    usage: '/certify subscribe [vault=kv-x] [severity=High] [framework=pci]',
    description: 'Alerts in this channel after each scheduled scan: expiries, Critical rules, score drops.',
  },
  { usage: '/certify unsubscribe', description: 'Stop the alerts in this channel.' },
  { usage: '/certify alerts', description: "This channel's subscription and the alert state." },
  {
    usage: '/certify evidence <framework> [period]',
    description:
      'A signed, timestamped evidence bundle for an audit period (e.g. last-quarter, 2026-Q3, 2026-07-01..2026-09-30), released once an approver signs the management assertion.',
  },
  { usage: '/certify presets', description: 'The credential presets: length, classes, entropy, lifetime.' },
  {
    usage: '/certify rotate <vault>/<secret> --preset P',
    description:
      'After an approver agrees: a fresh credential written to Key Vault as a new version, with a signed provenance certificate (never shown).',
  },
  { usage: '/certify cert <id>', description: 'A provenance certificate and whether it verifies.' },
  { usage: '/certify help', description: 'This list.' },
];

export function helpView(unknown: HelpView['unknown']): HelpView {
  return { kind: 'help', unknown, commands: HELP_COMMANDS };
}
