/**
 * `/certify evidence <framework> [period]` and the buttons of its approval card: Sign assertion
 * (statement, name, role, Confirm), Reject (reason, Confirm), New download link. Permission is
 * decided by the evidence service on the server, never by which buttons a card shows; a refused
 * click leaves the card usable and says why.
 */
import type { EvidenceView, MessageView, View } from '../../cards/views.js';
import { DEFAULT_PERIOD, parsePeriod, PERIOD_FORMS } from '../../evidence/period.js';
import type { EvidenceService, IssuedLink } from '../../services/evidence.js';
import { CertifyError } from '../../base/errors.js';
import { FRAMEWORKS, findFramework } from '../../scanner/frameworks/index.js';
import type { EvidenceRequest } from '../../store/evidence-requests.js';
import type { DeepReadonly } from '../../store/json-file.js';
import {
  approvalButton,
  approvalCard,
  approvalInput,
  refusedClick,
  rejectedState,
  rejectingState,
} from './approval-card.js';
import { actorOf, type CommandContext } from './context.js';
import type { EvidenceVerb } from './verbs.js';

export { actorOf } from './context.js';
import { formatWhen } from '../../cards/text.js';

/** A build taking longer than this answers "building…", and its job posts the card when done. */
export const PROGRESS_AFTER_MS = 1500;

export { EVIDENCE_VERBS, type EvidenceVerb } from './verbs.js';

type Request = DeepReadonly<EvidenceRequest>;

const USAGE = '/certify evidence <framework> [period]';

function service(ctx: CommandContext): EvidenceService {
  if (!ctx.evidence) {
    throw new CertifyError('SOURCE_UNAVAILABLE', 'evidence bundles are not available in this deployment');
  }
  return ctx.evidence;
}

const day = (iso: string) => iso.slice(0, 10);

function frameworkName(id: string): string {
  return FRAMEWORKS.find((f) => f.id === id)?.shortName ?? id;
}

function titleOf(r: Request): string {
  return `Evidence bundle · ${frameworkName(r.framework)} · ${day(r.period.from)} → ${day(r.period.to)}`;
}

function factsOf(r: Request): EvidenceView['facts'] {
  const facts: EvidenceView['facts'] = [
    { label: 'Bundle', value: r.id },
    {
      label: 'Requested by',
      value: `${r.requestedBy.name || r.requestedBy.id} at ${formatWhen(r.createdAt)}`,
    },
    {
      label: 'Period',
      value: `${r.period.label}: ${formatWhen(r.period.from)} → ${formatWhen(r.period.to)}`,
    },
  ];
  if (r.scan) {
    facts.push({
      label: 'Scan',
      value: `${r.scan.id} at ${formatWhen(r.scan.at)}${r.scan.afterPeriod ? ' (after the period: no earlier scan was saved)' : ''}`,
    });
  }
  if (r.rows) facts.push({ label: 'Report rows', value: r.rows.toLocaleString('en-US') });
  if (r.dataManifestSha256) facts.push({ label: 'Data SHA-256', value: r.dataManifestSha256 });
  if (r.timestamp)
    facts.push({
      label: 'RFC 3161 time',
      value: `${formatWhen(r.timestamp.time)} · ${r.timestamp.authority}`,
    });
  return facts;
}

function tsaNote(r: Request): string | null {
  return r.timestamp && !r.timestamp.trustedThirdParty
    ? "Timestamps come from Certify's embedded local time-stamping authority, not from a trusted third party (set CERTIFY_TSA_URL for one)."
    : null;
}

/** The card for a request in its current state; `mode` shows the signing or rejecting step. */
export function evidenceView(
  r: Request,
  opts: {
    mode?: 'signing' | 'rejecting';
    link?: IssuedLink | null;
    note?: string | null;
    signerName?: string;
  } = {},
): EvidenceView {
  const frame = { title: titleOf(r), id: r.id, facts: factsOf(r), note: opts.note ?? tsaNote(r) };
  switch (r.status) {
    case 'building':
      return approvalCard(frame, { tone: 'neutral', status: 'pending', text: 'Building the bundle…' });
    case 'failed':
      return approvalCard(frame, {
        tone: 'attention',
        status: 'failed',
        text: `The bundle could not be built: ${r.error ?? 'unknown error'}`,
      });
    case 'rejected':
      return approvalCard(frame, rejectedState(r.rejection));
    case 'signed': {
      const s = r.signature!;
      const link = opts.link
        ? { url: opts.link.url, title: 'Download bundle (.zip)', expiresAt: opts.link.expiresAt }
        : null;
      return approvalCard(frame, {
        tone: 'good',
        status: 'signed',
        text: `Signed by ${s.by.name} (${s.role}) at ${formatWhen(s.at)}.${link ? ` The link works once and expires ${formatWhen(link.expiresAt)}; a new link replaces it.` : ' Ask for a new link to download it.'}`,
        facts: [...frame.facts, { label: 'Manifest SHA-256', value: s.manifestSha256 }],
        statement: r.statement,
        link,
        actions: [approvalButton('evidence.link', link ? 'New download link' : 'Get download link', r.id)],
      });
    }
    case 'pending':
      if (opts.mode === 'signing') {
        return approvalCard(frame, {
          tone: 'warning',
          status: 'signing',
          text: 'Read the management assertion, then sign with your name and role.',
          statement: r.statement,
          inputs: [
            approvalInput('name', 'Your name', opts.signerName ?? '', 'e.g. Dana Li'),
            approvalInput('role', 'Your role', '', 'e.g. Chief Information Security Officer'),
          ],
          actions: [
            approvalButton('evidence.confirm', 'Sign the assertion', r.id, 'positive'),
            approvalButton('evidence.cancel', 'Cancel', r.id),
          ],
        });
      }
      if (opts.mode === 'rejecting') {
        return approvalCard(
          frame,
          rejectingState(
            'the bundle',
            { confirm: 'evidence.reject-confirm', cancel: 'evidence.cancel' },
            r.id,
            'e.g. scope is missing the payments subscription',
          ),
        );
      }
      return approvalCard(frame, {
        tone: 'warning',
        status: 'pending',
        text: 'Waiting for an approver to sign the management assertion. The requester cannot approve their own request.',
        actions: [
          approvalButton('evidence.sign', 'Sign assertion', r.id, 'positive'),
          approvalButton('evidence.reject', 'Reject', r.id, 'destructive'),
        ],
      });
  }
}

