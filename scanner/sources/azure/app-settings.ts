/**
 * App Service / Functions application settings (name → value, as returned by ARM
 * `config/appsettings/list`) → inventory settings (shared/spec/inventory.md, `resources[].settings`).
 *
 * Pure, and it never keeps a value: what leaves this module is a setting's name, its kind, the
 * NAME of the credential pattern its value matched, and — for a Key Vault reference only — the
 * id of the referenced secret, which names a secret but is not one.
 *
 * Work is bounded: only the first {@link MAX_SCANNED_CHARS} characters of a value are looked at,
 * and every regular expression here runs in time linear in its input (no nested or overlapping
 * quantifiers; a pattern whose body is unbounded may only start where a run of its characters
 * starts, so no run is rescanned from every one of its positions).
 */
import type { ResourceSetting } from '../../inventory/types.js';
import { SECRET_NAME } from './names.js';

export interface KeyVaultReference {
  settingName: string;
  /** See {@link parseKeyVaultReference}. */
  secretId: string;
}

export interface ClassifiedSettings {
  /** One per setting, in the order given. */
  settings: ResourceSetting[];
  /** One per `keyVaultReference` setting, in the same order (the caller makes dependencies of them). */
  references: KeyVaultReference[];
}

export interface ClassifyOptions {
  /** DNS suffix of vault hosts, e.g. `vault.azure.net`, for the `VaultName=…;SecretName=…` form. */
  vaultDnsSuffix: string;
}

/** Only this many leading characters of a value are parsed or tested against a pattern. */
export const MAX_SCANNED_CHARS = 64 * 1024;

/** Longest best-effort id kept for a malformed reference. */
export const MAX_MALFORMED_ID_CHARS = 1024;

/** The id given to a malformed reference whose text itself looks like a credential. */
export const REDACTED_REFERENCE_ID = '@Microsoft.KeyVault(<redacted>)';

/* ------------------------------------------------------------------------------------------ */
/* Credential patterns                                                                         */
/* ------------------------------------------------------------------------------------------ */

interface CredentialPattern {
  readonly name: string;
  readonly regex: RegExp;
}

/**
 * Tested in this order; the first that matches names the setting's `pattern`. None has the `g`
 * or `y` flag, so `test` keeps no state between calls. Azure storage connection strings are
 * reported as `AccountKey=` (or `SharedAccessSignature=` when they carry a SAS).
 */
const PATTERNS: readonly CredentialPattern[] = [
  // PEM private keys: PKCS#8, RSA, EC, DSA, OPENSSH, ENCRYPTED, and PGP key blocks.
  { name: 'private key', regex: /-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY(?: BLOCK)?-----/ },
  // Azure Storage connection strings. A key of a few characters is a placeholder, not a key.
  { name: 'AccountKey=', regex: /AccountKey\s*=\s*[A-Za-z0-9+/]{12}/i },
  // Service Bus / Event Hubs / Relay connection strings (`SharedAccessKeyName=` alone is not one).
  { name: 'SharedAccessKey=', regex: /SharedAccessKey\s*=\s*[A-Za-z0-9+/]{12}/i },
  // A SAS in a connection string, and the signature of a SAS URL or token.
  { name: 'SharedAccessSignature=', regex: /SharedAccessSignature\s*=\s*[^\s;]{8}/i },
  { name: 'SharedAccessSignature=', regex: /(?:^|[?&;\s])sig=[A-Za-z0-9%+/=]{16}/i },
  // SQL, PostgreSQL, MySQL, … connection strings (`User ID=…;Password=…`, `Pwd=`). An empty value,
  // a `<placeholder>` or a `****` mask is not a password.
  { name: 'Password=', regex: /(?:Password|\bPwd)\s*=\s*['"]?[^\s;'"<*]/i },
  // `scheme://user:password@host` (the user may be empty, as in `redis://:password@host`).
  { name: 'URL with credentials', regex: /:\/\/[^\s/:@]{0,256}:[^\s/@<*][^\s/@]{0,255}@/ },
  {
    name: 'GitHub token',
    regex: /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40})/,
  },
  { name: 'Slack token', regex: /(?<![A-Za-z0-9])(?:xox[abprs]|xapp)-[0-9A-Za-z-]{10}/ },
  { name: 'Stripe secret key', regex: /(?<![A-Za-z0-9])[rs]k_(?:live|test)_[0-9A-Za-z]{16}/ },
  { name: 'AWS access key id', regex: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  {
    name: 'AWS secret access key',
    regex: /aws[_-]?secret[_-]?(?:access[_-]?)?key['"]?\s*[=:]\s*['"]?[A-Za-z0-9/+]{40}/i,
  },
  { name: 'Google API key', regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/ },
  { name: 'SendGrid API key', regex: /(?<![A-Za-z0-9_-])SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}/ },
  // Three base64url segments, the first a JSON object (`{"` → `eyJ`). The look-behind makes each
  // run of base64url characters a candidate once, which keeps the unbounded segments linear.
  {
    name: 'JSON Web Token',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/,
  },
];

/** Every name {@link credentialPattern} can return, in the order the patterns are tested. */
export const CREDENTIAL_PATTERN_NAMES: readonly string[] = [...new Set(PATTERNS.map((p) => p.name))];

function scanned(value: string): string {
  return value.length > MAX_SCANNED_CHARS ? value.slice(0, MAX_SCANNED_CHARS) : value;
}

/**
 * The name of the first credential pattern the value matches (e.g. `AccountKey=`, `GitHub
 * token`), or null. Never any part of the value. Only the first {@link MAX_SCANNED_CHARS}
 * characters are tested.
 */
export function credentialPattern(value: string): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const text = scanned(value);
  for (const p of PATTERNS) if (p.regex.test(text)) return p.name;
  return null;
}

