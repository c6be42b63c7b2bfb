/**
 * Report 8: each enabled credential's age (time since its current version was created) against
 * the cryptoperiod it should be rotated within. The age runs from `created`, as P008 and K009
 * measure it: `updated` also moves when tags or attributes are edited, which rotates nothing, so
 * the report and the rules never disagree about the same asset.
 */
import { DAY_MS, toMs } from '../../base/time.js';
import type { Tags } from '../../scanner/inventory/types.js';
import { DEFAULT_PARAMETERS, type OrgParameters } from '../../scanner/rules/parameters.js';
import { parametersOf } from '../../scanner/scan.js';
import type { Cell } from '../types.js';
import { col, count, days2, iso, scanTimeMs, type ReportSpec } from './common.js';

/**
 * The cadence an asset is held to when its owner declared none. Each is the strictest figure
 * Certify can defend from a published source, so a "conforms" here never overstates.
 */
export const CRYPTOPERIOD_PRESETS = Object.freeze({
  secret: Object.freeze({
    days: 90,
    basis: 'P008: a secret not rotated for more than 90 days fails (rules.md)',
  }),
  key: Object.freeze({
    days: 365,
    basis:
      'NIST SP 800-57 Part 1 suggests cryptoperiods of one to two years for most key types (originator-usage period); Certify takes the stricter year',
  }),
  certificate: Object.freeze({
    days: 398,
    basis:
      'CA/Browser Forum Baseline Requirements: a TLS certificate is valid for at most 398 days, so it is renewed within that',
  }),
} as const);

export type CryptoperiodAssetType = keyof typeof CRYPTOPERIOD_PRESETS;

/**
 * The presets a scan is held to: an organisation that set its own secret or key maximum age
 * (secretMaxAgeDays, P008; keyMaxAgeDays, K009) is held to its own figure, and the basis says so.
 */
export function cryptoperiodPresets(
  parameters: OrgParameters,
): Record<CryptoperiodAssetType, { days: number; basis: string }> {
  const own = (name: keyof OrgParameters, rule: string) =>
    `the organisation's ${name} (${parameters[name]} days, default ${DEFAULT_PARAMETERS[name]}), as ${rule} applies it`;
  return {
    secret:
      parameters.secretMaxAgeDays === DEFAULT_PARAMETERS.secretMaxAgeDays
        ? CRYPTOPERIOD_PRESETS.secret
        : { days: parameters.secretMaxAgeDays, basis: own('secretMaxAgeDays', 'P008') },
    key:
      parameters.keyMaxAgeDays === DEFAULT_PARAMETERS.keyMaxAgeDays
        ? CRYPTOPERIOD_PRESETS.key
        : { days: parameters.keyMaxAgeDays, basis: own('keyMaxAgeDays', 'K009') },
    certificate: CRYPTOPERIOD_PRESETS.certificate,
  };
}

/** Tags an owner can set to declare a cadence in days; the first present wins. */
export const CRYPTOPERIOD_TAGS = Object.freeze(['cryptoperiod-days', 'rotation-days'] as const);

const POSITIVE_INT = /^[1-9]\d{0,5}$/;

/** The declared cadence from tags (matched case-insensitively, as Azure treats tag names). */
function tagCadence(tags: Tags): { days: number; tag: string } | { invalid: string } | null {
  for (const wanted of CRYPTOPERIOD_TAGS) {
    for (const k in tags) {
      if (k.toLowerCase() !== wanted) continue;
      const v = (tags[k] ?? '').trim();
      return POSITIVE_INT.test(v) ? { days: Number(v), tag: k } : { invalid: k };
    }
  }
  return null;
}

interface Cadence {
  days: number;
  source: 'declared' | 'preset';
  basis: string;
}

