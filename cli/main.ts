/**
 * `certify` — the command line. `main` is a function of its arguments and injected I/O, so
 * tests drive it in-process exactly as a user would from a shell.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { composeServices, type Services } from '../app/compose.js';
import { readCliEnv } from '../app/config.js';
import { CertifyError, isCertifyError } from '../base/errors.js';
import { jsonPieces } from '../base/json-pieces.js';
import { utf8Bytes } from '../base/utf8.js';
import {
  controlView,
  parameterChangeView,
  parametersView,
  rulesView,
  scoreView,
} from '../cards/scan-views.js';
import { toTerminalText } from '../cards/terminal.js';
import { findFramework, lookupControl } from '../scanner/frameworks/index.js';
import { BUILTIN_RULES } from '../scanner/rules/builtin/index.js';
import { compileCustomRule, describeCondition } from '../scanner/rules/custom.js';
import type { CustomRuleDef } from '../scanner/rules/custom-types.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from '../scanner/rules/parameters.js';
import { nonDefaultParameters, parseAssignments } from '../scanner/rules/parameters-check.js';
import { parametersOf, type ScanResult } from '../scanner/scan.js';
import { writeSnapshot } from '../scanner/sources/snapshot/index.js';
import type { SourceProgress } from '../scanner/sources/types.js';
import type { ParameterChange, ParameterChangeBy } from '../services/parameters.js';
import type { RuleChangeBy } from '../services/rules.js';
import { nowFrom, parse, SOURCE_OPTIONS, str, type Parsed } from './args.js';
import { HELP, commandHelp, version } from './help.js';
import { sourceFromFlags } from './source.js';
import { cliActor } from './actor.js';
import { colors, type Colors } from './render.js';

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** For `cert verify --credential-stdin`. */
  stdin?: NodeJS.ReadableStream;
  /** Injected clock for commands run without --now. */
  clock?: () => number;
}

interface Ctx {
  io: Io;
  c: Colors;
  /** Every service, from the composition root; composed on first use (`help` reads no configuration). */
  services: () => Services;
  clock: () => number;
}

const out = (ctx: Ctx, text: string) => ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
/**
 * `--json` output, `JSON.stringify(value, null, 2)` and a newline, written in pieces: a large
 * scan's document (~150 MB at a million assets) is never one string, nor one write.
 */
async function json(ctx: Ctx, value: unknown): Promise<void> {
  const { stdout } = ctx.io;
  for (const piece of jsonPieces(value)) {
    // Encoded here rather than by the stream: see base/utf8.ts.
    if (!stdout.write(utf8Bytes(piece))) await once(stdout, 'drain');
  }
  stdout.write('\n');
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const useColor = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const c = colors(useColor);
  const errc = colors(Boolean(io.stderr.isTTY) && !io.env.NO_COLOR);
  let services: Services | undefined;
  const ctx: Ctx = {
    io,
    c,
    clock: io.clock ?? Date.now,
    // Real time for the root (a time-stamp certifies it), whatever --now or the injected clock say.
    services: () =>
      (services ??= composeServices(readCliEnv(io.env, io.cwd), {
        env: io.env,
        cwd: io.cwd,
        clock: Date.now,
      })),
  };
  const [command = 'help', ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        return await cmdScan(ctx, rest);
      case 'score':
        return await cmdScore(ctx, rest);
      case 'control':
        return await cmdControl(ctx, rest);
      // The history, evidence and provenance commands are imported when one runs: their modules
      // (PDF, ZIP, X.509, time-stamping) are most of what loading the CLI costs, and a scan needs none.
      case 'history':
        return await (await import('./history.js')).cmdHistory(ctx, rest);
      case 'rules':
        return await cmdRules(ctx, rest);
      case 'rule':
        return await cmdRule(ctx, rest);
      case 'parameters':
        return await cmdParameters(ctx, rest);
      case 'evidence':
        return await (await import('./evidence.js')).cmdEvidence(ctx, rest);
      case 'verify':
        return await (await import('./evidence.js')).cmdVerify(ctx, rest);
      case 'audit':
        return await (await import('./evidence.js')).cmdAudit(ctx, rest);
      case 'presets':
        return await (await import('./provenance.js')).cmdPresets(ctx, rest);
      case 'generate':
        return await (await import('./provenance.js')).cmdGenerate(ctx, rest);
      case 'cert':
        return await (await import('./provenance.js')).cmdCert(ctx, rest);
      case 'help':
      case '--help':
      case '-h':
        out(ctx, rest[0] ? commandHelp(rest[0]) : HELP);
        return 0;
      case '--version':
      case 'version':
        out(ctx, version());
        return 0;
      default:
        throw new CertifyError(
          'BAD_USAGE',
          `unknown command "${command}"`,
          [],
          'run `certify help` for the commands',
        );
    }
  } catch (e) {
    if (isCertifyError(e)) {
      const lines = [`${errc.red('error:')} ${e.message}`, ...e.problems.map((p) => `  - ${p}`)];
      if (e.hint) lines.push(`${errc.dim('hint:')} ${e.hint}`);
      io.stderr.write(`${lines.join('\n')}\n`);
      return e.exitCode;
    }
    io.stderr.write(`${errc.red('error:')} ${(e as Error).message ?? String(e)}\n`);
    return 1;
  } finally {
    // A command is one unit of work: its database connections end with it, rather than keeping
    // the process alive until the pool's idle timeout.
    await services?.store.close().catch(() => undefined);
  }
}

