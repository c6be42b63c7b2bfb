/**
 * What the Dockerfile's run stage does, without Docker: pack the package (the dist/ that `npm ci`
 * built, as the other tests that run dist/ use it: packing without `--ignore-scripts` would rebuild
 * dist/ under the tests running in parallel), unpack it into a scratch directory beside the
 * lockfile, install production dependencies only (`npm ci --omit=dev`, lifecycle scripts on, so
 * `prepare` must keep the packed dist/ without TypeScript; the Dockerfile adds `--ignore-scripts`),
 * start the service from there and check /healthz, /readyz and the playground page, then stop it with
 * SIGTERM. Needs the npm registry (or the npm cache); about 25 s, most of it the install.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { captureChildOutput } from '../support/child-log.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_TIMEOUT_MS = 600_000;

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  files?: string[];
}

let scratch = '';
let app = '';
let packed: string[] = [];
let service: ChildProcess | undefined;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // Not the test's NODE_ENV=test: npm treats NODE_ENV=production as --omit=dev by itself. And
    // the CAs the machine had before the tests put the fake cloud's CA there: npm talks to the
    // real registry (through whatever proxy the machine needs).
    env: {
      ...process.env,
      NODE_ENV: '',
      NODE_EXTRA_CA_CERTS: process.env.CERTIFY_OUTER_NODE_EXTRA_CA_CERTS ?? '',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(() => {
  assert.ok(existsSync(join(ROOT, 'dist/bot/main.js')), 'dist/ is built (npm ci, or npm run build)');
  scratch = mkdtempSync(join(tmpdir(), 'certify-production-'));
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch];
  const report = JSON.parse(npm(args, ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  const tarball = join(scratch, report[0]!.filename);
  packed = report[0]!.files.map((f) => f.path);
  app = join(scratch, 'app');
  mkdirSync(app);
  execFileSync('tar', ['-xzf', tarball, '-C', app, '--strip-components=1']);
  copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
  npm(['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], app);
  assert.ok(!existsSync(join(app, 'node_modules', 'typescript')), 'no devDependency was installed');
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (service && service.exitCode === null) service.kill('SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every .js file under dir. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('production install (the container run stage)', () => {
  it('packs dist/, bin/, manifest/ and the playground, and nothing of the sources or tests', () => {
    for (const needed of ['dist/bot/main.js', 'dist/cli/main.js', 'bin/certify.js', 'package.json']) {
      assert.ok(packed.includes(needed), `${needed} is packed`);
    }
    for (const asset of ['index.html', 'app.js', 'style.css']) {
      assert.ok(packed.includes(`bot/playground/${asset}`), `bot/playground/${asset} is packed`);
    }
    assert.ok(
      packed.some((p) => p.startsWith('manifest/')),
      'manifest/ is packed',
    );
    const stray = packed.filter(
      (p) =>
        p.endsWith('.ts') ||
        p.startsWith('dist/test/') ||
        p.startsWith('test/') ||
        p.startsWith('node_modules/') ||
        p.startsWith('.certify/'),
    );
    assert.deepEqual(stray, []);
  });

  it('imports at run time only production dependencies and Node built-ins', () => {
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as PackageJson;
    const production = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const missing = new Map<string, string>();
    // Static imports and re-exports, side-effect imports, dynamic imports, require/resolve calls.
    const specifiers =
      /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\b(?:require|require\.resolve|\)\.resolve)\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
    for (const file of jsFiles(join(app, 'dist'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(specifiers)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
        if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
        const name = packageName(spec);
        if (builtins.has(name)) continue;
        if (!production.has(name) || !existsSync(join(app, 'node_modules', name, 'package.json'))) {
          missing.set(name, file.slice(app.length + 1));
        }
      }
    }
    assert.deepEqual(
      Object.fromEntries(missing),
      {},
      'packages dist/ imports that a production install lacks',
    );
    // The playground serves the Adaptive Cards renderer from node_modules at run time.
    assert.ok(existsSync(join(app, 'node_modules/adaptivecards/dist/adaptivecards.min.js')));
    assert.ok(!existsSync(join(app, 'node_modules/typescript')), 'no dev dependencies installed');
  });

  it('starts from the production install, answers /healthz, /readyz and the playground, stops on SIGTERM', async () => {
    const dataDir = join(scratch, 'data');
    const child = captureChildOutput(
      spawn(process.execPath, ['dist/bot/main.js'], {
        cwd: app,
        // Only what a container sets: no Azure, Teams or Slack settings leak in from the host.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: scratch,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: '0',
          CERTIFY_DATA_DIR: dataDir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'bot-production',
    );
    service = child;
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line within 60 s:\n${output}`)), 60_000);
      const look = () => {
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', look);
      void exited.then((code) => reject(new Error(`the service exited (${code}):\n${output}`)));
    });
    assert.ok(port > 0);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { ok: boolean; playground: boolean };
    assert.equal(body.ok, true);
    assert.equal(body.playground, true);

    // Ready: the embedded store opened and migrated, the signing key signs, no scan is overdue yet.
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const readyBody = (await ready.json()) as { ready: boolean; problems: string[] };
    assert.equal(ready.status, 200, JSON.stringify(readyBody));
    assert.deepEqual(readyBody, { ...readyBody, ready: true, problems: [] });

    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(page.status, 200, output);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const renderer = await fetch(`http://127.0.0.1:${port}/playground/adaptivecards.js`);
    assert.equal(renderer.status, 200, output);
    await renderer.arrayBuffer();

    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000)),
    ]);
    // A clean stop: 0, or 128 + 15 when the service reports the signal in its exit status.
    assert.ok(code === 0 || code === 143, `exit ${String(code)} after SIGTERM:\n${output}`);
    assert.ok(existsSync(dataDir), 'the data dir was created');
  });
});
