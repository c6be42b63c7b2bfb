/**
 * Builds the Microsoft Teams app package `dist/certify-teams.zip`: `manifest.json` (with the
 * app and bot ids substituted), `color.png` and `outline.png`, all from `manifest/teams/`.
 *
 *   npm run package:teams            # ids from env TEAMS_APP_ID and MicrosoftAppId
 *   npm run package:teams -- --dev   # keeps the all-zero GUIDs: for local schema validation only
 *   npm run package:teams -- --icons # regenerates manifest/teams/{color,outline}.png
 *   npm run package:teams -- --sync  # rewrites manifest/teams/manifest.json's generated parts
 *
 * Generated from the code, so the manifest cannot drift from the bot: the bot's command menu (from
 * the command table, bot/commands/help.ts) and the number of built-in rules in the description.
 *
 * Dev tooling only: nothing in the product imports this file.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { COMMAND_TABLE } from '../bot/commands/index.js';
import { BUILTIN_RULES } from '../scanner/rules/builtin/index.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEAMS_DIR = join(ROOT, 'manifest', 'teams');
export const ZIP_NAME = 'certify-teams.zip';
export const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

export interface PackageOptions {
  /** The Teams app id (`id` in the manifest): any GUID, stable across versions of the app. */
  appId: string;
  /** The bot's Microsoft App ID (`bots[0].botId`), i.e. `MicrosoftAppId` of the Azure Bot. */
  botId: string;
  /** Directory the zip is written to (created if missing). */
  outDir: string;
  /** Accept the all-zero placeholder GUID (local validation only; Teams rejects such a package). */
  dev?: boolean;
}

export interface PackageResult {
  zipPath: string;
  manifest: TeamsManifest;
}

/** The parts of the manifest this script touches; the rest is passed through untouched. */
export interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  bots?: { botId: string; [key: string]: unknown }[];
  [key: string]: unknown;
}

function checkGuid(name: string, value: string, dev: boolean): void {
  if (!GUID.test(value)) {
    throw new Error(
      `${name} must be a GUID such as 1b4e28ba-2fa1-11d2-883f-0016d3cca427, got ${JSON.stringify(value)}`,
    );
  }
  if (value === ZERO_GUID && !dev) {
    throw new Error(
      `${name} is the all-zero placeholder GUID; set a real one (or pass --dev for local validation)`,
    );
  }
}

/** Teams shows at most this many commands per menu (schema v1.30: commandLists[].commands maxItems). */
export const MAX_MENU_COMMANDS = 12;
/** Longest command description Teams' menu shows in full. */
export const MAX_MENU_DESCRIPTION = 128;

export interface ManifestCommand {
  title: string;
  description: string;
}

/** The command menu: the command table's entries that carry a menu line, in the table's order. */
export function menuCommands(): ManifestCommand[] {
  const commands = COMMAND_TABLE.filter((c) => c.menu !== null).map((c) => ({
    title: c.word,
    description: c.menu ?? '',
  }));
  if (commands.length > MAX_MENU_COMMANDS) {
    throw new Error(
      `the command table puts ${commands.length} commands in the Teams menu; Teams shows at most ${MAX_MENU_COMMANDS}`,
    );
  }
  for (const c of commands) {
    if (c.description.length > MAX_MENU_DESCRIPTION) {
      throw new Error(
        `the menu line of "${c.title}" is ${c.description.length} characters; Teams shows ${MAX_MENU_DESCRIPTION}`,
      );
    }
  }
  return commands;
}

/**
 * The manifest with its generated parts brought up to date: one command list per bot scope with
 * the command menu, and the number of built-in rules in the long description.
 */
export function syncManifest(manifest: TeamsManifest): TeamsManifest {
  const out = structuredClone(manifest);
  const commands = menuCommands();
  for (const bot of out.bots ?? []) {
    const scopes = Array.isArray(bot.scopes) ? (bot.scopes as string[]) : [];
    bot.commandLists = scopes.map((scope) => ({
      scopes: [scope],
      commands: commands.map((c) => ({ ...c })),
    }));
  }
  const description = out.description as { full?: string } | undefined;
  if (description?.full) {
    description.full = description.full.replace(
      /\b\d+ built-in rules\b/,
      `${BUILTIN_RULES.length} built-in rules`,
    );
  }
  return out;
}