function progressText(p: SourceProgress): string {
  const total = p.total === null ? '' : `/${p.total}`;
  const detail = Object.entries(p.detail ?? {})
    .map(([k, v]) => `${v.toLocaleString('en')} ${k}`)
    .join(' · ');
  return `${p.phase}: ${p.done}${total} ${p.unit ?? 'vaults'}${detail ? ` · ${detail}` : ''}`;
}

/** How often a non-terminal gets a progress line, and how long a quick collection stays quiet. */
const LOG_EVERY_MS = 5000;

/**
 * A live line on a terminal; otherwise a structured JSON line every few seconds on stderr
 * (only for collections that take a while), so logs show that a long scan is alive.
 */
function progressReporter(io: Io, clock: () => number): ((p: SourceProgress) => void) | undefined {
  if (io.stderr.isTTY) return (p) => io.stderr.write(`\r\u001b[2K${progressText(p)}`);
  let last = clock();
  return (p) => {
    const now = clock();
    if (now - last < LOG_EVERY_MS) return;
    last = now;
    io.stderr.write(`${JSON.stringify({ event: 'progress', at: new Date(now).toISOString(), ...p })}\n`);
  };
}

async function runFromSource(ctx: Ctx, values: Parsed['values'], save: boolean) {
  const services = ctx.services();
  const source = sourceFromFlags(services, values);
  const now = nowFrom(values, ctx.clock);
  const onProgress = progressReporter(ctx.io, Date.now);
  const onNotice = (message: string) => ctx.io.stderr.write(`note: ${message}\n`);
  // A scan saved from the CLI lands in the same operator audit log as the bot's.
  const recorded = save
    ? { save: true as const, by: { actor: cliActor(ctx.io.env), clock: ctx.clock } }
    : { save: false as const };
  try {
    return await services.scans.run({ source, now, ...recorded, onProgress, onNotice });
  } finally {
    if (ctx.io.stderr.isTTY) ctx.io.stderr.write('\r\u001b[2K');
  }
}

/** A terminal has room for every failing rule; the views a card shows are cut for chat. */
const ALL = Number.POSITIVE_INFINITY;

