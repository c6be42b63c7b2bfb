/**
 * docs/deploy-azure.md is a runbook people paste into a shell, so it is checked like code:
 *
 * (a) every environment variable it gives the service (or a tool) is a row of the README's
 *     configuration table;
 * (b) every shell variable its code blocks use is assigned earlier in the guide;
 * (c) every relative link and anchor, from the guide and from the README's pointer to it, resolves;
 * (d) every command is complete: no dangling `\` continuation, no `…` in an `az` command, no
 *     `<placeholder>` the "Fill in" table does not list;
 *
 * and the two templates it writes (the container app's YAML and the custom role definitions) parse
 * and say what the rest of the product expects. The checks are pure functions of the two texts, and
 * the last tests break a copy of the guide in each way to prove that each check can fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDE_PATH = 'docs/deploy-azure.md';
const README_PATH = 'README.md';
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * Names a guide command sets in the environment of a tool rather than of the service: they are
 * the tool's settings, not Certify's, so they have no row in the configuration table.
 */
const TOOL_VARIABLES: Record<string, string> = {
  PGPASSWORD: 'psql (libpq) reads the Entra access token from it',
  TEAMS_APP_ID: 'scripts/package-teams.ts reads the Teams app id from it',
};

/**
 * What makes a backticked name in prose an environment variable of the service: the prefixes and
 * names the configuration table uses. Shell variables of the guide never look like this (checked).
 */
const ENV_LIKE =
  /^(?:CERTIFY_|OTEL_|AZURE_|SLACK_|APPLICATIONINSIGHTS_|LOG_|MANAGED_IDENTITY_|Microsoft[A-Z])|^(?:HOST|PORT|CLOUD)$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Block {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  lines: string[];
}

interface Doc {
  blocks: Block[];
  /** Every line outside code blocks, with its 1-based number. */
  prose: { line: number; text: string }[];
}

