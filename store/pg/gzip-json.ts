/**
 * Large documents (scan results, inventories) as gzip JSON `bytea`: what a row keeps whole. One
 * JSON text (packJson), or JSON records (packJsonRecords) for a document too large for one string.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { constants, createGunzip, createGzip } from 'node:zlib';
import { jsonPieces } from '../../base/json-pieces.js';
import { utf8Bytes } from '../../base/utf8.js';
import { gunzipJson, gzipJsonRecordsBuffer, type CanonicalPart, type RecordLimits } from '../json-records.js';

/**
 * Level 1: a 100 k-asset tenant compresses ~10× at a fraction of level 6's time. The JSON text is
 * made and compressed in pieces (base/json-pieces.ts), as the embedded store writes
 * latest-scan.json: a million-asset result is ~130 MB of it, slow to make as one string.
 */
export async function packJson(value: unknown): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    Readable.from(
      (function* () {
        for (const piece of jsonPieces(value, { compact: true })) yield utf8Bytes(piece);
      })(),
    ),
    createGzip({ level: constants.Z_BEST_SPEED }),
    async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) parts.push(chunk);
    },
  );
  return Buffer.concat(parts);
}

/** Decoded as it is decompressed: a large document never exists as a whole buffer and a string at once. */
export async function unpackJson(body: Buffer): Promise<unknown> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  await pipeline(Readable.from([body]), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) parts.push(decoder.write(chunk));
  });
  parts.push(decoder.end());
  return JSON.parse(parts.join(''));
}

/**
 * `value` as gzip'd JSON records (store/json-records.ts), for a document that may be longer as
 * one JSON text than a string can be (a 1,000,000-asset tenant's inventory): made and compressed
 * a record at a time, never one string of the whole.
 */
export async function packJsonRecords(
  value: unknown,
  limits?: RecordLimits,
  canonical?: CanonicalPart,
): Promise<Buffer> {
  return gzipJsonRecordsBuffer(value, limits, canonical);
}

/** What packJsonRecords or packJson made, told apart by the records' marker. */
export async function unpackJsonAny(body: Buffer): Promise<unknown> {
  return gunzipJson(Readable.from([body]));
}
