/** Help texts of the CLI. */
import { packageInfo } from '../core/package-info.js';

export const version = (): string => `certify ${packageInfo().version}`;

export const HELP = `certify — audit-grade evidence about Azure Key Vault credentials

Usage: certify <command> [options]

Commands
  scan     [--source S] [--now ISO] [--json] [--export FILE]   collect, evaluate and save a scan
  score    [FRAMEWORK] [--source S] [--now ISO] [--json]        score, rating and failing rules
  control  FRAMEWORK CONTROL [--source S] [--now ISO] [--json]  one control: text, coverage, cited rules
  rules    [--json]                                             the rule catalogue, built-in and custom
  rule     add | list | update | remove | enable | disable      manage custom rules
  help     [COMMAND]                                            this text, or one command's

Sources (--source, default $CERTIFY_SOURCE or demo)
  demo [--size N] [--seed N]   a synthetic tenant (default ~150 assets), dated relative to --now
  snapshot:<path>              a certify.inventory/v1 file
  azure                        a real tenant (coming with the Azure source)

Frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb (aliases such as pci-dss, iso, 800-53 work).
Exit status: 0 done, 1 the operation failed, 2 bad usage or bad input.
Data: scans and custom rules live in $CERTIFY_DATA_DIR (default ./.certify).`;

const COMMANDS: Record<string, string> = {
  scan: `certify scan [--source S] [--now ISO] [--json] [--size N] [--seed N] [--export FILE]

Collects an inventory from the source, evaluates every rule and framework, and saves the
result in the data dir (the latest in full, older ones as summaries).
  --json          print the result as certify.scan/v1
  --now ISO       evaluate as of this time (e.g. 2026-11-23T06:00:00Z); default: the clock
  --export FILE   also write the collected inventory as a certify.inventory/v1 snapshot`,
  score: `certify score [FRAMEWORK] [--source S] [--now ISO] [--json] [--size N] [--seed N]

Evaluates the source and prints the weighted score, its rating and the failing rules, or one
framework's score and controls. Nothing is saved.`,
  control: `certify control FRAMEWORK CONTROL [--source S] [--now ISO] [--json]

Shows a control: our summary of it, the coverage Certify gives, the customer's part, and the
status of every rule it cites. A prefix shows every matching control (certify control pci 3.7);
control ids of older catalogue versions point to where that evidence lives now.`,
  rules: `certify rules [--json]

Lists the 41 built-in rules and the custom rules with severity, weight and class.`,
  rule: `certify rule add    (--file RULE.json | --json '{...}' | flags)
certify rule update ID (--file PATCH.json | --json '{...}' | flags)
certify rule list [--json] | remove ID | enable ID | disable ID

Flags: --id --name --description --severity Critical|High|Medium|Low --weight 1-30
       --enabled true|false --scope secrets|certificates|keys
       --field expires_within_days|tag_present|enabled|name_contains|vault_name|asset_type
       --operator equals|not_equals|greater_than|less_than|exists|not_exists --value V
A custom rule selects the violating assets; it passes when it selects none. Example:
  certify rule add --id PROD-TAG --name "Secrets carry env=production" --severity Medium \\
    --scope secrets --field tag_present --operator not_exists --value env=production`,
};

export function commandHelp(command: string): string {
  return COMMANDS[command] ?? HELP;
}
