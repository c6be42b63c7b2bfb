/**
 * The files of an evidence request that signing and downloading read: the staged bundle (from
 * its build until it is signed or rejected) and the signed zip. A port, because a replica that
 * signs or serves a bundle need not be the one that built it. Two adapters: this one, in the data
 * dir (`bundles/<id>.staging/`, `bundles/<id>.zip`), and PostgreSQL (store/pg/evidence-files.ts).
 *
 * Either is seen whole or not at all: a build killed while saving leaves nothing `loadStaged`
 * returns, and a save repeated by a retried build replaces what the first one left.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StagedBundle } from '../evidence/bundle.js';
import { writeFileAtomic } from './json-file.js';

export const BUNDLES_DIR = 'bundles';
const STAGED_META = 'staged.json';

/** A signed zip as kept: its size without reading it (HTTP HEAD), and its bytes when asked. */
export interface StoredZip {
  bytes: number;
  open(): Promise<Readable>;
}

export interface EvidenceFiles {
  /** Keeps the staged bundle of request `id`, replacing any earlier one. */
  saveStaged(id: string, staged: StagedBundle): Promise<void>;
  /** The staged bundle, or null when none was (completely) saved or it was removed. */
  loadStaged(id: string): Promise<StagedBundle | null>;
  removeStaged(id: string): Promise<void>;
  saveZip(id: string, zip: Buffer): Promise<void>;
  /** The signed zip, or null. */
  zip(id: string): Promise<StoredZip | null>;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Each data file as it is (no base64 copy of tens of megabytes), the rest as JSON, written last:
 * a staging dir without it is an unfinished one and is never read.
 */
async function saveStagedDir(dir: string, staged: StagedBundle): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const [path, data] of Object.entries(staged.files)) {
    const target = join(dir, 'files', path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data, { mode: 0o600, flush: true });
  }
  const { files, ...meta } = staged;
  await writeFile(join(dir, STAGED_META), JSON.stringify({ ...meta, paths: Object.keys(files) }), {
    mode: 0o600,
    flush: true,
  });
}

async function loadStagedDir(dir: string): Promise<StagedBundle | null> {
  let text: string;
  try {
    text = await readFile(join(dir, STAGED_META), 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
  const { paths, ...rest } = JSON.parse(text) as Omit<StagedBundle, 'files'> & { paths: string[] };
  const files: Record<string, Buffer> = {};
  for (const path of paths) files[path] = await readFile(join(dir, 'files', path));
  return { ...rest, files };
}

export function createEvidenceFiles(dataDir: string): EvidenceFiles {
  const dir = join(dataDir, BUNDLES_DIR);
  const stagedPath = (id: string) => join(dir, `${id}.staging`);
  const zipPath = (id: string) => join(dir, `${id}.zip`);
  return {
    saveStaged: (id, staged) => saveStagedDir(stagedPath(id), staged),
    loadStaged: (id) => loadStagedDir(stagedPath(id)),
    removeStaged: (id) => rm(stagedPath(id), { recursive: true, force: true }),
    async saveZip(id, zip) {
      await writeFileAtomic(zipPath(id), zip);
    },
    async zip(id) {
      const path = zipPath(id);
      try {
        const { size } = await stat(path);
        return { bytes: size, open: async () => createReadStream(path) };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
  };
}