/* ------------------------------------------------------------------------------------------ */
/* Key Vault references                                                                        */
/* ------------------------------------------------------------------------------------------ */

const REFERENCE_START = /^@Microsoft\.KeyVault\s*\(/i;
/** `https://<host>[:port]/secrets/<name>[/<version>][/]`; anchored, so one attempt only. */
const SECRET_URI =
  /^https:\/\/([a-z0-9][a-z0-9.-]*(?::[0-9]{1,5})?)\/secrets\/([a-z0-9-]{1,127})(?:\/[a-z0-9]{1,64})?\/?$/i;
/**
 * A reference's vault name is taken by its shape as a DNS label, not by Key Vault's stricter
 * rule (names.ts): a reference to a vault that does not exist is VM001's to flag, by look-up.
 */
const VAULT_LABEL = /^[a-z0-9-]{1,63}$/i;

/** `a=b; c = d` → `{a: 'b', c: 'd'}`, keys lowercased, the first occurrence of a key winning. */
function referenceParameters(body: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of body.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (!params.has(key)) params.set(key, part.slice(eq + 1).trim());
  }
  return params;
}

/** `vault.azure.net`, tolerating `.vault.azure.net`, `vault.azure.net/`, spaces and capitals. */
function normalizeSuffix(suffix: string): string {
  const s = suffix.trim().toLowerCase();
  let from = 0;
  let to = s.length;
  while (from < to && s.charCodeAt(from) === 46 /* . */) from++;
  while (to > from && (s.charCodeAt(to - 1) === 46 /* . */ || s.charCodeAt(to - 1) === 47) /* / */) to--;
  return s.slice(from, to);
}

/** The text of a malformed reference, capped, or a placeholder if that text looks like a credential. */
function bestEffortId(raw: string): string {
  if (credentialPattern(raw) !== null) return REDACTED_REFERENCE_ID;
  return raw.length > MAX_MALFORMED_ID_CHARS ? raw.slice(0, MAX_MALFORMED_ID_CHARS) : raw;
}