function splitDoc(md: string): Doc {
  const blocks: Block[] = [];
  const prose: Doc['prose'] = [];
  let open: Block | null = null;
  md.split('\n').forEach((text, i) => {
    const fence = /^\s*```(\S*)/.exec(text);
    if (fence && open === null) open = { lang: fence[1] ?? '', line: i + 1, lines: [] };
    else if (fence && open !== null) {
      blocks.push(open);
      open = null;
    } else if (open !== null) open.lines.push(text);
    else prose.push({ line: i + 1, text });
  });
  if (open !== null) blocks.push(open);
  return { blocks, prose };
}

const isShell = (b: Block): boolean => ['sh', 'bash', 'shell', ''].includes(b.lang);

/** A shell block cut into commands (continuations joined) and here-documents. */
interface Heredoc {
  delimiter: string;
  quoted: boolean;
  line: number;
  body: string[];
}
interface ShellLine {
  line: number;
  text: string;
}

function shellParts(block: Block): { commands: ShellLine[]; heredocs: Heredoc[]; problems: string[] } {
  const commands: ShellLine[] = [];
  const heredocs: Heredoc[] = [];
  const problems: string[] = [];
  let pending: ShellLine | null = null;
  let doc: Heredoc | null = null;
  block.lines.forEach((raw, i) => {
    const line = block.line + 1 + i;
    if (doc !== null) {
      if (raw.trim() === doc.delimiter) {
        heredocs.push(doc);
        doc = null;
      } else doc.body.push(raw);
      return;
    }
    if (pending !== null && raw.trim() === '') {
      problems.push(`line ${pending.line}: a "\\" continuation is followed by an empty line`);
      commands.push(pending);
      pending = null;
      return;
    }
    const text: string = pending === null ? raw : `${pending.text} ${raw.trim()}`;
    const start = pending === null ? line : pending.line;
    if (/\\\s*$/.test(raw)) {
      pending = { line: start, text: text.replace(/\\\s*$/, '') };
      return;
    }
    pending = null;
    if (text.trim() !== '') commands.push({ line: start, text });
    const here = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text.replace(/'[^']*'/g, "''"));
    if (here) doc = { delimiter: here[2] ?? '', quoted: (here[1] ?? '') !== '', line: start, body: [] };
  });
  if (pending !== null) {
    problems.push(`line ${(pending as ShellLine).line}: the block ends inside a "\\" continuation`);
    commands.push(pending);
  }
  if (doc !== null)
    problems.push(`line ${(doc as Heredoc).line}: here-document ${(doc as Heredoc).delimiter} never ends`);
  return { commands, heredocs, problems };
}

/** Shell words of one command, quotes removed; `$(…)` and quoted strings kept whole. */
function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | null = null;
  let depth = 0;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else word += c;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      depth++;
      word += '$(';
      i++;
      started = true;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      if (c === ')') depth--;
      word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      started = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (started) out.push(word);
      word = '';
      started = false;
      continue;
    }
    if (c === '#' && !started) break;
    word += c;
    started = true;
  }
  if (started) out.push(word);
  return out;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Names a command puts in an environment: `NAME=v cmd`, `--env-vars`/`--set-env-vars`, `-e`. */
function envOfCommand(text: string): { name: string; tool: boolean }[] {
  const w = words(text);
  const found: { name: string; tool: boolean }[] = [];
  let i = 0;
  while (i < w.length && ASSIGNMENT.test(w[i]!)) i++;
  // Assignments followed by a command are that command's environment; alone, shell variables.
  if (i < w.length) for (const a of w.slice(0, i)) found.push({ name: ASSIGNMENT.exec(a)![1]!, tool: true });
  for (let j = i; j < w.length; j++) {
    if (w[j] === '-e' && w[j + 1] && ASSIGNMENT.test(w[j + 1]!))
      found.push({ name: ASSIGNMENT.exec(w[j + 1]!)![1]!, tool: false });
    if (w[j] === '--env-vars' || w[j] === '--set-env-vars') {
      for (let k = j + 1; k < w.length && !w[k]!.startsWith('-'); k++) {
        const m = ASSIGNMENT.exec(w[k]!);
        if (m) found.push({ name: m[1]!, tool: false });
      }
    }
  }
  return found;
}

/** Replaces shell expansions so a here-document's body parses: `x` in a string, `"x"` outside. */
function substitute(body: string, json: boolean): string {
  const expansion = /\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/y;
  let out = '';
  let inString = false;
  for (let i = 0; i < body.length;) {
    expansion.lastIndex = i;
    const m = expansion.exec(body);
    if (m) {
      out += json && !inString ? '"x"' : `x-${m[0].replace(/\W/g, '')}`;
      i += m[0].length;
      continue;
    }
    const c = body[i]!;
    if (json && c === '"' && body[i - 1] !== '\\') inString = !inString;
    out += c;
    i++;
  }
  return out;
}

/** The README configuration table's variables: every backticked name in its first column. */
export function configurationVariables(readme: string): Set<string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  if (!section) throw new Error('README has no "## Configuration" section');
  const names = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('|'))) {
    const first = row.split('|')[1] ?? '';
    for (const m of first.matchAll(/`([^`]+)`/g)) if (NAME.test(m[1]!)) names.add(m[1]!);
  }
  return names;
}

/** GitHub's heading anchors of a Markdown text. */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text } of splitDoc(md).prose) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!h) continue;
    const base = h[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The placeholders the guide's "Fill in" table lists (its first column). */
function fillIns(doc: Doc): Set<string> {
  const out = new Set<string>();
  let inSection = false;
  for (const { text } of doc.prose) {
    if (/^## /.test(text)) inSection = /^## Fill in\s*$/.test(text);
    else if (inSection && text.startsWith('|')) {
      for (const m of (text.split('|')[1] ?? '').matchAll(/`(<[^`>]+>)`/g)) out.add(m[1]!);
    }
  }
  return out;
}

export interface GuideFindings {
  /** (a) environment variables named by the guide, where. */
  env: Map<string, string>;
  problems: string[];
}

/** Every check on the guide (`md`, at GUIDE_PATH) and on the README's pointer to it. */
export function checkGuide(md: string, readme: string): GuideFindings {
  const doc = splitDoc(md);
  const problems: string[] = [];
  const env = new Map<string, string>();
  const shellVariables = new Map<string, number>();
  const table = configurationVariables(readme);

  // (b) shell variables: assigned before use, in document order.
  const assigned = new Set<string>();
  const use = (text: string, line: number): void => {
    for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (!assigned.has(m[1]!)) problems.push(`line ${line}: $${m[1]} is used before the guide assigns it`);
    }
  };
  const assign = (name: string, line: number): void => {
    assigned.add(name);
    if (!shellVariables.has(name)) shellVariables.set(name, line);
  };

  let yamlFiles = 0;
  for (const block of doc.blocks.filter(isShell)) {
    const { commands, heredocs, problems: shellProblems } = shellParts(block);
    problems.push(...shellProblems);
    const heredocAt = new Map(heredocs.map((h) => [h.line, h]));
    for (const cmd of commands) {
      // Single-quoted text is not expanded by the shell.
      use(cmd.text.replace(/'[^']*'/g, "''"), cmd.line);
      const w = words(cmd.text);
      const pure = w.length > 0 && w.every((x) => ASSIGNMENT.test(x));
      const exported = w[0] === 'export' && w.length > 1 && w.slice(1).every((x) => ASSIGNMENT.test(x));
      if (pure || exported)
        for (const x of w.slice(exported ? 1 : 0)) assign(ASSIGNMENT.exec(x)![1]!, cmd.line);
      for (const m of cmd.text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) assign(m[1]!, cmd.line);
      const r =
        /(?:^|[;&|]\s*)read\s+(?:-[A-Za-z]+\s+)*(?:'[^']*'\s+|"[^"]*"\s+)?([A-Za-z_][A-Za-z0-9_]*)/.exec(
          cmd.text,
        );
      if (r) assign(r[1]!, cmd.line);
      // (a) what the command puts in an environment.
      for (const { name, tool } of envOfCommand(cmd.text)) {
        if (tool && TOOL_VARIABLES[name]) continue;
        env.set(name, `line ${cmd.line}`);
      }
      // (d) az commands complete.
      if (/^\s*az\s/.test(cmd.text)) {
        if (/…|\.\.\./.test(cmd.text)) problems.push(`line ${cmd.line}: an az command with "…" left in it`);
        if (words(cmd.text).length < 3) problems.push(`line ${cmd.line}: an az command without a verb`);
      }
      const here = heredocAt.get(cmd.line);
      if (here) {
        if (!here.quoted) here.body.forEach((b, i) => use(b, here.line + 1 + i));
        const body = here.body.join('\n');
        if (here.delimiter === 'YAML') {
          yamlFiles++;
          problems.push(...checkContainerApp(substitute(body, false), env, here.line));
        }
        if (here.delimiter === 'JSON')
          problems.push(...checkRoleDefinition(substitute(body, true), here.line));
      }
    }
  }
  if (yamlFiles === 0) problems.push('no container app YAML (a <<YAML here-document) in the guide');
  for (const [name, line] of shellVariables) {
    if (ENV_LIKE.test(name))
      problems.push(`line ${line}: shell variable ${name} looks like an environment variable; rename it`);
  }

  // (a) backticked names in prose that look like the service's variables.
  for (const { line, text } of doc.prose) {
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      const name = /^([A-Za-z_][A-Za-z0-9_]*)(?:=\S*)?$/.exec(m[1]!)?.[1];
      if (name && ENV_LIKE.test(name) && !shellVariables.has(name) && !env.has(name))
        env.set(name, `line ${line}`);
    }
  }
  for (const [name, where] of env) {
    if (!table.has(name)) problems.push(`${where}: ${name} is not a row of the README's configuration table`);
  }
  for (const name of Object.keys(TOOL_VARIABLES)) {
    if (!md.includes(name)) problems.push(`TOOL_VARIABLES lists ${name}, which the guide no longer sets`);
  }

  // (d) placeholders only where the "Fill in" table lists them.
  const listed = fillIns(doc);
  for (const block of doc.blocks) {
    block.lines.forEach((text, i) => {
      for (const m of text.matchAll(/<[A-Za-z][A-Za-z0-9 _-]*>/g)) {
        if (!listed.has(m[0]))
          problems.push(`line ${block.line + 1 + i}: placeholder ${m[0]} is not in "Fill in"`);
      }
    });
  }

  // (c) links from the guide, and the README's links to it.
  const linkProblems = (text: string, from: string, line: number): string[] => {
    const out: string[] = [];
    for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? from : relative(ROOT, resolve(ROOT, dirname(from), path));
      if (!existsSync(join(ROOT, file))) {
        out.push(`${from}:${line}: link ${target}: ${file} does not exist`);
        continue;
      }
      if (anchor !== undefined) {
        // The guide under test, not the file on disk: the checks are a function of the two texts.
        const target2 = file === GUIDE_PATH ? md : read(file);
        if (!anchors(target2).has(anchor))
          out.push(`${from}:${line}: link ${target}: no heading #${anchor} in ${file}`);
      }
    }
    return out;
  };
  for (const { line, text } of doc.prose) problems.push(...linkProblems(text, GUIDE_PATH, line));
  let pointers = 0;
  readme.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      if (!m[1]!.split('#')[0]!.endsWith('deploy-azure.md')) continue;
      pointers++;
      problems.push(...linkProblems(m[0], README_PATH, i + 1));
    }
  });
  if (pointers === 0) problems.push(`${README_PATH} has no link to ${GUIDE_PATH}`);
  return { env, problems };
}

