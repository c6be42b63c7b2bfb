/**
 * The house runs one way: the lint refuses a back-import planted in any folder, the top-level
 * folders and the files form no import cycle, and the README shows the layer table the lint uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../eslint/layers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FOLDERS = LAYERS.flat();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports of every source file, resolved to the files they name. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const spec = /(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  for (const folder of FOLDERS) {
    for (const file of sources(join(ROOT, folder))) {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(spec)].map((m) =>
        relative(ROOT, resolve(dirname(file), (m[1] ?? m[2])!)).replace(/\.js$/, '.ts'),
      );
      graph.set(relative(ROOT, file), targets);
    }
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

describe('layers', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const lint = async (folder: string, target: string) => {
    const code = `import * as planted from '../${target}/planted.js';\nexport const x = planted;\n`;
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, folder, 'planted.ts') });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/one-way');
  };

  it('the lint refuses an import of a folder above or beside, in every folder, and allows one below', async () => {
    for (const [layer, row] of LAYERS.entries()) {
      for (const folder of row) {
        const above = LAYERS.slice(layer)
          .flat()
          .filter((f) => f !== folder);
        for (const target of above)
          expect(await lint(folder, target), `${folder} → ${target}`).toHaveLength(1);
        const below = LAYERS.slice(0, layer).flat();
        for (const target of below)
          expect(await lint(folder, target), `${folder} → ${target}`).toHaveLength(0);
      }
    }
  });

  it('no file is in an import cycle, and no folder reaches a folder above it', () => {
    const graph = importGraph();
    expect(cycles(graph)).toEqual([]);
    const layerOf = new Map(LAYERS.flatMap((row, i) => row.map((f) => [f, i] as const)));
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = file.split('/')[0]!;
      for (const target of targets) {
        const to = target.split('/')[0]!;
        if (to !== from && layerOf.has(to) && layerOf.get(to)! >= layerOf.get(from)!)
          upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the README shows the layer table the lint enforces', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Layers'));
    const rows = [...section.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((m) => ({
      layer: Number(m[1]),
      folders: m[2]!.split(',').map((f) => f.trim().replace(/[`/]/g, '')),
    }));
    expect(rows.map((r) => r.folders)).toEqual(LAYERS);
    expect(rows.map((r) => r.layer)).toEqual(LAYERS.map((_, i) => i));
  });
});