/**
 * The secret a Key Vault reference app setting points at, or null when the value is not a
 * reference (does not start, after white space, with `@Microsoft.KeyVault(`).
 *
 * Accepted forms (keywords case-insensitive, parameters in any order, white space tolerated):
 * - `@Microsoft.KeyVault(SecretUri=https://myvault.vault.azure.net/secrets/mysecret[/version][/])`
 *   → `https://myvault.vault.azure.net/secrets/mysecret`: the URI's host as written (lowercased,
 *   any cloud's suffix), the secret name as written, no version, no trailing slash;
 * - `@Microsoft.KeyVault(VaultName=myvault;SecretName=mysecret[;SecretVersion=…])`
 *   → `https://myvault.<vaultDnsSuffix>/secrets/mysecret` (vault name lowercased).
 *
 * A MALFORMED reference (e.g. `@Microsoft.KeyVault(SecretUri=not-a-url)`, a missing parameter,
 * no closing parenthesis) is still a reference — the app will fail to resolve it — so it is not
 * reported as null but with a best-effort id, which in general names no secret, so that rule
 * VM001 (broken or unmapped reference) flags the setting and shows what was written:
 * - a `SecretUri=` that is not a secret URL: the raw text after `SecretUri=` (`not-a-url`);
 * - anything else: the whole trimmed value (`@Microsoft.KeyVault(VaultName=myvault)`).
 * That text is capped at {@link MAX_MALFORMED_ID_CHARS} characters and, should it match a
 * credential pattern (say a URI with `user:password@`), replaced by {@link REDACTED_REFERENCE_ID}.
 * Limitation: VM001 matches secrets by vault and name inside any URL, so a best-effort id that
 * still holds a well-formed secret URL (only the closing parenthesis missing, an `http://` URI)
 * resolves to that secret and is not flagged.
 */
export function parseKeyVaultReference(value: string, vaultDnsSuffix: string): string | null {
  if (typeof value !== 'string') return null;
  const text = scanned(value).trim();
  const start = REFERENCE_START.exec(text);
  if (!start) return null;
  const closed = text.length > start[0].length && text.endsWith(')');
  if (!closed) return bestEffortId(text);
  const params = referenceParameters(text.slice(start[0].length, -1));

  const uri = params.get('secreturi');
  if (uri !== undefined) {
    const m = SECRET_URI.exec(uri);
    if (m) return `https://${m[1]!.toLowerCase()}/secrets/${m[2]!}`;
    return bestEffortId(uri === '' ? text : uri);
  }

  const vault = params.get('vaultname');
  const secret = params.get('secretname');
  if (vault !== undefined && secret !== undefined && VAULT_LABEL.test(vault) && SECRET_NAME.test(secret)) {
    const suffix = normalizeSuffix(vaultDnsSuffix);
    const host = suffix === '' ? vault.toLowerCase() : `${vault.toLowerCase()}.${suffix}`;
    return `https://${host}/secrets/${secret}`;
  }
  return bestEffortId(text);
}

/* ------------------------------------------------------------------------------------------ */
/* Classification                                                                              */
/* ------------------------------------------------------------------------------------------ */

/**
 * One inventory setting per application setting, in the order of `Object.keys(values)` (the
 * order given, except that JavaScript lists integer-like names such as `"42"` first):
 * - a Key Vault reference → `{ name, kind: 'keyVaultReference', secretId }`, plus an entry in
 *   `references` (malformed ones included, see {@link parseKeyVaultReference});
 * - anything else → `{ name, kind: 'plain', looksLikeCredential, pattern }`, `pattern` being the
 *   name of the matched credential pattern or null. Null and empty values are not credentials.
 * No value, nor any part of one, is kept.
 */
export function classifyAppSettings(
  values: Readonly<Record<string, string | null>>,
  opts: ClassifyOptions,
): ClassifiedSettings {
  const settings: ResourceSetting[] = [];
  const references: KeyVaultReference[] = [];
  for (const name of Object.keys(values)) {
    const value = values[name];
    if (typeof value === 'string' && value !== '') {
      const secretId = parseKeyVaultReference(value, opts.vaultDnsSuffix);
      if (secretId !== null) {
        settings.push({ name, kind: 'keyVaultReference', secretId });
        references.push({ settingName: name, secretId });
        continue;
      }
    }
    const pattern = typeof value === 'string' ? credentialPattern(value) : null;
    settings.push({ name, kind: 'plain', looksLikeCredential: pattern !== null, pattern });
  }
  return { settings, references };
}
