/**
 * Whether a download link may be redeemed now, and the words a refused client is given. Pure, so
 * a redemption (which then spends the link) and a check (HEAD, which never does) cannot disagree.
 */
import type { DownloadLink, EvidenceRequest } from '../store/evidence-requests.js';
import type { DeepReadonly } from '../store/json-file.js';
import type { RefusalCode } from './approval-gate.js';

export type LinkState = 'ok' | 'used' | 'revoked' | 'expired' | 'unsigned';

export function linkState(
  request: DeepReadonly<Pick<EvidenceRequest, 'status'>>,
  link: DeepReadonly<DownloadLink>,
  now: number,
): LinkState {
  if (link.usedAt) return 'used';
  // Before expiry: "replaced" tells the holder where the bundle went; "expired" would not.
  if (link.revokedAt) return 'revoked';
  if (Date.parse(link.expiresAt) <= now) return 'expired';
  if (request.status !== 'signed') return 'unsigned';
  return 'ok';
}

export const NOT_VALID = 'this download link is not valid';

/** The refusal for a link that is not `ok`. */
export function linkRefusal(
  state: Exclude<LinkState, 'ok'>,
  link: DeepReadonly<DownloadLink>,
  requestId: string,
): { code: RefusalCode; message: string } {
  switch (state) {
    case 'used':
      return {
        code: 'CONFLICT',
        message: 'this download link has already been used: ask for a new one in chat',
      };
    case 'revoked':
      return {
        code: 'CONFLICT',
        message: `this download link was replaced by a newer link at ${link.revokedAt}: use the newest link, or ask for a new one in chat`,
      };
    case 'expired':
      return { code: 'EXPIRED', message: 'this download link has expired: ask for a new one in chat' };
    case 'unsigned':
      return { code: 'CONFLICT', message: `${requestId} is not signed` };
  }
}
