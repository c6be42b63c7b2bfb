/** Reading what an auditor points the CLI at: a URL or a file, and a JWKS key set from either. */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseJwks, type Jwks } from '../base/jws.js';
import { CertifyError } from '../base/errors.js';

export async function fetchText(url: string, accept = 'application/json'): Promise<string> {
  const res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(15_000) }).catch(
    (e: unknown) => {
      throw new CertifyError('BAD_INPUT', `cannot fetch ${url}: ${(e as Error).message}`);
    },
  );
  if (!res.ok) throw new CertifyError('BAD_INPUT', `cannot fetch ${url}: HTTP ${res.status}`);
  return res.text();
}

/** A key set from an http(s) URL or a file (relative to `cwd`); BAD_INPUT naming what is wrong. */
export async function readKeySet(cwd: string, where: string): Promise<Jwks> {
  const text = /^https?:\/\//i.test(where)
    ? await fetchText(where)
    : await readFile(isAbsolute(where) ? where : resolve(cwd, where), 'utf8').catch(
        (e: NodeJS.ErrnoException) => {
          throw new CertifyError('BAD_INPUT', `cannot read the key set ${where}: ${e.code ?? e.message}`);
        },
      );
  try {
    return parseJwks(text);
  } catch (e) {
    throw new CertifyError('BAD_INPUT', `${where}: ${(e as Error).message}`);
  }
}
