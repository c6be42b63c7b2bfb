/**
 * `/certify presets`, `/certify rotate <vault>/<secret> --preset <p>` (approval-gated like
 * evidence) and `/certify cert <id>`. Cards show certificates, never a credential: the value
 * exists only inside the rotation step, between the generator and Key Vault.
 */
import type { EvidenceView, MessageView, View } from '../../cards/views.js';
import type { CertificateLookup, ProvenanceService } from '../../services/rotation.js';
import { DEFAULT_PRESET_ID, findPreset, listPresets } from '../../provenance/presets.js';
import { presetEntropyBits } from '../../provenance/generate.js';
import { CertifyError } from '../../base/errors.js';
import type { RotationRequest } from '../../store/provenance.js';
import type { DeepReadonly } from '../../store/json-file.js';
import {
  approvalButton,
  approvalCard,
  refusedClick,
  rejectedState,
  rejectingState,
} from './approval-card.js';
import { actorOf, type CommandContext } from './context.js';
import type { RotationVerb } from './verbs.js';
import { formatWhen } from '../../cards/text.js';

export { ROTATION_VERBS, type RotationVerb } from './verbs.js';

function service(ctx: CommandContext): ProvenanceService {
  if (!ctx.provenance)
    throw new CertifyError('SOURCE_UNAVAILABLE', 'credential rotation is not available in this deployment');
  return ctx.provenance;
}

function classesText(p: ReturnType<typeof findPreset>): string {
  const on = (['lower', 'upper', 'digits', 'symbols'] as const).filter((c) => p.classes[c]);
  return on.length === 0 ? 'no required classes' : on.join(', ');
}

export function presetsView(): MessageView {
  const lines = listPresets().map(
    (p) =>
      `• ${p.id}${p.id === DEFAULT_PRESET_ID ? ' (default)' : ''} — ${p.name} ${p.version}: ${p.length} characters; required: ${classesText(p)}; ${presetEntropyBits(p).toFixed(1)} bits (minimum ${p.minEntropyBits}); the secret expires after ${p.maxLifetimeDays} days`,
  );
  return {
    kind: 'message',
    tone: 'neutral',
    title: 'Credential presets',
    text: lines.join('\n'),
    hint: '/certify rotate <vault>/<secret> --preset <id> generates a credential to a preset, writes it to Key Vault after an approver agrees, and signs a provenance certificate. CLI: certify presets (with each requirement and its source).',
    actions: [],
  };
}

function rotationFacts(r: DeepReadonly<RotationRequest>): EvidenceView['facts'] {
  const preset = findPreset(r.presetId);
  const facts: EvidenceView['facts'] = [
    { label: 'Request', value: r.id },
    { label: 'Secret', value: `${r.vault}/${r.secret}` },
    {
      label: 'Requested by',
      value: `${r.requestedBy.name || r.requestedBy.id} at ${formatWhen(r.createdAt)}`,
    },
    { label: 'Preset', value: `${preset.id} · ${preset.name} ${preset.version}` },
    {
      label: 'Credential',
      value: `${preset.length} characters, ${presetEntropyBits(preset).toFixed(1)} bits; expires ${preset.maxLifetimeDays} days after rotation`,
    },
  ];
  if (r.result) {
    facts.push(
      { label: 'Certificate', value: r.result.certificateId },
      { label: 'New version', value: r.result.version },
      { label: 'Expires', value: r.result.expiresAt ? formatWhen(r.result.expiresAt) : 'never' },
    );
  }
  return facts;
}

export function rotationView(
  r: DeepReadonly<RotationRequest>,
  opts: { mode?: 'rejecting'; note?: string | null; certificateUrl?: string | null; demo?: boolean } = {},
): EvidenceView {
  const frame = {
    title: `Credential rotation · ${r.vault}/${r.secret}`,
    id: r.id,
    facts: rotationFacts(r),
    note: opts.note ?? null,
  };
  switch (r.status) {
    case 'pending':
      if (opts.mode === 'rejecting') {
        return approvalCard(frame, {
          ...rejectingState(
            'the rotation',
            { confirm: 'rotation.reject-confirm', cancel: 'rotation.cancel' },
            r.id,
            'e.g. rotate after the release freeze',
          ),
          badge: 'REJECTING',
        });
      }
      return approvalCard(frame, {
        tone: 'warning',
        status: 'pending',
        badge: 'AWAITING APPROVAL',
        text: 'An approver other than the requester must agree. Approving generates the credential, writes it to Key Vault as a new version and signs its provenance certificate; nobody sees the value.',
        actions: [
          approvalButton('rotation.approve', 'Approve and rotate', r.id, 'positive'),
          approvalButton('rotation.reject', 'Reject', r.id, 'destructive'),
        ],
      });
    case 'rotating':
      return approvalCard(frame, {
        tone: 'neutral',
        status: 'pending',
        badge: 'ROTATING',
        text: `Approved by ${r.approval?.by.name ?? '?'}; rotating…`,
      });
    case 'rotated': {
      const url = opts.certificateUrl ?? null;
      return approvalCard(frame, {
        tone: 'good',
        status: 'signed',
        badge: 'ROTATED',
        text: `Approved by ${r.approval?.by.name ?? '?'} at ${formatWhen(r.approval?.at ?? '')}. A new version of ${r.vault}/${r.secret} was written with its certificate in the tags; the credential was never shown.`,
        link: url
          ? {
              url,
              title: 'Open certificate',
              expiresAt: null,
              caption: `Signed provenance certificate · certify cert verify ${url}`,
            }
          : null,
        note:
          opts.note ??
          (opts.demo
            ? 'Demo tenant: no real Key Vault was written; the next demo scan shows the new version and its tags.'
            : null),
      });
    }
    case 'rejected':
      return approvalCard(frame, { ...rejectedState(r.rejection), badge: 'REJECTED' });
    case 'failed':
      return approvalCard(frame, {
        tone: 'attention',
        status: 'failed',
        badge: 'FAILED',
        text: `The rotation failed: ${r.error ?? 'unknown error'}. The secret keeps its current version.`,
      });
  }
}

