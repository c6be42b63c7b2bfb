/**
 * What the service knows that no source can read, added to every scan's inventory: the
 * provenance certificates it issued and the keys that sign them (for rule P011), the rotations
 * it ran (rotation events, for VM004 and the rotation report), and — for the demo tenant only —
 * the secret versions its rotations "wrote". `readExtras` asks the port; `enrichInventory` is
 * pure: the same inventory and extras, the same result.
 */
import type { Inventory, ProvenanceSection, RotationEvent, Secret } from '../scanner/inventory/types.js';

/** A rotation Certify ran, by vault name and secret name (mapped to asset ids here). */
export interface RotationExtra {
  id: string;
  vault: string;
  secret: string;
  status: 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string;
}

/** A secret version the demo tenant's writer kept. */
export interface DemoWriteExtra {
  vault: string;
  name: string;
  tags: Readonly<Record<string, string>>;
  expires: string | null;
  at: string;
}

export interface ScanExtras {
  /**
   * The certificates issued here and their keys; null before the first one. Until a data dir
   * has issued a certificate, provenance is not in use there and P011 stays not applicable,
   * instead of failing every secret of a tenant that never opted in.
   */
  provenance(): Promise<ProvenanceSection | null>;
  rotations(): Promise<readonly RotationExtra[]>;
  /** Writes to apply when the source is the demo tenant. */
  demoWrites?(): Promise<readonly DemoWriteExtra[]>;
}

/** The extras as one scan read them. */
export interface ExtrasSnapshot {
  provenance: ProvenanceSection | null;
  rotations: readonly RotationExtra[];
  /** Empty unless the source is the demo tenant. */
  demoWrites: readonly DemoWriteExtra[];
}

function isDemoSource(sourceId: string): boolean {
  return sourceId === 'demo' || sourceId.startsWith('demo:');
}

/** Reads what a scan of `sourceId` adds; the demo writes only for the demo tenant. */
export async function readExtras(extras: ScanExtras, sourceId: string): Promise<ExtrasSnapshot> {
  const [provenance, rotations, demoWrites] = await Promise.all([
    extras.provenance(),
    extras.rotations(),
    isDemoSource(sourceId) ? (extras.demoWrites?.() ?? []) : [],
  ]);
  return { provenance, rotations, demoWrites };
}

function mergeProvenance(own: ProvenanceSection | undefined, extra: ProvenanceSection): ProvenanceSection {
  if (!own) return extra;
  const kids = new Set(own.jwks.keys.map((k) => k.kid));
  const ids = new Set(own.certificates.map((c) => c.id));
  return {
    jwks: { keys: [...own.jwks.keys, ...extra.jwks.keys.filter((k) => !kids.has(k.kid))] },
    certificates: [...own.certificates, ...extra.certificates.filter((c) => !ids.has(c.id))],
  };
}

export function enrichInventory(inv: Inventory, extras: ExtrasSnapshot): Inventory {
  const issued = extras.provenance;
  const out: Inventory = issued
    ? { ...inv, provenance: mergeProvenance(inv.provenance, issued) }
    : { ...inv };

  const vaultUri = new Map(inv.vaults.map((v) => [v.name.toLowerCase(), v.vaultUri.replace(/\/+$/, '')]));
  const events: RotationEvent[] = [];
  for (const r of extras.rotations) {
    const uri = vaultUri.get(r.vault.toLowerCase());
    // A rotation of a vault outside this scan's scope is not evidence about it.
    if (uri === undefined) continue;
    events.push({
      id: r.id,
      credentialId: `${uri}/secrets/${r.secret}`,
      fullStack: true,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    });
  }
  if (events.length > 0) out.rotationEvents = [...(inv.rotationEvents ?? []), ...events];

  const writes = extras.demoWrites;
  if (writes.length > 0) {
    const byName = new Map<string, number>();
    inv.secrets.forEach((s, i) => byName.set(`${s.vault.toLowerCase()}/${s.name.toLowerCase()}`, i));
    const secrets: Secret[] = [...inv.secrets];
    for (const w of writes) {
      const i = byName.get(`${w.vault.toLowerCase()}/${w.name.toLowerCase()}`);
      if (i === undefined) continue;
      const s = secrets[i]!;
      secrets[i] = {
        ...s,
        enabled: true,
        created: w.at,
        updated: w.at,
        expires: w.expires,
        tags: { ...s.tags, ...w.tags },
      };
    }
    out.secrets = secrets;
  }
  return out;
}
