import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { parse } from 'yaml';
import {
  MAX_MENU_COMMANDS,
  ROOT,
  TEAMS_DIR,
  ZERO_GUID,
  buildManifest,
  menuCommands,
  packageTeams,
  syncManifest,
  teamsSchemaPath,
  validateTeamsManifest,
} from '../../scripts/package-teams.js';
import type { TeamsManifest } from '../../scripts/package-teams.js';
import { COMMAND_TABLE, COMMAND_WORDS, parseCommand } from '../../bot/commands/index.js';
import { BUILTIN_RULES } from '../../scanner/rules/builtin/index.js';

/** The Teams command menu: the command table's entries with a menu line, in its order. */
const COMMANDS = COMMAND_TABLE.filter((c) => c.menu !== null).map((c) => c.word);
const SCOPES = ['personal', 'team', 'groupChat'];
const REAL_GUID = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';

interface Command {
  title: string;
  description?: string;
}
interface Bot {
  botId: string;
  scopes: string[];
  supportsFiles?: boolean;
  isNotificationOnly?: boolean;
  commandLists: { scopes: string[]; commands: Command[] }[];
}

async function teamsManifest(): Promise<TeamsManifest> {
  return JSON.parse(await readFile(join(TEAMS_DIR, 'manifest.json'), 'utf8')) as TeamsManifest;
}

function bot(manifest: TeamsManifest): Bot {
  const first = manifest.bots?.[0];
  assert.ok(first, 'the manifest declares a bot');
  return first as unknown as Bot;
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA pixels, only for 8-bit RGBA non-interlaced images. */
  rgba?: Uint8Array;
}

/** A minimal PNG reader: chunk walk, IHDR, and (for 8-bit RGBA) inflate + unfilter. */
function readPng(buf: Buffer): Png {
  assert.deepEqual(
    [...buf.subarray(0, 8)],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    'PNG signature',
  );
  let offset = 8;
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let sawEnd = false;
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (offset === 8) assert.equal(type, 'IHDR', 'IHDR is the first chunk');
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') sawEnd = true;
    offset += 12 + length;
  }
  assert.ok(ihdr && sawEnd, 'IHDR and IEND present');
  const png: Png = {
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8]!,
    colorType: ihdr[9]!,
  };
  if (png.bitDepth !== 8 || png.colorType !== 6 || ihdr[12] !== 0) return png;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = png.width * 4;
  const out = new Uint8Array(stride * png.height);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? out[y * stride + x - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter];
      assert.ok(pred !== undefined, `PNG filter type ${filter}`);
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  png.rgba = out;
  return png;
}

