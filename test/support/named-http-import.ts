/** An outbound GET through a named ESM import of node:http (see telemetry-hook-child.ts). */
import { get } from 'node:http';

export function getOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}
