/** Wording and short forms shared by every place that shows results (CLI, cards). */
import { parseVaultAssetUrl } from './asset-url.js';

export const DISCLAIMER =
  'A technical evidence score, not a compliance verdict: your auditor makes that determination.';

/** `https://kv-prod.vault.azure.net/secrets/a` → `kv-prod/secrets/a`; ARM ids → their last segment. */
export function shortId(id: string): string {
  const arrow = id.indexOf(' -> ');
  if (arrow > 0) return `${shortId(id.slice(0, arrow))} → ${shortId(id.slice(arrow + 4))}`;
  const kv = parseVaultAssetUrl(id);
  // Kind and name as written, up to the next `/`.
  if (kv) return `${kv.vault}/${id.slice(kv.start).split('/', 2).join('/')}`;
  const arm = /\/providers\/[^/]+\/[^/]+\/([^/]+)(\/settings\/.+)?$/i.exec(id);
  if (arm) return `${arm[1]}${arm[2] ?? ''}`;
  return id;
}

export function formatScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(1);
}