const MANIFEST_FILE = join(TEAMS_DIR, 'manifest.json');

async function readManifest(): Promise<TeamsManifest> {
  return JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as TeamsManifest;
}

/** Rewrites manifest/teams/manifest.json with its generated parts up to date, formatted as the repo is. */
async function writeSyncedManifest(): Promise<void> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(MANIFEST_FILE)) ?? {};
  const text = await prettier.format(JSON.stringify(syncManifest(await readManifest()), null, 2), {
    ...options,
    filepath: MANIFEST_FILE,
  });
  await writeFile(MANIFEST_FILE, text);
  console.log(
    `wrote ${MANIFEST_FILE} (${menuCommands().length} menu commands, ${BUILTIN_RULES.length} rules)`,
  );
}

/** Reads `manifest/teams/manifest.json` and returns it with the ids substituted. */
export async function buildManifest(appId: string, botId: string, dev = false): Promise<TeamsManifest> {
  checkGuid('MicrosoftAppId (the bot id)', botId, dev);
  checkGuid('TEAMS_APP_ID (the Teams app id)', appId, dev);
  const manifest = syncManifest(await readManifest());
  manifest.id = appId;
  for (const bot of manifest.bots ?? []) bot.botId = botId;
  return manifest;
}

/**
 * Builds `<outDir>/certify-teams.zip` with exactly manifest.json, color.png and outline.png,
 * after checking the ids and validating the manifest against its official schema (offline).
 */
export async function packageTeams(options: PackageOptions): Promise<PackageResult> {
  const manifest = await buildManifest(options.appId, options.botId, options.dev ?? false);
  const problems = await validateTeamsManifest(manifest);
  if (problems.length > 0) {
    throw new Error(
      `manifest.json does not match schema v${manifest.manifestVersion}:\n  ${problems.join('\n  ')}`,
    );
  }
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const icon of ['color.png', 'outline.png']) {
    zip.file(icon, await readFile(join(TEAMS_DIR, icon)));
  }
  const data = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  await mkdir(options.outDir, { recursive: true });
  const zipPath = join(options.outDir, ZIP_NAME);
  await writeFile(zipPath, data);
  return { zipPath, manifest };
}

// ---------------------------------------------------------------------------------------------
// Offline schema validation, with the schemas and the validator stack that ship in
// @microsoft/app-manifest (AJV 8 draft-04 + ajv-formats, exactly as its validateAgainstSchema
// does). Its main entry point cannot be imported here (it requires fs-extra, which it does not
// declare as a dependency), so the same pieces are loaded from its own node_modules.

type ValidateFn = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
};
interface AjvInstance {
  compile(schema: unknown): ValidateFn;
}

/** Path of the bundled Teams schema matching a manifest's `manifestVersion`. */
export function teamsSchemaPath(manifestVersion: string): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(pkg, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

/** Validates a Teams manifest against the official schema of its version; [] when valid. */
export async function validateTeamsManifest(manifest: TeamsManifest): Promise<string[]> {
  const schemaFile = teamsSchemaPath(manifest.manifestVersion);
  // Same workaround as the package: the schema has `\a` / `\v` escapes that JSON does not allow.
  const raw = (await readFile(schemaFile, 'utf8')).replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  const schema = JSON.parse(raw) as unknown;
  const require = createRequire(schemaFile);
  const draft04 = require('ajv-draft-04') as { default: new (opts: object) => AjvInstance };
  const formats = require('ajv-formats') as { default: (ajv: AjvInstance, names: string[]) => void };
  const ajv = new draft04.default({ allErrors: true, strictTypes: false });
  formats.default(ajv, ['uri', 'email', 'regex']);
  const validate = ajv.compile(schema);
  if (validate(JSON.parse(JSON.stringify(manifest)))) return [];
  return (validate.errors ?? []).map((e) =>
    `${e.instancePath || '/'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}`.trim(),
  );
}

// ---------------------------------------------------------------------------------------------
// Icon generator: a minimal PNG encoder (RGBA, 8 bits, filter 0) and the two Teams icons.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes `rgba` (width × height × 4 bytes, row-major) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Shield in a unit box: flat shoulders dipping to the middle, straight sides, pointed bottom. */
function inShield(x: number, y: number): boolean {
  if (x < 0 || x > 1 || y > 1) return false;
  const u = 2 * x - 1; // -1..1
  if (y < 0.1 * (1 - u * u)) return false; // the top dips slightly towards the middle
  const half = y <= 0.45 ? 1 : Math.cos(((y - 0.45) / 0.55) * (Math.PI / 2));
  return Math.abs(u) <= half;
}

function nearSegment(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  r: number,
): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy)) <= r;
}

