/** Report 1: the operator audit log over the period, chain hashes included so it can be re-verified. */
import type { Cell } from '../types.js';
import { col, count, iso, type ReportSpec } from './common.js';

/** Keys sorted so the same facts always serialise to the same text, whatever order they were added in. */
function compactJson(details: Record<string, string | number | boolean | null>): string {
  const sorted: Record<string, string | number | boolean | null> = {};
  for (const k of Object.keys(details).sort()) sorted[k] = details[k] ?? null;
  return JSON.stringify(sorted);
}

export const operatorAuditLog: ReportSpec = {
  id: 'operator-audit-log',
  title: 'Operator audit log',
  basis: 'period',
  describe: (ctx) =>
    `Every action operators took through Certify during ${ctx.period}, in log order, as recorded in ` +
    "Certify's hash-chained operator audit log. Each entry's hash covers its content and the previous " +
    'hash, so a gap or an edit breaks the chain.',
  columns: [
    col('seq', 'Position in the log: 1, 2, 3 … without gaps across the whole log (integer).'),
    col('at', 'When the entry was appended (ISO 8601 UTC).'),
    col('actor_id', 'Identifier of the operator or system component that acted, as its channel reports it.'),
    col('actor_name', 'Display name of the actor at the time of the action.'),
    col('channel', 'Where the action came from: teams, slack, playground, cli, scheduler or http.'),
    col('action', 'What was done, e.g. command, evidence.requested, evidence.signed, credential.rotated.'),
    col('subject', 'What the action was about (a bundle id, a rule id …); empty when nothing in particular.'),
    col('details', 'The flat facts recorded with the action, as compact JSON with sorted keys.'),
    col('prev_hash', 'SHA-256 (hex) of the previous entry; 64 zeros for the first entry of the log.'),
    col('hash', "SHA-256 (hex) of this entry's canonical JSON without the hash field."),
  ],
  build(input) {
    const rows: Cell[][] = [];
    for (const e of input.auditEntries) {
      rows.push([
        e.seq,
        iso(e.at),
        e.actor.id,
        e.actor.name,
        e.actor.channel,
        e.action,
        e.subject,
        compactJson(e.details),
        e.prev,
        e.hash,
      ]);
    }
    const notes: string[] = [];
    if (rows.length === 0) notes.push('No operator action was logged during the period.');
    else {
      const first = input.auditEntries[0]!;
      const last = input.auditEntries[input.auditEntries.length - 1]!;
      notes.push(
        `${count(rows.length, 'entry', 'entries')}, sequence ${first.seq} to ${last.seq}. ` +
          `The entry before the period is identified by the first row's prev_hash.`,
      );
    }
    return { rows, notes };
  },
};
