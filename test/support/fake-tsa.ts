/**
 * A plain-HTTP RFC 3161 server on 127.0.0.1 backed by a LocalTsa, so the remote client can be
 * exercised end to end, including the ways a real TSA goes wrong.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as pkijs from 'pkijs';
import type { LocalTsa } from '../../evidence/timestamp/index.js';
import { int, namedBits, seq, utf8 } from '../../evidence/timestamp/der.js';

export interface FakeTsaOptions {
  status?: 'granted' | 'rejection';
  /** Wait this long before answering (to trip the client's timeout). */
  delayMs?: number;
  /** Stamp a different hash than the one requested. */
  wrongImprint?: boolean;
  /** Answer the first this many requests with HTTP `failStatus` (default 503), as a TSA that is briefly down. */
  failFirst?: number;
  failStatus?: number;
}

export interface FakeTsa {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** The request with the last byte of its imprint flipped: a valid request for another hash. */
function tamperImprint(request: Buffer): Buffer {
  const req = pkijs.TimeStampReq.fromBER(request);
  const hash = Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView);
  const at = request.indexOf(hash) + hash.length - 1;
  const copy = Buffer.from(request);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

export async function startFakeTsa(localTsa: LocalTsa, opts: FakeTsaOptions = {}): Promise<FakeTsa> {
  let requests = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(415).end();
        return;
      }
      if (requests <= (opts.failFirst ?? 0)) {
        res.writeHead(opts.failStatus ?? 503).end('down for a moment');
        return;
      }
      const answer = async (): Promise<Buffer> => {
        const body = Buffer.concat(chunks);
        if (opts.status === 'rejection') {
          return seq(seq(int(2), seq(utf8('policy says no')), namedBits(15)));
        }
        return localTsa.respond(opts.wrongImprint ? tamperImprint(body) : body, Date.now());
      };
      const send = (): void => {
        answer().then(
          (der) => {
            if (res.destroyed) return;
            res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der);
          },
          (e: Error) => res.writeHead(500).end(e.message),
        );
      };
      if (!opts.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, opts.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