/** The check mark, in the same unit box as the shield. */
function inCheck(x: number, y: number, r: number): boolean {
  return nearSegment(x, y, 0.27, 0.47, 0.44, 0.64, r) || nearSegment(x, y, 0.44, 0.64, 0.75, 0.3, r);
}

/** Renders with 4×4 supersampling; `shade` maps a point of the image (0..1) to RGB + coverage. */
function render(size: number, shade: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [r, g, b, a] = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          acc[0]! += r * a;
          acc[1]! += g * a;
          acc[2]! += b * a;
          acc[3]! += a;
        }
      }
      const alpha = acc[3]! / (n * n);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) out[i + c] = alpha > 0 ? Math.round(acc[c]! / acc[3]!) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const ACCENT: [number, number, number] = [0x0f, 0x6c, 0xbd];
const WHITE: [number, number, number] = [255, 255, 255];

/** 192×192: white shield with an accent-coloured check mark on a full-bleed accent background. */
export function colorIcon(): Buffer {
  const size = 192;
  const box = { x: 0.22, y: 0.17, w: 0.56, h: 0.66 };
  const rgba = render(size, (x, y) => {
    const sx = (x - box.x) / box.w;
    const sy = (y - box.y) / box.h;
    if (inShield(sx, sy) && !inCheck(sx, sy, 0.06)) return [...WHITE, 1];
    return [...ACCENT, 1];
  });
  return encodePng(size, size, rgba);
}

/** 32×32: white shield outline and check mark on a transparent background. */
export function outlineIcon(): Buffer {
  const size = 32;
  const box = { x: 0.16, y: 0.09, w: 0.68, h: 0.82 };
  const stroke = 0.11; // in shield units, shrinking the shield about its centre
  const rgba = render(size, (x, y) => {
    const sx = (x - box.x) / box.w;
    const sy = (y - box.y) / box.h;
    const ix = 0.5 + (sx - 0.5) / (1 - 2 * stroke);
    const iy = 0.45 + (sy - 0.45) / (1 - 2 * stroke);
    const ring = inShield(sx, sy) && !inShield(ix, iy);
    return ring || inCheck(sx, sy, 0.07) ? [...WHITE, 1] : [0, 0, 0, 0];
  });
  return encodePng(size, size, rgba);
}

async function writeIcons(): Promise<void> {
  await writeFile(join(TEAMS_DIR, 'color.png'), colorIcon());
  await writeFile(join(TEAMS_DIR, 'outline.png'), outlineIcon());
  console.log(`wrote ${join(TEAMS_DIR, 'color.png')} and outline.png`);
}

// ---------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--icons')) return writeIcons();
  if (argv.includes('--sync')) return writeSyncedManifest();
  const dev = argv.includes('--dev');
  const botId = process.env.MicrosoftAppId ?? (dev ? ZERO_GUID : undefined);
  const appId = process.env.TEAMS_APP_ID ?? (dev ? ZERO_GUID : undefined);
  if (!botId) {
    throw new Error(
      'MicrosoftAppId is not set: export the Application (client) ID of the Azure Bot / Entra app registration',
    );
  }
  if (!appId) {
    throw new Error(
      'TEAMS_APP_ID is not set: export a GUID that identifies the Teams app (generate one once, e.g. ' +
        '`node -e "console.log(crypto.randomUUID())"`, and keep it for every later version)',
    );
  }
  const result = await packageTeams({ appId, botId, outDir: join(ROOT, 'dist'), dev });
  console.log(
    `wrote ${result.zipPath} (manifest v${result.manifest.manifestVersion}, app ${appId}, bot ${botId})`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`package-teams: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