async function cmdScan(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const { values } = parse('scan', argv, { ...SOURCE_OPTIONS, export: { type: 'string' } }, 0);
  const { inventory, result } = await runFromSource(ctx, values, true);
  const exportPath = str(values, 'export');
  if (exportPath) await writeSnapshot(resolve(ctx.io.cwd, exportPath), inventory);
  if (values.json) await json(ctx, result);
  else {
    const previous = await ctx.services().ports.scans.previous();
    out(
      ctx,
      toTerminalText(
        scoreView(result, { framework: null, previous, title: 'Scan finished', maxFailing: ALL }),
        ctx.c,
      ),
    );
    out(
      ctx,
      ctx.c.dim(`\nSaved as ${result.scanId}.${exportPath ? ` Inventory exported to ${exportPath}.` : ''}`),
    );
  }
  return 0;
}

/** `--json` of `score FRAMEWORK`: the scan document narrowed to that framework and its rules. */
function narrowToFramework(result: ScanResult, frameworkId: string): ScanResult {
  const fw = result.frameworks.find((f) => f.id === frameworkId)!;
  const cited = new Set(fw.controls.flatMap((ctl) => ctl.rules));
  return { ...result, rules: result.rules.filter((r) => cited.has(r.id)), frameworks: [fw] };
}

async function cmdScore(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('score', argv, SOURCE_OPTIONS, 1);
  const framework = positionals[0] ? findFramework(positionals[0]) : null;
  const { result } = await runFromSource(ctx, values, false);
  if (values.json) {
    await json(ctx, framework ? narrowToFramework(result, framework.id) : result);
    return 0;
  }
  // An evaluation at --now, not saved: nothing in the history to show a trend against.
  out(ctx, toTerminalText(scoreView(result, { framework, previous: null, maxFailing: ALL }), ctx.c));
  return 0;
}

async function cmdControl(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse('control', argv, SOURCE_OPTIONS, 2);
  if (positionals.length < 2) {
    throw new CertifyError(
      'BAD_USAGE',
      'control needs a framework and a control',
      [],
      'e.g. certify control pci 3.7.4',
    );
  }
  const framework = findFramework(positionals[0]!);
  const query = positionals[1]!;
  const found = lookupControl(framework, query);
  const { result } = await runFromSource(ctx, values, false);
  if (values.json) {
    const controls = found.kind === 'control' ? [found.control] : found.controls;
    const fwResult = result.frameworks.find((f) => f.id === framework.id)!;
    await json(ctx, {
      schema: 'certify.control/v1',
      framework: { id: framework.id, name: framework.name },
      query,
      redirect: found.kind === 'redirect' ? found.redirect : null,
      now: result.now,
      source: result.source,
      parameters: parametersOf(result),
      controls: controls.map((control) => {
        const ctlResult = fwResult.controls.find((x) => x.id === control.id)!;
        return {
          ...ctlResult,
          summary: control.summary,
          customerNote: control.customerNote,
          ruleResults: result.rules.filter((r) => ctlResult.rules.includes(r.id)),
        };
      }),
    });
    return 0;
  }
  out(ctx, toTerminalText(controlView(framework, query, found, result), ctx.c));
  return 0;
}

function ruleJson(def: CustomRuleDef | null, rule: (typeof BUILTIN_RULES)[number]) {
  const m = rule.meta;
  return {
    id: m.id,
    name: m.name,
    description: m.description,
    severity: m.severity,
    weight: m.weight,
    class: m.class,
    category: m.category,
    remediation: m.remediation,
    builtIn: def === null,
    enabled: def ? def.enabled : true,
    ...(def ? { condition: def.condition } : {}),
  };
}

async function cmdRules(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const { values } = parse('rules', argv, { json: { type: 'boolean' } }, 0);
  const custom = await ctx.services().rules.list();
  if (values.json) {
    await json(ctx, {
      schema: 'certify.rules/v1',
      rules: [
        ...BUILTIN_RULES.map((r) => ruleJson(null, r)),
        ...custom.map((d) => ruleJson(d, compileCustomRule(d))),
      ],
    });
    return 0;
  }
  out(ctx, rulesText(ctx, BUILTIN_RULES, custom));
  return 0;
}

