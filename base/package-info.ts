/** The product's own package.json, found from this file whether run from source or from dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  root: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'certify')
        return (cached = { name: pkg.name, version: pkg.version ?? '0.0.0', root: dir });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the certify package.json');
    dir = parent;
  }
}