export const cryptoperiod: ReportSpec = {
  id: 'cryptoperiod',
  title: 'Cryptoperiod conformance',
  basis: 'snapshot',
  describe: (ctx) =>
    'Each enabled secret, key and certificate (certificate-backing secrets and keys excluded, as in the ' +
    `rules), from ${ctx.scan}: its age, the days between the creation of its current version and the scan, against its ` +
    'cadence: the one declared (a key rotation policy, or a cryptoperiod-days / rotation-days tag) or ' +
    `else Certify's preset (secrets ${CRYPTOPERIOD_PRESETS.secret.days} days, keys ${CRYPTOPERIOD_PRESETS.key.days}, ` +
    `certificates ${CRYPTOPERIOD_PRESETS.certificate.days}; secrets and keys follow the organisation's secretMaxAgeDays ` +
    'and keyMaxAgeDays when it set them).',
  columns: [
    col('asset_id', 'URL of the asset without version.'),
    col('type', 'secret, key or certificate.'),
    col('vault', 'Name of the vault holding it.'),
    col('name', 'Name of the asset.'),
    col(
      'created',
      'When its current version was created, i.e. its last rotation or renewal; editing tags or attributes does not move it (ISO 8601 UTC).',
    ),
    col('age_days', 'Days from created to the scan time, two decimals (conformance uses the exact value).'),
    col('cadence_days', 'Days within which the asset should be rotated (integer).'),
    col(
      'cadence_source',
      'declared (set by the owner on the asset) or preset (Certify default for its type).',
    ),
    col(
      'cadence_basis',
      'Where the cadence comes from: rotationPolicy.rotateAfterDays, tag:<name>, or preset:<type>.',
    ),
    col('conforms', 'true when age_days ≤ cadence_days.'),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const now = scanTimeMs(input);
    const presets = cryptoperiodPresets(parametersOf(input.snapshot.result));
    const rows: Cell[][] = [];
    let failing = 0;
    let declared = 0;
    const badTags: string[] = [];

    const push = (
      a: { id: string; vault: string; name: string; created: string; tags: Tags },
      type: CryptoperiodAssetType,
      policyDays: number | null,
    ) => {
      let cadence: Cadence | null = null;
      // A rotation policy is enforced by Key Vault itself, so it outranks a tag.
      if (policyDays !== null && policyDays > 0) {
        cadence = { days: policyDays, source: 'declared', basis: 'rotationPolicy.rotateAfterDays' };
      } else {
        const t = tagCadence(a.tags);
        if (t && 'days' in t) cadence = { days: t.days, source: 'declared', basis: `tag:${t.tag}` };
        else if (t) badTags.push(a.id);
      }
      cadence ??= { days: presets[type].days, source: 'preset', basis: `preset:${type}` };
      if (cadence.source === 'declared') declared++;
      const ageMs = now - toMs(a.created);
      const ok = ageMs <= cadence.days * DAY_MS;
      if (!ok) failing++;
      rows.push([
        a.id,
        type,
        a.vault,
        a.name,
        iso(a.created),
        days2(ageMs),
        cadence.days,
        cadence.source,
        cadence.basis,
        ok,
      ]);
    };

    for (const s of inv.secrets) if (s.enabled && !s.managed) push(s, 'secret', null);
    for (const k of inv.keys)
      if (k.enabled && !k.managed) push(k, 'key', k.rotationPolicy?.rotateAfterDays ?? null);
    for (const c of inv.certificates) if (c.enabled) push(c, 'certificate', null);

    const notes = [
      `${count(rows.length, 'asset')}: ${failing} beyond their cadence; ${declared} with a declared cadence.`,
      'Preset cadences: ' +
        (Object.keys(presets) as CryptoperiodAssetType[])
          .map((t) => `${t} ${presets[t].days} days (${presets[t].basis})`)
          .join('; ') +
        '.',
      'Disabled assets, and the secrets and keys that back certificates, are not listed: they are not in use, or are rotated with their certificate.',
    ];
    if (badTags.length > 0) {
      notes.push(
        `${count(badTags.length, 'asset')} ${badTags.length === 1 ? 'carries' : 'carry'} a cadence tag that is not a whole number of days; the preset applies to them (first: ${badTags[0]}).`,
      );
    }
    return { rows, notes };
  },
};
