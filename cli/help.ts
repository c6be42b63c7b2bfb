/** Help texts of the CLI. */
import { packageInfo } from '../base/package-info.js';
import { DEFAULT_PARAMETERS, PARAMETER_NAMES } from '../scanner/rules/parameters.js';
import { PARAMETER_SPECS } from '../scanner/rules/parameters-check.js';

/** One line per parameter: name, bounds and default, the rules that read it. */
function parameterTable(): string {
  const rows = PARAMETER_NAMES.map((n) => {
    const s = PARAMETER_SPECS[n];
    return [
      n,
      `${s.min}–${s.max} ${s.unit}, default ${DEFAULT_PARAMETERS[n]}`,
      `${s.rules.join(', ')} (${s.meaning})`,
    ];
  });
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return rows.map(([a, b, c]) => `  ${a!.padEnd(w0)}  ${b!.padEnd(w1)}  ${c}`).join('\n');
}

export const version = (): string => `certify ${packageInfo().version}`;

export const HELP = `certify — audit-grade evidence about Azure Key Vault credentials

Usage: certify <command> [options]

Commands
  scan     [--source S] [--now ISO] [--json] [--export FILE]   collect, evaluate and save a scan
  score    [FRAMEWORK] [--source S] [--now ISO] [--json]        score, rating and failing rules
  control  FRAMEWORK CONTROL [--source S] [--now ISO] [--json]  one control: text, coverage, cited rules
  history  [--framework F] [--limit N] [--json]                 the score over the saved scans, and what changed
  rules    [--json]                                             the rule catalogue, built-in and custom
  rule     add | list | update | remove | enable | disable      manage custom rules
  parameters [--json] | set NAME=VALUE … | reset [NAME …]       the organisation parameters (thresholds)
  evidence FRAMEWORK [--from ISO --to ISO | --period P] [--out FILE]  an unsigned evidence bundle
  verify   BUNDLE [--jwks FILE|URL] [--tsa-ca FILE] [--json]    check a bundle offline, as an auditor
  audit    verify [--json]                                      check the operator audit log
  presets  [--json]                                             the credential presets, with requirements and sources
  generate --preset P --cert FILE                               a credential (stdout, once) + its provenance certificate
  cert     verify FILE|URL [--credential-stdin] [--jwks FILE|URL] [--target VAULT/SECRET]
  help     [COMMAND]                                            this text, or one command's

Sources (--source, default $CERTIFY_SOURCE or demo)
  demo [--size N] [--seed N] [--profile P]
                               a synthetic tenant (default ~150 assets), dated relative to --now;
                               --profile organisation (default, $CERTIFY_DEMO_PROFILE) or showcase
                               (every rule with passing and failing assets)
  snapshot:<path>              a certify.inventory/v1 file
  azure                        a real tenant (Azure SDKs; see the README for roles)

Frameworks: cis, soc2, iso27001, nist, hipaa, pci, asb (aliases such as pci-dss, iso, 800-53 work).
Exit status: 0 done, 1 the operation failed, 2 bad usage or bad input.
Data: scans, custom rules and organisation parameters live in $CERTIFY_DATA_DIR (default ./.certify).`;

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
  history: `certify history [--framework F] [--limit N] [--json]

The score over the saved scans, newest first: when, score, rating, the change since the scan
saved before it, and the rules that started or stopped failing there; above them the latest
score, its change and a sparkline of the last 20 scores. Reads the data dir only (no scan).
  --framework F   that framework's score (its rating by the same bands) and the rules it cites
  --limit N       the newest N scans (default 1000; the data dir keeps CERTIFY_HISTORY_LIMIT)
  --json          print certify.history/v1 (see the README)`,
  rules: `certify rules [--json]

Lists the 47 built-in rules and the custom rules with severity, weight and class.`,
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

Object.assign(COMMANDS, {
  evidence: `certify evidence FRAMEWORK [--from ISO --to ISO | --period P] [--out FILE] [--now ISO]

Builds an evidence bundle for an audit period from the saved scans (the newest scan at or
before the period's end; when there is none, the source is scanned and saved first): the ten
reports, the provenance register and the framework's control matrix as CSV and PDF, scope.json, the SHA-256 manifest
signed with the service key, RFC 3161 timestamps (CERTIFY_TSA_URL, else the embedded local TSA)
and the management assertion — left UNSIGNED here, and marked so on every page. Signed bundles
are requested in chat (/certify evidence …) and released after an approver signs.
  --period P   last-quarter, this-quarter, last-month, last-<N>d, 2026-Q3, 2026-07, 2026, A..B
               (default last-90d)
  --out FILE   where to write the zip (default ./<bundle id>.zip)`,
  verify: `certify verify BUNDLE [--jwks FILE|URL] [--tsa-ca FILE] [--json]

Checks a bundle without trusting its producer: recomputes the SHA-256 of every file against
manifest.json, checks the manifest's and the assertion's ES256 signatures, and both RFC 3161
timestamp tokens (message imprint and signature against the TSA certificate). One line per
check; exit status 1 when any check fails.
  --jwks       the key set to trust (e.g. https://certify.example.com/.well-known/jwks.json);
               without it the key inside the bundle is used, and a warning says so
  --tsa-ca     PEM root(s) the time-stamping authority must chain to`,
  audit: `certify audit verify [--json]

Checks the operator audit log in the data dir: every entry's hash, the chain of previous
hashes, the signed checkpoints and the signed head. Names each edited, deleted, inserted or
reordered entry; exit status 1 on any problem.`,
});

Object.assign(COMMANDS, {
  presets: `certify presets [--json]

The presets a credential can be generated to (NIST SP 800-63B, PCI DSS v4.0, HIPAA, SOC 2,
ISO 27001:2022, FIPS 140-3 and the strict default): length, required character classes,
minimum entropy, the secret's lifetime, and each requirement with its source.`,
  generate: `certify generate --preset P --cert FILE

Generates a credential to preset P with Node's CSPRNG (uniform, no modulo bias), prints it on
stdout once, and writes its signed provenance certificate (a compact JWS) to FILE. The
credential is not stored anywhere; the certificate holds only a salted commitment to it.
  certify generate --preset pci --cert db.cert.jws > db-password.txt`,
  cert: `certify cert verify FILE|URL [--credential-stdin] [--jwks FILE|URL] [--target VAULT/SECRET] [--json]

Verifies a provenance certificate: its ES256 signature against the key set (--jwks; for a
https://…/certs/<id> URL, that service's /.well-known/jwks.json; else this data dir's key), its
structure and entropy; with --target, that it was made for that secret; with
--credential-stdin, that the credential on standard input is the one it certifies. Exit status
1 with the reason on any failure.`,
});

Object.assign(COMMANDS, {
  parameters: `certify parameters [--json]
certify parameters set NAME=VALUE … [--json]
certify parameters reset [NAME …] [--json]

The organisation parameters every scan evaluates with (rules.md, "Organisation parameters"),
marking the values that differ from the defaults. set changes one or more (refused whole if any
value is not allowed); reset puts the named ones (or, with no name, all) back to their default.
Every change is recorded in the operator audit log; in chat only approvers can change them.
${parameterTable()}
Each scan result records the values it used (parameters in certify.scan/v1). Example:
  certify parameters set expiringSoonDays=45 expiringCriticalDays=10`,
});

export function commandHelp(command: string): string {
  return COMMANDS[command] ?? HELP;
}
