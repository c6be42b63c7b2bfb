/**
 * Who runs the CLI, as the audit log records it: a module of its own, since every saving command
 * needs it and the evidence commands' modules are loaded only when one runs.
 */
import { hostname, userInfo } from 'node:os';
import type { Actor } from '../evidence/types.js';

export function cliActor(env: Readonly<Record<string, string | undefined>>): Actor {
  let user = env.USER || env.USERNAME || '';
  try {
    user ||= userInfo().username;
  } catch {
    // no passwd entry (some containers): the host name still says where it ran
  }
  return { id: `${user || 'unknown'}@${hostname()}`, name: user || 'unknown', channel: 'cli' };
}
