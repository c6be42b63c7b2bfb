/**
 * A fake Bot Framework connector (the `serviceUrl` Teams puts in every activity): answers the
 * calls a bot makes to reply, post proactively and update a card, and records them all.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** POST …/activities/{replyToId}: the activity replied to; PUT: the activity updated. */
  activityId: string | null;
  activity: Record<string, unknown>;
  authorization: string | null;
}

export interface FakeConnector {
  /** `http://127.0.0.1:PORT/`, with the trailing slash Bot Framework uses. */
  serviceUrl: string;
  activities: RecordedActivity[];
  /** Requests the fake did not recognise (method and path), for assertions. */
  unexpected: string[];
  close(): Promise<void>;
}

const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export async function startFakeConnector(): Promise<FakeConnector> {
  const activities: RecordedActivity[] = [];
  const unexpected: string[] = [];
  let next = 1;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const match = ACTIVITIES.exec(path);
      const method = req.method;
      const ok = match !== null && (method === 'POST' || (method === 'PUT' && match[2] !== undefined));
      if (!ok || match === null) {
        unexpected.push(`${method ?? '?'} ${path}`);
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound"}}');
        return;
      }
      let activity: Record<string, unknown>;
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"code":"BadArgument"}}');
        return;
      }
      const auth = req.headers.authorization;
      activities.push({
        method: method as 'POST' | 'PUT',
        conversationId: decodeURIComponent(match[1] ?? ''),
        activityId: match[2] === undefined ? null : decodeURIComponent(match[2]),
        activity,
        authorization: auth ?? null,
      });
      const id = method === 'PUT' ? decodeURIComponent(match[2] ?? '') : `fake-${next++}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    activities,
    unexpected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
