/**
 * The CLI's provenance commands: `presets`, `generate` (a credential on stdout, once, and its
 * certificate in a file, for pipelines) and `cert verify` (file or URL; exits 1 with the reason).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Services } from '../app/compose.js';
import type { Jwks } from '../base/jws.js';
import { verifyCertificate } from '../provenance/certificate.js';
import { presetEntropyBits } from '../provenance/generate.js';
import { DEFAULT_PRESET_ID, findPreset, listPresets } from '../provenance/presets.js';
import { CertifyError } from '../base/errors.js';
import { writeFileAtomic } from '../store/json-file.js';
import { parse, str } from './args.js';
import { fetchText, readKeySet } from './keys.js';
import { cliActor } from './actor.js';
import type { Colors } from './render.js';

export interface ProvenanceCliCtx {
  io: {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    stdin?: NodeJS.ReadableStream;
    env: Readonly<Record<string, string | undefined>>;
    cwd: string;
  };
  c: Colors;
  services: () => Services;
  clock: () => number;
}

const say = (ctx: ProvenanceCliCtx, text: string) => ctx.io.stdout.write(`${text}\n`);
const note = (ctx: ProvenanceCliCtx, text: string) => ctx.io.stderr.write(`${text}\n`);
const abs = (ctx: ProvenanceCliCtx, p: string) => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));

export async function cmdPresets(ctx: ProvenanceCliCtx, argv: readonly string[]): Promise<number> {
  const { values } = parse('presets', argv, { json: { type: 'boolean' } }, 0);
  const presets = listPresets();
  if (values.json) {
    say(
      ctx,
      JSON.stringify(
        {
          schema: 'certify.presets/v1',
          default: DEFAULT_PRESET_ID,
          presets: presets.map((p) => ({ ...p, entropyBits: Math.round(presetEntropyBits(p) * 100) / 100 })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const p of presets) {
    const classes = (['lower', 'upper', 'digits', 'symbols'] as const).filter((c) => p.classes[c]);
    say(
      ctx,
      `${ctx.c.bold(p.id)}${p.id === DEFAULT_PRESET_ID ? ctx.c.dim(' (default)') : ''}  ${p.name} ${p.version}`,
    );
    say(
      ctx,
      `  ${p.length} characters · required: ${classes.join(', ') || 'none'} · ${presetEntropyBits(p).toFixed(1)} bits (minimum ${p.minEntropyBits}) · expires after ${p.maxLifetimeDays} days`,
    );
    say(ctx, `  ${p.summary}`);
    for (const r of p.requirements) say(ctx, ctx.c.dim(`  - ${r}`));
    say(ctx, ctx.c.dim(`  sources: ${p.sources.map((s) => `${s.title} (${s.ref})`).join('; ')}`));
    say(ctx, '');
  }
  return 0;
}

export async function cmdGenerate(ctx: ProvenanceCliCtx, argv: readonly string[]): Promise<number> {
  const { values } = parse('generate', argv, { preset: { type: 'string' }, cert: { type: 'string' } }, 0);
  const certFile = str(values, 'cert');
  if (!certFile) {
    throw new CertifyError(
      'BAD_USAGE',
      'generate needs --cert FILE (where the certificate is written)',
      [],
      'e.g. certify generate --preset pci --cert db-password.cert.jws > credential.txt',
    );
  }
  const preset = findPreset(str(values, 'preset') ?? DEFAULT_PRESET_ID);
  const { service } = await ctx.services().provenance();
  const generated = await service.generate(preset, ctx.clock(), cliActor(ctx.io.env));
  const path = abs(ctx, certFile);
  // The certificate first: a pipeline that captured the credential always has its certificate.
  await writeFileAtomic(path, `${generated.jws}\n`);
  note(
    ctx,
    ctx.c.dim(`certificate ${generated.id} (preset ${preset.id} ${preset.version}) written to ${path}`),
  );
  say(ctx, generated.credential);
  return 0;
}

async function readStdin(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) throw new CertifyError('BAD_USAGE', '--credential-stdin: no standard input');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // One trailing line break is how shells end a line, not part of the credential.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function cmdCert(ctx: ProvenanceCliCtx, argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify')
    throw new CertifyError(
      'BAD_USAGE',
      `unknown cert command "${sub ?? ''}"`,
      [],
      'use: certify cert verify FILE|URL [--credential-stdin] [--jwks FILE|URL] [--target VAULT/SECRET]',
    );
  const { values, positionals } = parse(
    'cert verify',
    rest,
    {
      'credential-stdin': { type: 'boolean' },
      jwks: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean' },
    },
    1,
  );
  const where = positionals[0];
  if (!where)
    throw new CertifyError(
      'BAD_USAGE',
      'cert verify needs a certificate file or URL',
      [],
      'e.g. certify cert verify https://certify.example.com/certs/cert-…',
    );
  let jws: string;
  let keysFrom = str(values, 'jwks');
  if (/^https?:\/\//i.test(where)) {
    const text = (await fetchText(where)).trim();
    // The service answers JSON with the JWS and its key set's URL; a plain JWS file works too.
    if (text.startsWith('{')) {
      const doc = JSON.parse(text) as { jws?: unknown; jwks?: unknown };
      if (typeof doc.jws !== 'string')
        throw new CertifyError('BAD_INPUT', `${where} holds no certificate (no "jws")`);
      jws = doc.jws;
      if (!keysFrom)
        keysFrom = typeof doc.jwks === 'string' ? doc.jwks : new URL('/.well-known/jwks.json', where).href;
    } else {
      jws = text;
    }
  } else {
    jws = (
      await readFile(abs(ctx, where), 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new CertifyError('BAD_INPUT', `cannot read ${where}: ${e.code ?? e.message}`);
      })
    ).trim();
  }
  let jwks: Jwks;
  let keySource: string;
  if (keysFrom) {
    jwks = await readKeySet(ctx.io.cwd, keysFrom);
    keySource = keysFrom;
  } else {
    const services = ctx.services();
    const key = await services.existingSigner();
    if (!key) {
      throw new CertifyError(
        'BAD_USAGE',
        'no key set to verify against',
        [],
        "pass --jwks with the service's key set (https://<certify>/.well-known/jwks.json), or run where the service's data dir is",
      );
    }
    jwks = key.jwks();
    keySource = `the signing key in ${services.config.dataDir}`;
  }
  let expectTarget: { vault: string; secret: string } | undefined;
  const target = str(values, 'target');
  if (target) {
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(target);
    if (!m) throw new CertifyError('BAD_USAGE', `--target "${target}" is not <vault>/<secret>`);
    expectTarget = { vault: m[1]!, secret: m[2]! };
  }
  const credential = values['credential-stdin'] ? await readStdin(ctx.io.stdin) : undefined;
  const check = verifyCertificate(jws, jwks, {
    ...(credential !== undefined ? { credential } : {}),
    ...(expectTarget ? { expectTarget } : {}),
    now: ctx.clock(),
  });
  if (values.json) {
    say(
      ctx,
      JSON.stringify(
        {
          schema: 'certify.cert-verify/v1',
          ok: check.ok,
          problems: check.problems,
          warnings: check.warnings,
          keys: keySource,
          credentialChecked: credential !== undefined,
          payload: check.payload,
        },
        null,
        2,
      ),
    );
    return check.ok ? 0 : 1;
  }
  const p = check.payload;
  if (p) {
    say(
      ctx,
      `certificate ${p.id} · preset ${p.preset.id} ${p.preset.version} · ${p.entropyBits} bits · generated ${p.generatedAt}`,
    );
    say(
      ctx,
      `target ${p.target ? `${p.target.vault}/${p.target.secret}${p.target.version ? `@${p.target.version}` : ''}` : 'none'} · keys: ${keySource}`,
    );
  }
  for (const w of check.warnings) say(ctx, `${ctx.c.yellow('warn')}  ${w}`);
  if (!check.ok) {
    for (const problem of check.problems) say(ctx, `${ctx.c.red('FAIL')}  ${problem}`);
    say(ctx, ctx.c.red('NOT VALID'));
    return 1;
  }
  say(ctx, ctx.c.green(`VALID${credential !== undefined ? ': the credential matches the commitment' : ''}`));
  return 0;
}