/** The rules view as text, and where to start when there is no custom rule yet. */
function rulesText(ctx: Ctx, builtIn: typeof BUILTIN_RULES, custom: readonly CustomRuleDef[]): string {
  const text = toTerminalText(rulesView(builtIn, custom), ctx.c);
  if (custom.length > 0) return text;
  return `${text}\n${ctx.c.dim('Add one with `certify rule add` (see `certify help rule`).')}`;
}

const RULE_FLAGS = {
  file: { type: 'string' },
  json: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  severity: { type: 'string' },
  weight: { type: 'string' },
  enabled: { type: 'string' },
  scope: { type: 'string' },
  field: { type: 'string' },
  operator: { type: 'string' },
  value: { type: 'string' },
} as const;

/** Flag text → the JSON type the field takes, so the validator judges the user's intent. */
function coerceValue(field: string | undefined, text: string): unknown {
  if (field === 'expires_within_days' && text.trim() !== '' && !Number.isNaN(Number(text)))
    return Number(text);
  if (field === 'enabled' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

async function ruleInput(
  ctx: Ctx,
  values: Parsed['values'],
  base?: CustomRuleDef,
): Promise<Record<string, unknown>> {
  const file = str(values, 'file');
  const inline = str(values, 'json');
  let input: Record<string, unknown> = {};
  if (file !== undefined || inline !== undefined) {
    const path = file !== undefined ? (isAbsolute(file) ? file : resolve(ctx.io.cwd, file)) : undefined;
    let text: string;
    try {
      text = path !== undefined ? await readFile(path, 'utf8') : inline!;
    } catch (e) {
      throw new CertifyError('BAD_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    try {
      input = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new CertifyError('BAD_INPUT', `${file ?? '--json'} is not valid JSON: ${(e as Error).message}`);
    }
  }
  for (const k of ['id', 'name', 'description', 'severity'] as const) {
    const v = str(values, k);
    if (v !== undefined) input[k] = v;
  }
  const weight = str(values, 'weight');
  if (weight !== undefined) input.weight = Number.isNaN(Number(weight)) ? weight : Number(weight);
  const enabled = str(values, 'enabled');
  if (enabled !== undefined)
    input.enabled = enabled === 'true' ? true : enabled === 'false' ? false : enabled;
  const cond: Record<string, unknown> = {};
  const field = str(values, 'field');
  if (str(values, 'scope') !== undefined) cond.asset_scope = str(values, 'scope');
  if (field !== undefined) cond.asset_field = field;
  if (str(values, 'operator') !== undefined) cond.operator = str(values, 'operator');
  const value = str(values, 'value');
  const effectiveField =
    field ?? base?.condition.asset_field ?? (input.condition as { asset_field?: string })?.asset_field;
  if (value !== undefined) cond.value = coerceValue(effectiveField, value);
  if (Object.keys(cond).length > 0) {
    const existing =
      (input.condition as Record<string, unknown> | undefined) ?? (base ? { ...base.condition } : {});
    input.condition = { ...existing, ...cond };
  }
  return input;
}

async function cmdRule(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const [sub = 'list', ...rest] = argv;
  const rules = ctx.services().rules;
  // A rule change made from the CLI lands in the same operator audit log as the bot's.
  const by = (): RuleChangeBy => ({ actor: cliActor(ctx.io.env), at: ctx.clock() });
  const say = (text: string) => out(ctx, text);
  switch (sub) {
    case 'list': {
      const { values } = parse('rule list', rest, { json: { type: 'boolean' } }, 0);
      const custom = await rules.list();
      if (values.json) await json(ctx, { schema: 'certify.custom-rules/v1', rules: custom });
      else say(rulesText(ctx, [], custom));
      return 0;
    }
    case 'add': {
      const { values } = parse('rule add', rest, RULE_FLAGS, 0);
      const created = await rules.add(await ruleInput(ctx, values), by());
      say(
        `Added custom rule ${created.id} (${created.enabled ? 'enabled' : 'disabled'}): ${describeCondition(created.condition)}`,
      );
      return 0;
    }
    case 'update': {
      const { values, positionals } = parse('rule update', rest, RULE_FLAGS, 1);
      const id = positionals[0];
      if (!id)
        throw new CertifyError(
          'BAD_USAGE',
          'rule update needs a rule id',
          [],
          'e.g. certify rule update PROD-TAG --severity High',
        );
      const patch = await ruleInput(ctx, values, (await rules.get(id)) ?? undefined);
      const updated = await rules.update(id, patch, by());
      say(`Updated custom rule ${updated.id}: ${describeCondition(updated.condition)}`);
      return 0;
    }
    case 'remove':
    case 'delete': {
      const { positionals } = parse('rule remove', rest, {}, 1);
      if (!positionals[0]) throw new CertifyError('BAD_USAGE', 'rule remove needs a rule id');
      await rules.remove(positionals[0], by());
      say(`Removed custom rule ${positionals[0]}.`);
      return 0;
    }
    case 'enable':
    case 'disable': {
      const { positionals } = parse(`rule ${sub}`, rest, {}, 1);
      if (!positionals[0]) throw new CertifyError('BAD_USAGE', `rule ${sub} needs a rule id`);
      await rules.setEnabled(positionals[0], sub === 'enable', by());
      say(`Custom rule ${positionals[0]} ${sub}d.`);
      return 0;
    }
    default:
      throw new CertifyError(
        'BAD_USAGE',
        `unknown rule command "${sub}"`,
        [],
        'use rule add | list | update | remove | enable | disable',
      );
  }
}

const PARAMETERS_NOTE =
  'Change them with `certify parameters set NAME=VALUE …` or `certify parameters reset [NAME …]`; every change is recorded in the operator audit log.';

/** `--json` of the parameters commands: the values in effect, the defaults, and what changed. */
function parametersJson(effective: OrgParameters, changed?: readonly ParameterChange[]) {
  return {
    schema: 'certify.parameters/v1',
    parameters: effective,
    defaults: DEFAULT_PARAMETERS,
    nonDefault: nonDefaultParameters(effective),
    ...(changed ? { changed } : {}),
  };
}

async function cmdParameters(ctx: Ctx, argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const parameters = ctx.services().parameters;
  // A change made from the CLI lands in the same operator audit log as the bot's.
  const by = (): ParameterChangeBy => ({ actor: cliActor(ctx.io.env), at: ctx.clock() });
  const flags = { json: { type: 'boolean' } } as const;
  if (sub === undefined || sub === 'show' || sub.startsWith('-')) {
    const { values } = parse('parameters', sub === undefined || sub === 'show' ? rest : argv, flags, 0);
    const { effective } = await parameters.current();
    if (values.json) await json(ctx, parametersJson(effective));
    else out(ctx, toTerminalText(parametersView(effective, { note: PARAMETERS_NOTE }), ctx.c));
    return 0;
  }
  if (sub === 'set' || sub === 'reset') {
    const { values, positionals } = parse('parameters', rest, flags, Number.POSITIVE_INFINITY);
    let result;
    if (sub === 'set') {
      if (positionals.length === 0) {
        throw new CertifyError(
          'BAD_USAGE',
          'parameters set needs NAME=VALUE',
          [],
          'e.g. certify parameters set expiringSoonDays=45 expiringCriticalDays=10',
        );
      }
      result = await parameters.set(parseAssignments(positionals.join(' ')), by());
    } else {
      result = await parameters.reset(positionals, by());
    }
    if (values.json) await json(ctx, parametersJson(result.state.effective, result.changed));
    else {
      out(
        ctx,
        toTerminalText(
          parameterChangeView(sub, { effective: result.state.effective, changed: result.changed }, null),
          ctx.c,
        ),
      );
    }
    return 0;
  }
  throw new CertifyError(
    'BAD_USAGE',
    `unknown parameters command "${sub}"`,
    [],
    'use certify parameters [--json] | parameters set NAME=VALUE … | parameters reset [NAME …]',
  );
}
