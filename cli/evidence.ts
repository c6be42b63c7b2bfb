/**
 * The CLI's evidence commands: `evidence` (an unsigned bundle for local use), `verify` (the
 * auditor's offline check of a bundle) and `audit verify` (the operator audit log's chain).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Services } from '../app/compose.js';
import { parsePeriod, periodBetween } from '../evidence/period.js';
import { gatherEvidence } from '../services/evidence.js';
import { verifyBundle, type Check } from '../evidence/verify.js';
import { writeFileAtomic } from '../store/json-file.js';
import { CertifyError } from '../base/errors.js';
import { findFramework } from '../scanner/frameworks/index.js';
import { sourceFromFlags } from './source.js';
import { cliActor } from './actor.js';
import { nowFrom, parse, str } from './args.js';
import { readKeySet } from './keys.js';
import type { Colors } from './render.js';

export interface EvidenceCliCtx {
  io: {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    env: Readonly<Record<string, string | undefined>>;
    cwd: string;
  };
  c: Colors;
  services: () => Services;
  clock: () => number;
}

const say = (ctx: EvidenceCliCtx, text: string) => ctx.io.stdout.write(`${text}\n`);
const note = (ctx: EvidenceCliCtx, text: string) => ctx.io.stderr.write(`${text}\n`);
const abs = (ctx: EvidenceCliCtx, p: string) => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));

export async function cmdEvidence(ctx: EvidenceCliCtx, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    'evidence',
    argv,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      period: { type: 'string' },
      out: { type: 'string' },
      source: { type: 'string' },
      now: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'string' },
    },
    1,
  );
  if (!positionals[0]) {
    throw new CertifyError(
      'BAD_USAGE',
      'evidence needs a framework',
      [],
      'e.g. certify evidence soc2 --from 2026-07-01 --to 2026-09-30 --out soc2-q3.zip',
    );
  }
  const framework = findFramework(positionals[0]);
  const now = nowFrom(values, ctx.clock);
  const from = str(values, 'from');
  const to = str(values, 'to');
  if ((from === undefined) !== (to === undefined)) {
    throw new CertifyError(
      'BAD_USAGE',
      'evidence: give both --from and --to, or --period',
      [],
      'see: certify help evidence',
    );
  }
  const period =
    from !== undefined && to !== undefined
      ? periodBetween(from, to, now)
      : parsePeriod(str(values, 'period'), now);
  const services = ctx.services();
  const source = sourceFromFlags(services, values);
  const tsaUrl = services.config.tsaUrl;
  // The timestamps certify real time (the root's clock), whatever --now says about the evaluation.
  const wiring = await services.evidence();
  note(ctx, ctx.c.dim(`Building the ${framework.name} bundle for ${period.from} → ${period.to}…`));
  const input = await gatherEvidence(
    { ports: services.ports, source, audit: wiring.audit, actor: cliActor(ctx.io.env), clock: ctx.clock },
    framework,
    period,
    now,
  );
  if (input.snapshot.afterPeriod) {
    note(
      ctx,
      ctx.c.yellow(
        `note: no scan was saved before the period ended; using scan ${input.snapshot.scanId} of ${input.snapshot.at}`,
      ),
    );
  }
  const built = await wiring.service.buildLocal(input, cliActor(ctx.io.env));
  const out = abs(ctx, str(values, 'out') ?? `${built.bundleId}.zip`);
  await writeFileAtomic(out, built.zip);
  say(ctx, `Wrote ${out} (${(built.zip.length / 1024).toFixed(0)} KiB, bundle ${built.bundleId})`);
  say(ctx, `manifest SHA-256 ${built.manifestSha256}`);
  say(
    ctx,
    ctx.c.yellow(
      'The management assertion is NOT signed (local use). For a signed bundle, request it in chat: /certify evidence …',
    ),
  );
  if (!tsaUrl)
    say(
      ctx,
      ctx.c.dim(
        'Timestamps come from the embedded local TSA, not a trusted third party (set CERTIFY_TSA_URL).',
      ),
    );
  return 0;
}

function checkLine(c: Colors, check: Check): string {
  const tag =
    check.level === 'ok' ? c.green('ok  ') : check.level === 'warn' ? c.yellow('warn') : c.red('FAIL');
  return `${tag}  ${check.name}: ${check.detail}`;
}

export async function cmdVerify(ctx: EvidenceCliCtx, argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    'verify',
    argv,
    { jwks: { type: 'string' }, 'tsa-ca': { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  if (!positionals[0])
    throw new CertifyError(
      'BAD_USAGE',
      'verify needs a bundle (.zip)',
      [],
      'e.g. certify verify ev-1a2b3c.zip',
    );
  const path = abs(ctx, positionals[0]);
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new CertifyError('BAD_INPUT', `cannot read ${positionals[0]}: ${e.code ?? e.message}`);
  });
  const jwksAt = str(values, 'jwks');
  const caAt = str(values, 'tsa-ca');
  const result = await verifyBundle(bytes, {
    ...(jwksAt ? { jwks: await readKeySet(ctx.io.cwd, jwksAt) } : {}),
    ...(caAt
      ? {
          tsaRootsPem: await readFile(abs(ctx, caAt), 'utf8').catch((e: NodeJS.ErrnoException) => {
            throw new CertifyError('BAD_INPUT', `cannot read ${caAt}: ${e.code ?? e.message}`);
          }),
        }
      : {}),
  });
  if (values.json) {
    say(ctx, JSON.stringify({ schema: 'certify.verify/v1', file: path, ...result }, null, 2));
  } else {
    for (const check of result.checks) say(ctx, checkLine(ctx.c, check));
    const failed = result.checks.filter((c) => c.level === 'fail').length;
    say(
      ctx,
      result.ok
        ? ctx.c.green(`VERIFIED ${result.bundleId ?? ''}: ${result.checks.length} checks, no failure`)
        : ctx.c.red(`NOT VERIFIED: ${failed} check(s) failed`),
    );
  }
  return result.ok ? 0 : 1;
}

export async function cmdAudit(ctx: EvidenceCliCtx, argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') {
    throw new CertifyError(
      'BAD_USAGE',
      `unknown audit command "${sub ?? ''}"`,
      [],
      'use: certify audit verify [--json]',
    );
  }
  const { values } = parse('audit verify', rest, { json: { type: 'boolean' } }, 0);
  const services = ctx.services();
  const { dataDir } = services.config;
  const key = await services.signer();
  const result = await services.store.verifyAuditLog(key.jwks());
  if (values.json) {
    // `store` says which log was checked: the data dir's files or the database (no password).
    say(
      ctx,
      JSON.stringify(
        { schema: 'certify.audit-verify/v1', dataDir, store: services.store.where, ...result },
        null,
        2,
      ),
    );
    return result.ok ? 0 : 1;
  }
  for (const p of result.problems) {
    say(
      ctx,
      `${ctx.c.red('FAIL')}  ${p.seq !== null ? `entry ${p.seq}` : p.line !== null ? `line ${p.line}` : 'log'} (${p.kind}): ${p.message}`,
    );
  }
  say(
    ctx,
    result.ok
      ? ctx.c.green(
          `audit log OK: ${result.entries} entries, ${result.checkpoints} signed checkpoints, head at entry ${result.lastSeq}`,
        )
      : ctx.c.red(`audit log NOT OK: ${result.problems.length} problem(s) in ${result.entries} entries`),
  );
  return result.ok ? 0 : 1;
}
