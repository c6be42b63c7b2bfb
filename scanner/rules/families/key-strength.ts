/** Algorithm strength (C006, K006) and automatic rotation (K007). */
import type { Certificate, Inventory, Key, KeyType } from '../../inventory/types.js';
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
  const failing: string[] = [];
  let evaluated = 0;
  for (const c of inv.certificates as readonly Certificate[]) {
    if (!c.enabled || c.keyType === null) continue;
    evaluated++;
    if (isWeak({ keyType: c.keyType, keySize: c.keySize, curve: c.curve })) failing.push(c.id);
  }
  return listOutcome(evaluated, failing);
};

/** Enabled, unmanaged RSA/EC keys (oct keys are outside K006 and K007). */
function overAsymmetricKeys(fails: (k: Key) => boolean): Evaluate {
  return (inv: Inventory) => {
    const failing: string[] = [];
    let evaluated = 0;
    for (const k of inv.keys) {
      if (!k.enabled || k.managed || !ASYMMETRIC.has(k.keyType)) continue;
      evaluated++;
      if (fails(k)) failing.push(k.id);
    }
    return listOutcome(evaluated, failing);
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