/** The card of a certificate: what it claims and whether it verifies, never a credential. */
export function certificateView(found: CertificateLookup): EvidenceView {
  const { check, stored, url } = found;
  const p = check.payload;
  const facts: EvidenceView['facts'] = [{ label: 'Certificate', value: stored.id }];
  if (p) {
    facts.push(
      { label: 'Preset', value: `${p.preset.id} · ${p.preset.name} ${p.preset.version}` },
      { label: 'Generated at', value: formatWhen(p.generatedAt) },
      {
        label: 'Entropy',
        value: `${p.entropyBits} bits · ${p.parameters.length} characters from ${p.parameters.alphabetSize}`,
      },
      {
        label: 'Entropy source',
        value: `${p.entropySource.generator}; FIPS mode ${p.entropySource.fipsMode ? 'on' : 'off'}`,
      },
      {
        label: 'Target',
        value: p.target
          ? `${p.target.vault}/${p.target.secret}${p.target.version ? `@${p.target.version}` : ''}`
          : 'none (generated by the CLI)',
      },
      { label: 'Expires', value: p.expiresAt ? formatWhen(p.expiresAt) : 'never' },
      { label: 'Signed by', value: `key ${p.issuer.kid}` },
    );
  }
  return {
    kind: 'evidence',
    tone: check.ok ? 'good' : 'attention',
    title: `Provenance certificate ${stored.id}`,
    bundleId: stored.id,
    status: check.ok ? 'signed' : 'failed',
    badge: check.ok ? 'VALID' : 'INVALID',
    text: check.ok
      ? "The signature verifies with Certify's key and the certificate matches its target. An auditor holding the credential can check it matches: certify cert verify <url> --credential-stdin."
      : `Does not verify: ${check.problems.join('; ')}`,
    facts,
    statement: null,
    inputs: [],
    link: {
      url,
      title: 'Open certificate',
      expiresAt: null,
      caption: 'Also as JSON (Accept: application/json), with the JWS',
    },
    note: check.warnings.length > 0 ? check.warnings.join(' ') : null,
    actions: [],
  };
}

/** `/certify rotate kv-prod/db-password --preset pci` (also `preset=pci`, or the preset second). */
export async function rotateCommand(args: string, ctx: CommandContext): Promise<View> {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) {
    throw new CertifyError(
      'BAD_USAGE',
      'rotate needs <vault>/<secret>',
      [],
      'e.g. /certify rotate kv-prod/db-password --preset pci (see /certify presets)',
    );
  }
  let presetId = DEFAULT_PRESET_ID;
  const rest = words.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === '--preset' || w === '-p') presetId = rest[++i] ?? '';
    else if (/^(--)?preset=/.test(w)) presetId = w.slice(w.indexOf('=') + 1);
    else if (i === 0) presetId = w;
    else
      throw new CertifyError(
        'BAD_USAGE',
        `unexpected "${w}"`,
        [],
        'e.g. /certify rotate kv-prod/db-password --preset pci',
      );
  }
  const provenance = service(ctx);
  const target = provenance.parseTarget(words[0]!);
  const preset = findPreset(presetId);
  const r = await provenance.request({
    ...target,
    preset,
    requester: actorOf(ctx),
    channel: ctx.channel,
    now: ctx.now,
  });
  return rotationView(r);
}

export async function certCommand(args: string, ctx: CommandContext): Promise<View> {
  const id = args.trim().split(/\s+/)[0] ?? '';
  if (!id)
    throw new CertifyError(
      'BAD_USAGE',
      'cert needs a certificate id',
      [],
      'e.g. /certify cert cert-abc… (shown on a rotation card)',
    );
  const found = await service(ctx).certificate(id.replace(/^.*\/certs\//, ''), ctx.now);
  if (!found) throw new CertifyError('NOT_FOUND', `there is no certificate ${id}`);
  return certificateView(found);
}

export async function rotationAction(
  verb: RotationVerb,
  data: Readonly<Record<string, string>>,
  ctx: CommandContext,
): Promise<View> {
  const provenance = service(ctx);
  const id = (data.id ?? '').trim();
  const actor = actorOf(ctx);
  const shown = (r: DeepReadonly<RotationRequest>, note?: string | null) =>
    rotationView(r, {
      ...(note !== undefined ? { note } : {}),
      certificateUrl: r.result ? provenance.certificateUrl(r.result.certificateId) : null,
      demo: r.result?.writer === 'demo',
    });
  try {
    switch (verb) {
      case 'rotation.show':
      case 'rotation.cancel': {
        const r = await provenance.rotation(id);
        if (!r) throw new CertifyError('NOT_FOUND', `there is no rotation request ${id}`);
        return shown(r);
      }
      case 'rotation.approve': {
        const { request, repeated } = await provenance.approve(id, actor, ctx.now);
        return shown(request, repeated ? 'Already approved: this click changed nothing.' : undefined);
      }
      case 'rotation.reject':
        return rotationView(await provenance.checkCanDecide(id, actor, ctx.now), { mode: 'rejecting' });
      case 'rotation.reject-confirm':
        return shown(await provenance.reject(id, actor, data.reason ?? '', ctx.now));
    }
  } catch (e) {
    const { request, code, note } = refusedClick(e, await provenance.rotation(id));
    return code === 'BAD_INPUT' && verb === 'rotation.reject-confirm'
      ? rotationView(request, { mode: 'rejecting', note })
      : shown(request, note);
  }
}