function usageView(text: string): MessageView {
  return {
    kind: 'message',
    tone: 'warning',
    title: 'Which framework?',
    text,
    hint: `${USAGE} — frameworks: ${FRAMEWORKS.map((f) => f.id).join(', ')}; periods: ${PERIOD_FORMS.join(', ')} (default ${DEFAULT_PERIOD}).`,
    actions: [],
  };
}

/** `/certify evidence soc2 last-quarter`: queues the build, then shows its card (or has it posted). */
export async function evidenceCommand(args: string, ctx: CommandContext): Promise<View> {
  const [first, ...rest] = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (!first) return usageView('Name the framework the bundle is for, and optionally the audit period.');
  const framework = findFramework(first);
  const period = parsePeriod(rest.join(' ') || undefined, ctx.now);
  const evidence = service(ctx);
  const requested = await evidence.request({
    framework,
    period,
    requester: actorOf(ctx),
    channel: ctx.channel,
    now: ctx.now,
  });
  // The build runs as a job, here or on another replica: a quick one is answered with its card;
  // a long one now, and its job posts the approval card to this channel when it is ready.
  const built =
    requested.status === 'building'
      ? await evidence.awaitBuilt(requested.id, ctx.progressAfterMs ?? PROGRESS_AFTER_MS)
      : requested;
  if (built) return evidenceView(built);
  return {
    kind: 'message',
    tone: 'neutral',
    title: 'Building the evidence bundle…',
    text: `${framework.name}, ${day(period.from)} → ${day(period.to)}. The reports are being computed, hashed and timestamped; the approval card will be posted here when it is ready.`,
    hint: null,
    actions: [],
  };
}

/** A button on an approval card. Refusals keep the card and say why in its note. */
export async function evidenceAction(
  verb: EvidenceVerb,
  data: Readonly<Record<string, string>>,
  ctx: CommandContext,
): Promise<View> {
  const evidence = service(ctx);
  const id = (data.id ?? '').trim();
  const actor = actorOf(ctx);
  const current = () => evidence.get(id);
  try {
    switch (verb) {
      case 'evidence.show':
      case 'evidence.cancel': {
        const r = await current();
        if (!r) throw new CertifyError('NOT_FOUND', `there is no evidence bundle ${id}`);
        return evidenceView(r);
      }
      case 'evidence.sign': {
        const r = await evidence.checkCanDecide(id, actor, ctx.now, 'sign');
        return evidenceView(r, { mode: 'signing', signerName: ctx.user.name });
      }
      case 'evidence.reject': {
        const r = await evidence.checkCanDecide(id, actor, ctx.now, 'reject');
        return evidenceView(r, { mode: 'rejecting' });
      }
      case 'evidence.confirm': {
        const { request, link } = await evidence.sign(
          id,
          actor,
          { name: data.name ?? '', role: data.role ?? '' },
          ctx.now,
        );
        const note = link ? null : 'Already signed: this click changed nothing.';
        return evidenceView(request, { link, note });
      }
      case 'evidence.reject-confirm':
        return evidenceView(await evidence.reject(id, actor, data.reason ?? '', ctx.now));
      case 'evidence.link': {
        const link = await evidence.newLink(id, actor, ctx.now);
        return evidenceView((await current())!, { link });
      }
    }
  } catch (e) {
    const { request, code, note } = refusedClick(e, await current());
    const mode =
      code === 'BAD_INPUT'
        ? verb === 'evidence.confirm'
          ? 'signing'
          : verb === 'evidence.reject-confirm'
            ? 'rejecting'
            : undefined
        : undefined;
    return evidenceView(request, { ...(mode ? { mode, signerName: data.name ?? ctx.user.name } : {}), note });
  }
}