/** The parts of a Container Apps YAML file these checks read (everything optional: it is input). */
interface Probe {
  type?: string;
  httpGet?: { path?: string; port?: number };
}
interface EnvEntry {
  name?: unknown;
  value?: unknown;
  secretRef?: string;
}
interface ContainerAppYaml {
  identity?: { type?: string; userAssignedIdentities?: Record<string, unknown> };
  properties?: {
    configuration?: {
      ingress?: { targetPort?: number; external?: boolean; allowInsecure?: boolean };
      secrets?: { name: string }[];
    };
    template?: {
      terminationGracePeriodSeconds?: number;
      scale?: { minReplicas?: number };
      containers?: { probes?: Probe[]; env?: EnvEntry[] }[];
    };
  };
}

/** The container app's YAML: what Container Apps needs and what Certify's probes and shutdown expect. */
function checkContainerApp(text: string, env: Map<string, string>, line: number): string[] {
  const problems: string[] = [];
  const at = `container app YAML (line ${line})`;
  let app: ContainerAppYaml | null;
  try {
    app = parse(text) as ContainerAppYaml | null;
  } catch (e) {
    return [`${at}: does not parse: ${(e as Error).message}`];
  }
  const props = app?.properties ?? {};
  const ingress = props.configuration?.ingress ?? {};
  const template = props.template ?? {};
  const containers = template.containers ?? [];
  if (
    app?.identity?.type !== 'UserAssigned' ||
    Object.keys(app.identity.userAssignedIdentities ?? {}).length === 0
  )
    problems.push(`${at}: no user-assigned identity`);
  if (ingress.targetPort !== 3978) problems.push(`${at}: ingress targetPort is not 3978`);
  if (ingress.external !== true || ingress.allowInsecure !== false)
    problems.push(`${at}: ingress must be external and HTTPS only`);
  if (!((template.terminationGracePeriodSeconds ?? 0) > 25))
    problems.push(`${at}: terminationGracePeriodSeconds must be above 25 (the service takes 20 s to stop)`);
  if (!((template.scale?.minReplicas ?? 0) >= 2)) problems.push(`${at}: fewer than two replicas`);
  if (containers.length !== 1) problems.push(`${at}: expected one container`);
  const secrets = new Set<string>((props.configuration?.secrets ?? []).map((s) => s.name));
  for (const c of containers) {
    const probe = (type: string): Probe | undefined => (c.probes ?? []).find((p) => p.type === type);
    if (probe('Liveness')?.httpGet?.path !== '/healthz' || probe('Liveness')?.httpGet?.port !== 3978)
      problems.push(`${at}: the liveness probe must be GET /healthz on 3978`);
    if (probe('Readiness')?.httpGet?.path !== '/readyz' || probe('Readiness')?.httpGet?.port !== 3978)
      problems.push(`${at}: the readiness probe must be GET /readyz on 3978`);
    for (const e of c.env ?? []) {
      if (typeof e?.name !== 'string' || !NAME.test(e.name)) {
        problems.push(`${at}: an env entry without a valid name`);
        continue;
      }
      env.set(e.name, at);
      if ('value' in e === 'secretRef' in e)
        problems.push(`${at}: ${e.name} needs exactly one of value or secretRef`);
      if ('secretRef' in e && !secrets.has(e.secretRef ?? ''))
        problems.push(`${at}: ${e.name} refers to no secret ${e.secretRef}`);
      if (/SECRET|PASSWORD|TOKEN|CONNECTION_STRING/.test(e.name) && 'value' in e)
        problems.push(
          `${at}: ${e.name} is a secret: use a Container Apps secret (secretRef), never a plain value`,
        );
    }
  }
  return problems;
}

