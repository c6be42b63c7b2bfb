/**
 * File I/O the audit log's writer and verifier share: reading a file that may not exist yet,
 * writing a whole buffer, and finding the last complete line without reading the whole file.
 */
import { readFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { auditError } from '../evidence/audit/format.js';

const TAIL_CHUNK = 64 * 1024;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** The file's text, or null when it does not exist; any other failure is an AUDIT_LOG error. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw auditError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

export async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const data = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    offset += bytesWritten;
  }
}

/**
 * Reads backwards from the end only as far as the last complete line, so an append costs the
 * same on a log of ten entries or ten million. `end` is the length of the newline-terminated
 * prefix: anything after it is a torn line.
 */
export async function scanTail(
  handle: FileHandle,
  size: number,
): Promise<{ end: number; line: string | null }> {
  let start = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl >= 0) {
      // lastIndexOf with a negative offset counts from the end, hence the explicit guard.
      const prevNl = lastNl === 0 ? -1 : buf.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl >= 0 || start === 0) {
        return { end: start + lastNl + 1, line: buf.subarray(prevNl + 1, lastNl).toString('utf8') };
      }
    } else if (start === 0) {
      return { end: 0, line: null };
    }
    const n = Math.min(TAIL_CHUNK, start);
    start -= n;
    const chunk = Buffer.alloc(n);
    let read = 0;
    while (read < n) {
      const { bytesRead } = await handle.read(chunk, read, n - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    buf = Buffer.concat([chunk.subarray(0, read), buf]);
  }
}
