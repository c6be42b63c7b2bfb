/**
 * What the two approval cards (evidence bundles, credential rotations) share: the card's frame,
 * its buttons, the states that work alike (asking for a reason, rejected) and the note a refused
 * click leaves on the card. Each workflow keeps its own wording and its other states.
 */
import type { ActionView, EvidenceView, InputView } from '../../cards/views.js';
import { isCertifyError } from '../../base/errors.js';
import { formatWhen } from '../../cards/text.js';
import type { EvidenceVerb, RotationVerb } from './verbs.js';

type ApprovalVerb = EvidenceVerb | RotationVerb;

/** What every state of one request's card shows. */
export interface CardFrame {
  title: string;
  /** The request's id. */
  id: string;
  facts: EvidenceView['facts'];
  note: string | null;
}

/** One state: its tone, status and line, plus whatever else it shows over the frame. */
export type CardState = Pick<EvidenceView, 'tone' | 'status' | 'text'> &
  Partial<Omit<EvidenceView, 'kind' | 'tone' | 'status' | 'text'>>;

/** The card of a request in one state: no statement, inputs, link or buttons unless the state has them. */
export function approvalCard(frame: CardFrame, state: CardState): EvidenceView {
  return {
    kind: 'evidence',
    title: frame.title,
    bundleId: frame.id,
    facts: frame.facts,
    statement: null,
    inputs: [],
    link: null,
    note: frame.note,
    actions: [],
    ...state,
  };
}

/** A button of an approval card; its data names the request. Cancel works with required inputs still empty. */
export function approvalButton(
  verb: ApprovalVerb,
  title: string,
  id: string,
  style?: ActionView['style'],
): ActionView {
  return {
    verb,
    title,
    data: { id },
    ...(style ? { style } : {}),
    ...(verb.endsWith('.cancel') ? { ignoresInputs: true } : {}),
  };
}

/** A required text input of an approval card: one line of at most 120 characters, or 1000 lines' worth. */
export function approvalInput(
  id: string,
  label: string,
  value: string,
  placeholder: string,
  multiline = false,
): InputView {
  return { id, label, placeholder, value, required: true, maxLength: multiline ? 1000 : 120, multiline };
}

/**
 * Asking an approver why they reject `what` (`the bundle`, `the rotation`): a reason, then
 * Reject or Cancel.
 */
export function rejectingState(
  what: string,
  verbs: { confirm: ApprovalVerb; cancel: ApprovalVerb },
  id: string,
  placeholder: string,
): CardState {
  return {
    tone: 'warning',
    status: 'rejecting',
    text: `Say why ${what} is rejected; the reason is kept in the audit log.`,
    inputs: [approvalInput('reason', 'Reason', '', placeholder, true)],
    actions: [
      approvalButton(verbs.confirm, `Reject ${what}`, id, 'destructive'),
      approvalButton(verbs.cancel, 'Cancel', id),
    ],
  };
}

/** A rejected request: who rejected it, when and why. */
export function rejectedState(
  rejection: { by: { name: string }; at: string; reason: string } | null,
): CardState {
  return {
    tone: 'attention',
    status: 'rejected',
    text: `Rejected by ${rejection?.by.name ?? '?'} at ${formatWhen(rejection?.at ?? '')}: ${rejection?.reason ?? ''}`,
  };
}

/**
 * A refused click on the card of `request`: the card stays (it is shared by the channel) with a
 * note saying why. Anything but a CertifyError, and a click on a request that does not exist,
 * is thrown on.
 */
export function refusedClick<R>(
  error: unknown,
  request: R | null,
): { request: R; code: string; note: string } {
  if (!isCertifyError(error) || !request || error.code === 'NOT_FOUND') throw error;
  const message = error.message;
  return { request, code: error.code, note: `${message.charAt(0).toUpperCase()}${message.slice(1)}.` };
}
