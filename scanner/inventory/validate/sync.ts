/** The sync sections: `syncRecords` (with their runs) and the `syncWorker` object. */
import type { SyncRecord, SyncRun, SyncWorker } from '../types.js';
import {
  NULLABLE,
  REQUIRED,
  bool,
  id,
  isRecord,
  oneOf,
  str,
  strOrNull,
  time,
  timeOrNull,
  type Obj,
} from './fields.js';
import { array, byId, eachElement, type Section } from './lists.js';
import { at, got, type Problems } from './problems.js';
import { OUTCOMES } from './rotation.js';

const RUNS: Section<SyncRun> = {
  build: (p, o, sec, i) => ({
    at: time(p, o.at, sec, i, 'at'),
    status: oneOf(p, o.status, sec, i, 'status', OUTCOMES, REQUIRED)!,
    sourceHash: strOrNull(p, o.sourceHash, sec, i, 'sourceHash', NULLABLE),
    targetHash: strOrNull(p, o.targetHash, sec, i, 'targetHash', NULLABLE),
  }),
};

function syncRecord(p: Problems, o: Obj, sec: string, i: number, consume: boolean): SyncRecord {
  const runs = array(p, o.runs, sec, i, 'runs');
  return {
    id: id(p, o.id, sec, i, 'id'),
    secretId: str(p, o.secretId, sec, i, 'secretId'),
    target: str(p, o.target, sec, i, 'target'),
    active: bool(p, o.active, sec, i, 'active'),
    runs: eachElement(p, runs, at(sec, i, 'runs'), RUNS, consume),
  };
}

export const SYNC_RECORDS: Section<SyncRecord> = { build: syncRecord, key: byId };

/** The sync worker: an object, null when no worker is known, or left out (undefined) when not collected. */
export function syncWorker(p: Problems, v: unknown): SyncWorker | null | undefined {
  if (v === undefined || v === null) return v;
  if (!isRecord(v)) {
    const rule = 'must be an object, null when no worker is known, or left out when not collected';
    p.add('syncWorker', `${rule} (got ${got(v)})`);
    return undefined;
  }
  return {
    running: bool(p, v.running, 'syncWorker', -1, 'running'),
    lastHeartbeat: timeOrNull(p, v.lastHeartbeat, 'syncWorker', -1, 'lastHeartbeat', NULLABLE),
  };
}