/** A custom role the guide defines: it parses, and it grants no wildcard and no secret value. */
function checkRoleDefinition(text: string, line: number): string[] {
  const at = `role definition (line ${line})`;
  let role: Record<string, unknown>;
  try {
    role = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return [`${at}: not JSON: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  for (const key of ['Name', 'Actions', 'NotActions', 'DataActions', 'NotDataActions', 'AssignableScopes'])
    if (!(key in role)) problems.push(`${at}: no ${key}`);
  const granted = [...((role.Actions as string[]) ?? []), ...((role.DataActions as string[]) ?? [])];
  if (granted.length === 0) problems.push(`${at}: grants nothing`);
  for (const action of granted) {
    if (action.includes('*')) problems.push(`${at}: ${action} is a wildcard`);
    if (/getSecret/i.test(action)) problems.push(`${at}: ${action} reads secret values`);
  }
  return problems;
}

describe('docs/deploy-azure.md', () => {
  const guide = read(GUIDE_PATH);
  const readme = read(README_PATH);

  it('passes every check', () => {
    expect(checkGuide(guide, readme).problems).toEqual([]);
  });

  it('names the variables a deployment on Azure sets, all in the configuration table', () => {
    const { env } = checkGuide(guide, readme);
    for (const name of [
      'CERTIFY_DATABASE_URL',
      'CERTIFY_DATABASE_AUTH',
      'CERTIFY_SIGNING_KEY_ID',
      'CERTIFY_PUBLIC_URL',
      'CERTIFY_TSA_URL',
      'AZURE_CLIENT_ID',
      'MicrosoftAppType',
      'SLACK_SIGNING_SECRET',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'LOG_LEVEL',
      'HOST',
      'PORT',
    ])
      expect(env.has(name), name).toBe(true);
  });

  it('lists only tool variables that their tool reads', () => {
    expect(read('scripts/package-teams.ts')).toContain('process.env.TEAMS_APP_ID');
    expect(Object.keys(TOOL_VARIABLES).every((n) => !configurationVariables(readme).has(n))).toBe(true);
  });

  it('reads the configuration table and anchors as GitHub does', () => {
    const names = configurationVariables(readme);
    expect(names.has('CERTIFY_DATA_DIR')).toBe(true);
    expect(names.has('MicrosoftAppTenantId')).toBe(true);
    expect(names.has('DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS')).toBe(false); // a meaning, not a row
    expect(anchors('## 6. Roles (least privilege)\n## `HOST` and *PORT*\n## A\n## A')).toEqual(
      new Set(['6-roles-least-privilege', 'host-and-port', 'a', 'a-1']),
    );
  });

  // Each check must be able to fail: break a copy of the guide one way at a time.
  const broken = (mutate: (md: string) => string, readmeMutate = (r: string): string => r): string[] => {
    const md = mutate(guide);
    expect(md).not.toBe(guide);
    return checkGuide(md, readmeMutate(readme)).problems;
  };
  const insertBlock = (md: string, block: string): string =>
    md.replace('## 15. Troubleshooting', `${block}\n\n## 15. Troubleshooting`);

  it('(a) fails on a variable the configuration table lacks', () => {
    expect(
      broken((md) =>
        md.replace(
          '          - name: LOG_LEVEL\n',
          '          - name: CERTIFY_NO_SUCH_SETTING\n            value: x\n          - name: LOG_LEVEL\n',
        ),
      ),
    ).toEqual([expect.stringContaining('CERTIFY_NO_SUCH_SETTING is not a row')]);
    expect(broken((md) => `${md}\nSet \`OTEL_NO_SUCH_THING\` too.\n`)).toEqual([
      expect.stringContaining('OTEL_NO_SUCH_THING is not a row'),
    ]);
    expect(
      broken((md) =>
        insertBlock(md, '```sh\naz containerapp update --name "$APP_NAME" --set-env-vars FOO_BAR=1\n```'),
      ),
    ).toEqual([expect.stringContaining('FOO_BAR is not a row')]);
    expect(broken((md) => insertBlock(md, '```sh\nNOT_LISTED=1 npm start\n```'))).toEqual([
      expect.stringContaining('NOT_LISTED is not a row'),
    ]);
    expect(
      broken((md) => md.replace('SUFFIX=', 'CERTIFY_SUFFIX=').replaceAll('$SUFFIX', '$CERTIFY_SUFFIX')),
    ).toEqual([expect.stringContaining('shell variable CERTIFY_SUFFIX looks like an environment variable')]);
  });

  it('(a) fails when a secret is a plain value', () => {
    expect(
      broken((md) =>
        md.replace(
          '          - name: LOG_LEVEL\n',
          '          - name: SLACK_BOT_TOKEN\n            value: xoxb-1\n          - name: LOG_LEVEL\n',
        ),
      ),
    ).toEqual([expect.stringContaining('SLACK_BOT_TOKEN is a secret')]);
  });

  it('(b) fails on a shell variable used before it is assigned', () => {
    expect(broken((md) => insertBlock(md, '```sh\naz group show --name "$NOWHERE_ASSIGNED"\n```'))).toEqual([
      expect.stringContaining('$NOWHERE_ASSIGNED is used before'),
    ]);
    // Order matters: the first use of $PUBLIC_URL moved above its assignment.
    expect(
      broken((md) =>
        md.replace('az group create --name "$RG"', 'echo "$PUBLIC_URL"\naz group create --name "$RG"'),
      ),
    ).toEqual([expect.stringContaining('$PUBLIC_URL is used before')]);
    // Inside an expanding here-document too.
    expect(
      broken((md) => md.replace('    $ID_BOT_ID: {}', '    $ID_BOT_ID: {}\n    $UNSET_IDENTITY: {}')),
    ).toEqual([expect.stringContaining('$UNSET_IDENTITY is used before')]);
  });

  it('(c) fails on a link or anchor that does not resolve', () => {
    expect(broken((md) => md.replace('../README.md#configuration', '../README.md#no-such-heading'))).toEqual([
      expect.stringContaining('no heading #no-such-heading in README.md'),
    ]);
    expect(broken((md) => md.replace('(#1-variables)', '(#1-variable)'))).toEqual([
      expect.stringContaining('no heading #1-variable'),
    ]);
    expect(broken((md) => md.replace('../manifest/README.md#slack', '../manifest/NOPE.md'))).toEqual([
      expect.stringContaining('manifest/NOPE.md does not exist'),
    ]);
    expect(
      broken(
        (md) => `${md} `,
        (r) => r.replace('(docs/deploy-azure.md)', '(docs/deploy-azure.md#no-such-step)'),
      ),
    ).toEqual([expect.stringContaining('no heading #no-such-step')]);
    expect(
      broken(
        (md) => `${md} `,
        (r) => r.replaceAll('[docs/deploy-azure.md](docs/deploy-azure.md)', 'docs/deploy-azure.md'),
      ),
    ).toEqual([expect.stringContaining('has no link to docs/deploy-azure.md')]);
  });

  it('(d) fails on an incomplete command or a placeholder nobody fills in', () => {
    expect(
      broken((md) =>
        md.replace(
          'az provider register --namespace Microsoft.DBforPostgreSQL\n',
          'az provider register --namespace Microsoft.DBforPostgreSQL \\\n',
        ),
      ),
    ).toEqual([expect.stringContaining('ends inside a "\\" continuation')]);
    expect(
      broken((md) =>
        md.replace(
          '--sku premium --enable-rbac-authorization true \\\n',
          '--sku premium --enable-rbac-authorization true \\\n\n',
        ),
      ),
    ).toEqual([expect.stringContaining('continuation is followed by an empty line')]);
    expect(
      broken((md) =>
        md.replace('--sku Standard --admin-enabled false', '--sku <your-sku> --admin-enabled false'),
      ),
    ).toEqual([expect.stringContaining('placeholder <your-sku> is not in "Fill in"')]);
    expect(broken((md) => md.replace('--sku Standard --admin-enabled false', '--sku Standard …'))).toEqual([
      expect.stringContaining('an az command with "…"'),
    ]);
  });

  it('fails on a container app or role template that says the wrong thing', () => {
    expect(broken((md) => md.replace('minReplicas: 2', 'minReplicas: 1'))).toEqual([
      expect.stringContaining('fewer than two replicas'),
    ]);
    expect(broken((md) => md.replace('path: /readyz', 'path: /healthz'))).toEqual([
      expect.stringContaining('readiness probe must be GET /readyz'),
    ]);
    expect(
      broken((md) => md.replace('terminationGracePeriodSeconds: 60', 'terminationGracePeriodSeconds: 10')),
    ).toEqual([expect.stringContaining('terminationGracePeriodSeconds must be above 25')]);
    expect(broken((md) => md.replace('      targetPort: 3978', '      targetPort: [3978'))).toEqual([
      expect.stringContaining('does not parse'),
    ]);
    expect(
      broken((md) =>
        md.replace(
          '"DataActions": ["Microsoft.KeyVault/vaults/secrets/setSecret/action"]',
          '"DataActions": ["Microsoft.KeyVault/vaults/secrets/*"]',
        ),
      ),
    ).toEqual([expect.stringContaining('is a wildcard')]);
  });
});
