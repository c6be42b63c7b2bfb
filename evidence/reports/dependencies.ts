/**
 * Report 4: which resources depend on which credentials, and each credential's blast radius
 * (how many resources a leak or a botched rotation of it would reach).
 */
import { parseAssetUrl } from '../../base/asset-url.js';
import { normalizeAssetId } from '../../scanner/inventory/ids.js';
import type { Resource } from '../../scanner/inventory/types.js';
import type { Cell } from '../types.js';
import { assetTypeOf, col, count, notCollected, type ReportSpec } from './common.js';

/** VM005's threshold: below it a dependency was inferred too weakly to trust without review. */
export const REVIEW_CONFIDENCE = 0.7;

/** Above any credential count a tenant can reach, so `res * stride + cred` never collides. */
const LINK_STRIDE = 2 ** 24;

interface Pending {
  resourceId: string;
  credentialId: string;
  cred: number;
  res: number;
  setting: string | null;
  evidence: 'dependency' | 'keyVaultReference';
  confidence: number | null;
  reviewed: boolean | null;
}

export const dependencies: ReportSpec = {
  id: 'dependencies',
  title: 'Dependencies and blast radius',
  basis: 'snapshot',
  describe: (ctx) =>
    'One row per link from a resource (an App Service, a Function …) to a credential, from the ' +
    "dependency records and the resources' Key Vault reference settings collected by " +
    `${ctx.scan}, with each credential's blast radius: the number of distinct resources that depend on it.`,
  columns: [
    col('resource_id', 'ARM resource id of the dependent resource.'),
    col('resource_name', 'Name of the resource; empty when the resource itself was not collected.'),
    col('resource_type', 'ARM type of the resource, e.g. Microsoft.Web/sites.'),
    col('credential_id', 'URL of the credential the resource depends on, as recorded.'),
    col(
      'credential_type',
      'secret, key or certificate, from the URL; empty when it is not a vault asset URL.',
    ),
    col('credential_in_inventory', 'true when the credential exists in the scanned inventory.'),
    col(
      'setting_name',
      'The app setting holding a Key Vault reference to the credential (several separated by "; ").',
    ),
    col(
      'evidence',
      'dependency (a dependency record, possibly inferred) or keyVaultReference (an app setting referencing the credential, with no dependency record).',
    ),
    col(
      'confidence',
      'Confidence of an inferred dependency, 0–1; empty for a reference setting, which is declared.',
    ),
    col('reviewed', 'true when a person confirmed the dependency; empty for a reference setting.'),
    col(
      'needs_review',
      `true when confidence is below ${REVIEW_CONFIDENCE} and nobody has reviewed it (the VM005 failure).`,
    ),
    col(
      'blast_radius',
      'Number of distinct resources depending on this credential (integer, counted over all rows).',
    ),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const notes: string[] = [];
    if (inv.resources === undefined && inv.dependencies === undefined) {
      return { rows: [], notes: [notCollected('resources or dependency records')] };
    }
    if (inv.dependencies === undefined)
      notes.push(notCollected('dependency records') + ' Rows come from reference settings only.');
    if (inv.resources === undefined)
      notes.push(notCollected('resources (app settings)') + ' Resource names and types are empty.');

    // Resources and credentials are numbered once so links are numeric keys: string keys of two
    // concatenated URLs made this report the slowest of the bundle on a large tenant.
    const resIndex = new Map<string, number>();
    const resList: (Resource | null)[] = [];
    const resOf = (id: string): number => {
      const k = id.toLowerCase();
      let i = resIndex.get(k);
      if (i === undefined) {
        i = resList.length;
        resIndex.set(k, i);
        resList.push(null);
      }
      return i;
    };
    const credIndex = new Map<string, number>();
    const credOf = (id: string): number => {
      const k = normalizeAssetId(id);
      let i = credIndex.get(k);
      if (i === undefined) {
        i = credIndex.size;
        credIndex.set(k, i);
      }
      return i;
    };
    const link = (res: number, cred: number) => res * LINK_STRIDE + cred;

    // Reference settings by link, to name the setting behind a dependency record.
    const settingsByLink = new Map<number, string[]>();
    const refs: { res: number; cred: number; credentialId: string; resourceId: string; setting: string }[] =
      [];
    for (const r of inv.resources ?? []) {
      const res = resOf(r.id);
      resList[res] = r;
      for (const s of r.settings) {
        if (s.kind !== 'keyVaultReference') continue;
        const cred = credOf(s.secretId);
        refs.push({ res, cred, credentialId: s.secretId, resourceId: r.id, setting: s.name });
        const names = settingsByLink.get(link(res, cred));
        if (names) names.push(s.name);
        else settingsByLink.set(link(res, cred), [s.name]);
      }
    }

    const pending: Pending[] = [];
    const recorded = new Set<number>();
    for (const d of inv.dependencies ?? []) {
      const res = resOf(d.resourceId);
      const cred = credOf(d.credentialId);
      recorded.add(link(res, cred));
      const names = settingsByLink.get(link(res, cred));
      pending.push({
        resourceId: d.resourceId,
        credentialId: d.credentialId,
        cred,
        res,
        setting: names ? names.join('; ') : null,
        evidence: 'dependency',
        confidence: d.confidence,
        reviewed: d.reviewed,
      });
    }
    for (const ref of refs) {
      if (recorded.has(link(ref.res, ref.cred))) continue;
      pending.push({
        resourceId: ref.resourceId,
        credentialId: ref.credentialId,
        cred: ref.cred,
        res: ref.res,
        setting: ref.setting,
        evidence: 'keyVaultReference',
        confidence: null,
        reviewed: null,
      });
    }

    const radius = new Uint32Array(credIndex.size);
    const seen = new Set<number>();
    for (const p of pending) {
      const l = link(p.res, p.cred);
      if (seen.has(l)) continue;
      seen.add(l);
      radius[p.cred]!++;
    }
    const known = new Uint8Array(credIndex.size);
    for (const section of [inv.secrets, inv.keys, inv.certificates]) {
      for (const a of section) {
        const i = credIndex.get(normalizeAssetId(a.id));
        if (i !== undefined) known[i] = 1;
      }
    }

    const rows: Cell[][] = [];
    let toReview = 0;
    let missing = 0;
    for (const p of pending) {
      const res = resList[p.res];
      const needsReview = p.confidence !== null && p.confidence < REVIEW_CONFIDENCE && p.reviewed !== true;
      if (needsReview) toReview++;
      const inInventory = known[p.cred] === 1;
      if (!inInventory) missing++;
      rows.push([
        p.resourceId,
        res?.name ?? null,
        res?.type ?? null,
        p.credentialId,
        assetTypeOf(parseAssetUrl(p.credentialId)?.kind),
        inInventory,
        p.setting,
        p.evidence,
        p.confidence,
        p.reviewed,
        needsReview,
        radius[p.cred]!,
      ]);
    }
    let widest = 0;
    let credentials = 0;
    for (const n of radius) {
      if (n > 0) credentials++;
      if (n > widest) widest = n;
    }
    notes.push(
      `${count(rows.length, 'link')} to ${count(credentials, 'credential')}; the widest blast radius is ${count(widest, 'resource')}.`,
    );
    if (toReview > 0)
      notes.push(
        `${count(toReview, 'low-confidence dependency', 'low-confidence dependencies')} not yet reviewed.`,
      );
    if (missing > 0)
      notes.push(`${count(missing, 'link')} point at a credential that is not in the scanned inventory.`);
    return { rows, notes };
  },
};
