/** Algorithm strength (C006, K006) and automatic rotation (K007). */
import type { Inventory, Key, KeyType } from '../../inventory/types.js';
import { assetFacts, ENABLED, idsAt, MANAGED } from '../facts.js';
import { listOutcome, type Evaluate } from '../types.js';

const STRONG_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);
const ASYMMETRIC: ReadonlySet<KeyType> = new Set<KeyType>(['RSA', 'RSA-HSM', 'EC', 'EC-HSM']);

function isRsa(t: KeyType): boolean {
  return t === 'RSA' || t === 'RSA-HSM';
}
function isEc(t: KeyType): boolean {
  return t === 'EC' || t === 'EC-HSM';
}

/** RSA below 2048 bits (or of unknown size), or EC off the NIST P-256/384/521 curves. */
export function isWeak(a: Pick<Key, 'keyType' | 'keySize' | 'curve'>): boolean {
  if (isRsa(a.keyType)) return a.keySize === null || a.keySize < 2048;
  if (isEc(a.keyType)) return a.curve === null || !STRONG_CURVES.has(a.curve);
  return false;
}

/** C006: enabled certificates whose key type is known. */
export const weakCertificates: Evaluate = (inv: Inventory) => {
  const list = inv.certificates;
  const { flags, ids } = assetFacts(list);
  const hits = new Int32Array(list.length);
  let failed = 0;
  let evaluated = 0;
  for (let i = 0; i < list.length; i++) {
    if ((flags[i]! & ENABLED) === 0) continue;
    const c = list[i]!;
    if (c.keyType === null) continue;
    evaluated++;
    if (isWeak(c as Pick<Key, 'keyType' | 'keySize' | 'curve'>)) hits[failed++] = i;
  }
  return listOutcome(evaluated, idsAt(ids, hits, failed));
};

/** Enabled, unmanaged RSA/EC keys (oct keys are outside K006 and K007). */
function overAsymmetricKeys(fails: (k: Key) => boolean): Evaluate {
  return (inv: Inventory) => {
    const list = inv.keys;
    const { flags, ids } = assetFacts(list);
    const hits = new Int32Array(list.length);
    let failed = 0;
    let evaluated = 0;
    for (let i = 0; i < list.length; i++) {
      if ((flags[i]! & (ENABLED | MANAGED)) !== ENABLED) continue;
      const k = list[i]!;
      if (!ASYMMETRIC.has(k.keyType)) continue;
      evaluated++;
      if (fails(k)) hits[failed++] = i;
    }
    return listOutcome(evaluated, idsAt(ids, hits, failed));
  };
}

/** K006 */
export const weakKeys = overAsymmetricKeys(isWeak);

/**
 * K007: nothing will ever rotate the key — no rotation policy, a policy without a "Rotate"
 * trigger, or one whose only trigger is "before expiry" while the key has no expiry.
 */
export function neverRotates(k: Pick<Key, 'rotationPolicy' | 'expires'>): boolean {
  const p = k.rotationPolicy;
  if (p === null) return true;
  if (p.rotateAfterDays !== null) return false;
  return p.rotateBeforeExpiryDays === null || k.expires === null;
}

/** K007 */
export const keysWithoutAutoRotation = overAsymmetricKeys(neverRotates);
