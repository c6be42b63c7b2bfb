/**
 * The files of evidence requests in PostgreSQL (the EvidenceFiles of store/evidence-files.ts),
 * shared by every replica: tables evidence_staged, evidence_staged_files and evidence_zips
 * (migration 2). A staged bundle is saved in one transaction and read in one snapshot, so neither
 * a build killed mid-save nor a retry replacing it mid-read is ever seen in part.
 */
import type pg from 'pg';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { constants, gunzip, gzip } from 'node:zlib';
import type { StagedBundle } from '../../evidence/bundle.js';
import type { EvidenceFiles } from '../evidence-files.js';
import { packJson, unpackJson } from './gzip-json.js';
import { inTransaction, rows } from './sql.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

type Encoding = 'gzip' | 'identity';

/** gzip, unless that does not make it smaller (a file compressed already, or a tiny one). */
async function encode(data: Buffer): Promise<{ encoding: Encoding; data: Buffer }> {
  const packed = await gzipAsync(data, { level: constants.Z_BEST_SPEED });
  return packed.length < data.length ? { encoding: 'gzip', data: packed } : { encoding: 'identity', data };
}

const decode = (encoding: Encoding, data: Buffer): Promise<Buffer> =>
  encoding === 'gzip' ? gunzipAsync(data) : Promise.resolve(data);

type StagedMeta = Omit<StagedBundle, 'files'> & { paths: string[] };

export function createPgEvidenceFiles(pool: pg.Pool): EvidenceFiles {
  return {
    async saveStaged(id, staged) {
      const { files, ...rest } = staged;
      const meta = await packJson({ ...rest, paths: Object.keys(files) } satisfies StagedMeta);
      const encoded = await Promise.all(
        Object.entries(files).map(async ([path, data]) => ({ path, ...(await encode(data)) })),
      );
      await inTransaction(pool, `save the staged bundle of ${id}`, async (client) => {
        // The files of an earlier attempt go with it (ON DELETE CASCADE).
        await rows(
          client,
          `replace the staged bundle of ${id}`,
          'DELETE FROM evidence_staged WHERE request_id = $1',
          [id],
        );
        await rows(
          client,
          `save the staged bundle of ${id}`,
          'INSERT INTO evidence_staged (request_id, meta) VALUES ($1, $2)',
          [id, meta],
        );
        // One statement per file: a file of tens of megabytes is sent as it is, not as an array literal.
        for (const file of encoded) {
          await rows(
            client,
            `save ${file.path} of ${id}`,
            'INSERT INTO evidence_staged_files (request_id, path, encoding, data) VALUES ($1, $2, $3, $4)',
            [id, file.path, file.encoding, file.data],
          );
        }
      });
    },

    async loadStaged(id) {
      const read = await inTransaction(pool, `read the staged bundle of ${id}`, async (client) => {
        await rows(
          client,
          `read the staged bundle of ${id}`,
          'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY',
        );
        const meta = await rows<{ meta: Buffer }>(
          client,
          `read the staged bundle of ${id}`,
          'SELECT meta FROM evidence_staged WHERE request_id = $1',
          [id],
        );
        if (meta.length === 0) return null;
        const files = await rows<{ path: string; encoding: Encoding; data: Buffer }>(
          client,
          `read the staged files of ${id}`,
          'SELECT path, encoding, data FROM evidence_staged_files WHERE request_id = $1',
          [id],
        );
        return { meta: meta[0]!.meta, files };
      });
      if (read === null) return null;
      const { paths, ...rest } = (await unpackJson(read.meta)) as StagedMeta;
      const byPath = new Map(read.files.map((f) => [f.path, f]));
      const files: Record<string, Buffer> = {};
      for (const path of paths) {
        const file = byPath.get(path);
        if (!file) throw new Error(`the staged bundle of ${id} lists ${path}, which is not stored`);
        files[path] = await decode(file.encoding, file.data);
      }
      return { ...rest, files };
    },

    async removeStaged(id) {
      await rows(
        pool,
        `remove the staged bundle of ${id}`,
        'DELETE FROM evidence_staged WHERE request_id = $1',
        [id],
      );
    },

    async saveZip(id, zip) {
      await rows(
        pool,
        `save the bundle of ${id}`,
        `INSERT INTO evidence_zips (request_id, zip) VALUES ($1, $2)
         ON CONFLICT (request_id) DO UPDATE SET zip = EXCLUDED.zip, saved_at = now()`,
        [id, zip],
      );
    },

    async zip(id) {
      const found = await rows<{ bytes: number }>(
        pool,
        `find the bundle of ${id}`,
        'SELECT octet_length(zip) AS bytes FROM evidence_zips WHERE request_id = $1',
        [id],
      );
      if (found.length === 0) return null;
      return {
        bytes: Number(found[0]!.bytes),
        async open() {
          const zip = await rows<{ zip: Buffer }>(
            pool,
            `read the bundle of ${id}`,
            'SELECT zip FROM evidence_zips WHERE request_id = $1',
            [id],
          );
          if (zip.length === 0) throw new Error(`the bundle of ${id} is no longer stored`);
          return Readable.from([zip[0]!.zip]);
        },
      };
    },
  };
}