test('the Teams manifest validates against the official schema of its version (offline)', async () => {
  const manifest = await teamsManifest();
  assert.match(manifest.manifestVersion, /^1\.\d+$/);
  assert.equal(
    manifest.$schema,
    `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
  );
  const raw = await readFile(teamsSchemaPath(manifest.manifestVersion), 'utf8');
  const schema = JSON.parse(raw.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as {
    properties: { manifestVersion: { const?: string } };
  };
  assert.equal(schema.properties.manifestVersion.const, manifest.manifestVersion);
  assert.deepEqual(await validateTeamsManifest(manifest), []);
});

test('the schema validator rejects what Teams would reject', async () => {
  const manifest = await teamsManifest();
  const broken = { ...manifest, id: '${{TEAMS_APP_ID}}', accentColor: 'blue' };
  const problems = await validateTeamsManifest(broken);
  assert.ok(
    problems.some((p) => p.startsWith('/id ')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('/accentColor ')),
    problems.join('\n'),
  );
});

test('the Teams manifest: placeholders, texts and the bot', async () => {
  const manifest = await teamsManifest();
  assert.equal(manifest.id, ZERO_GUID);
  const b = bot(manifest);
  assert.equal(b.botId, ZERO_GUID);
  assert.deepEqual([...b.scopes].sort(), [...SCOPES].sort());
  assert.equal(b.supportsFiles, false);
  assert.equal(b.isNotificationOnly, false);
  const name = manifest.name as { short: string; full: string };
  assert.equal(name.short, 'Certify');
  assert.equal(name.full, 'Certify — Key Vault compliance evidence');
  const description = manifest.description as { short: string; full: string };
  assert.ok(description.short.length <= 80);
  assert.ok(description.full.length <= 4000);
  assert.match(description.full, /not a compliance verdict/);
  const developer = manifest.developer as Record<string, string>;
  for (const key of ['websiteUrl', 'privacyUrl', 'termsOfUseUrl']) {
    assert.match(developer[key] ?? '', /^https:\/\/certify\.example\.com(\/|$)/, key);
  }
  assert.deepEqual(manifest.icons, { color: 'color.png', outline: 'outline.png' });
  assert.deepEqual(manifest.validDomains, ['certify.example.com']);
});

test('the command table covers every command word, and its menu words parse as themselves', () => {
  assert.deepEqual([...new Set(COMMAND_TABLE.map((c) => c.word))].sort(), [...COMMAND_WORDS].sort());
  assert.ok(COMMANDS.length > 0 && COMMANDS.length <= MAX_MENU_COMMANDS, `${COMMANDS.length} menu commands`);
  for (const word of COMMANDS) assert.equal(parseCommand(word).name, word, word);
  for (const entry of COMMAND_TABLE) assert.match(entry.usage, new RegExp(`^/certify ${entry.word}\\b`));
  assert.deepEqual(
    menuCommands().map((c) => c.title),
    COMMANDS,
  );
});

test('manifest.json is generated from the code: its command menu and rule count are current', async () => {
  const manifest = await teamsManifest();
  assert.deepEqual(
    manifest,
    syncManifest(manifest),
    'out of date: run `npm run package:teams -- --sync` and commit manifest/teams/manifest.json',
  );
  const description = manifest.description as { full: string };
  assert.match(description.full, new RegExp(`evaluates ${BUILTIN_RULES.length} built-in rules`));
});

test('every scope has a command list with all commands, within the Teams limits', async () => {
  const { commandLists } = bot(await teamsManifest());
  assert.deepEqual(
    commandLists
      .map((l) => l.scopes)
      .flat()
      .sort(),
    [...SCOPES].sort(),
  );
  for (const list of commandLists) {
    assert.deepEqual(
      list.commands.map((c) => c.title),
      COMMANDS,
      `commands of ${list.scopes.join(',')}`,
    );
    for (const command of list.commands) {
      assert.ok(command.title.length <= 32, `title of ${command.title}`);
      assert.ok(command.description && command.description.length <= 128, `description of ${command.title}`);
    }
  }
});

test('color.png is a 192×192 opaque PNG', async () => {
  const png = readPng(await readFile(join(TEAMS_DIR, 'color.png')));
  assert.equal(png.width, 192);
  assert.equal(png.height, 192);
  assert.ok(png.rgba, '8-bit RGBA');
  const colours = new Set<number>();
  for (let i = 0; i < png.rgba.length; i += 4) {
    assert.equal(png.rgba[i + 3], 255, 'colour icon is opaque');
    colours.add((png.rgba[i]! << 16) | (png.rgba[i + 1]! << 8) | png.rgba[i + 2]!);
  }
  assert.ok(colours.size > 2, 'not a flat square');
});

test('outline.png is a 32×32 PNG, white on transparent', async () => {
  const png = readPng(await readFile(join(TEAMS_DIR, 'outline.png')));
  assert.equal(png.width, 32);
  assert.equal(png.height, 32);
  assert.ok(png.rgba, '8-bit RGBA');
  let transparent = 0;
  let opaque = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    const alpha = png.rgba[i + 3]!;
    if (alpha === 0) transparent++;
    else assert.deepEqual([...png.rgba.subarray(i, i + 3)], [255, 255, 255], 'visible pixels are white');
    if (alpha === 255) opaque++;
  }
  assert.ok(transparent > 32 * 32 * 0.3, 'mostly transparent background');
  assert.ok(opaque > 32, 'a visible white shape');
});

test('packageTeams builds a zip with exactly the three files and a valid manifest', async () => {
  const outDir = await mkdtemp(join(tmpdir(), 'certify-teams-'));
  try {
    const { zipPath } = await packageTeams({ appId: ZERO_GUID, botId: ZERO_GUID, outDir, dev: true });
    assert.deepEqual(await readdir(outDir), ['certify-teams.zip']);
    const zip = await JSZip.loadAsync(await readFile(zipPath));
    const names = Object.values(zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name)
      .sort();
    assert.deepEqual(names, ['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as TeamsManifest;
    assert.deepEqual(await validateTeamsManifest(manifest), []);
    for (const icon of ['color.png', 'outline.png']) {
      const packed = await zip.file(icon)!.async('nodebuffer');
      assert.ok(packed.equals(await readFile(join(TEAMS_DIR, icon))), icon);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});

test('real ids are substituted into the id and the botId', async () => {
  const botId = 'a8f0c9d2-3b4e-4f5a-9b6c-7d8e9f0a1b2c';
  const manifest = await buildManifest(REAL_GUID, botId);
  assert.equal(manifest.id, REAL_GUID);
  assert.equal(bot(manifest).botId, botId);
  assert.deepEqual(await validateTeamsManifest(manifest), []);
});

test('a bot id that is not a GUID, or the placeholder outside --dev, fails clearly', async () => {
  const outDir = join(tmpdir(), 'certify-teams-never-written');
  await assert.rejects(
    packageTeams({ appId: REAL_GUID, botId: 'my-bot', outDir }),
    /MicrosoftAppId .*must be a GUID.*"my-bot"/,
  );
  await assert.rejects(packageTeams({ appId: REAL_GUID, botId: ZERO_GUID, outDir }), /placeholder.*--dev/);
  await assert.rejects(
    packageTeams({ appId: '${{TEAMS_APP_ID}}', botId: REAL_GUID, outDir }),
    /TEAMS_APP_ID/,
  );
});

interface SlackManifest {
  display_information: { name: string; description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: { command: string; url: string; description: string; usage_hint?: string }[];
    app_home?: {
      home_tab_enabled: boolean;
      messages_tab_enabled: boolean;
      messages_tab_read_only_enabled: boolean;
    };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    event_subscriptions?: { request_url: string; bot_events: string[] };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
  };
}

test('the Slack manifest: /certify, interactivity and the bot scopes', async () => {
  const slack = parse(
    await readFile(join(ROOT, 'manifest', 'slack', 'manifest.yml'), 'utf8'),
  ) as SlackManifest;
  assert.equal(slack.display_information.name, 'Certify');
  assert.ok((slack.display_information.description ?? '').length <= 140);
  assert.equal(slack.features.bot_user.display_name, 'Certify');
  const [command, ...others] = slack.features.slash_commands;
  assert.equal(others.length, 0);
  assert.equal(command?.command, '/certify');
  assert.equal(command.url, 'https://certify.example.com/slack/events');
  assert.ok(command.description.length > 0);
  assert.ok(command.usage_hint);
  assert.equal(slack.settings.interactivity.is_enabled, true);
  assert.equal(slack.settings.interactivity.request_url, 'https://certify.example.com/slack/events');
  assert.equal(slack.settings.org_deploy_enabled, false);
  assert.equal(slack.settings.socket_mode_enabled, false);
  assert.deepEqual(
    [...slack.oauth_config.scopes.bot].sort(),
    ['app_mentions:read', 'chat:write', 'chat:write.public', 'commands', 'im:history'].sort(),
  );
});

test('the Slack manifest: mentions, DMs and the App Home at the same endpoint', async () => {
  const slack = parse(
    await readFile(join(ROOT, 'manifest', 'slack', 'manifest.yml'), 'utf8'),
  ) as SlackManifest;
  assert.deepEqual(slack.settings.event_subscriptions, {
    request_url: 'https://certify.example.com/slack/events',
    bot_events: ['app_home_opened', 'app_mention', 'message.im'],
  });
  assert.deepEqual(slack.features.app_home, {
    home_tab_enabled: true,
    messages_tab_enabled: true,
    messages_tab_read_only_enabled: false,
  });
});
