/**
 * Report 9: each key's and certificate's algorithm against the FIPS 140-3 and PCI DSS minimums.
 * The RSA and EC thresholds are those of K006 and C006 (rules.md), so this table and the rules
 * never disagree about an asset.
 */
import type { Curve, KeyType } from '../../scanner/inventory/types.js';
import type { Cell } from '../types.js';
import { col, count, type ReportSpec } from './common.js';

export const RSA_MIN_BITS = 2048;
/** NIST curves approved under FIPS 186-5; secp256k1 (P-256K) is not among them. */
export const APPROVED_CURVES: ReadonlySet<string> = new Set<Curve>(['P-256', 'P-384', 'P-521']);
/** AES key sizes; Key Vault's oct keys are AES keys. */
const AES_BITS: ReadonlySet<number> = new Set([128, 192, 256]);
/** PCI DSS "strong cryptography": at least 112 bits of effective strength. */
export const PCI_MIN_SECURITY_BITS = 112;

const CURVE_BITS: Readonly<Record<Curve, number>> = {
  'P-256': 128,
  'P-384': 192,
  'P-521': 256,
  'P-256K': 128,
};

/** NIST SP 800-57 Part 1, Table 2: security strength of an RSA modulus size. */
function rsaSecurityBits(size: number): number | null {
  if (size >= 15360) return 256;
  if (size >= 7680) return 192;
  if (size >= 3072) return 128;
  if (size >= 2048) return 112;
  if (size >= 1024) return 80;
  return null;
}

interface Verdict {
  bits: number | null;
  fips: boolean | null;
  pci: boolean | null;
  reason: string | null;
}

export function judge(keyType: KeyType | null, keySize: number | null, curve: Curve | null): Verdict {
  if (keyType === null) return { bits: null, fips: null, pci: null, reason: 'key type not reported' };
  if (keyType === 'RSA' || keyType === 'RSA-HSM') {
    // Unknown size fails, as in K006/C006: strength that cannot be shown is not evidenced.
    if (keySize === null) return { bits: null, fips: false, pci: false, reason: 'RSA key size unknown' };
    const ok = keySize >= RSA_MIN_BITS;
    return {
      bits: rsaSecurityBits(keySize),
      fips: ok,
      pci: ok,
      reason: ok ? null : `RSA ${keySize} bits is below ${RSA_MIN_BITS}`,
    };
  }
  if (keyType === 'EC' || keyType === 'EC-HSM') {
    if (curve === null) return { bits: null, fips: false, pci: false, reason: 'EC curve unknown' };
    const ok = APPROVED_CURVES.has(curve);
    return {
      bits: CURVE_BITS[curve] ?? null,
      fips: ok,
      // PCI cites K006; a curve outside the NIST set is not an accepted algorithm there either.
      pci: ok,
      reason: ok ? null : `curve ${curve} is not a NIST-approved curve`,
    };
  }
  if (keySize === null) return { bits: null, fips: null, pci: null, reason: 'symmetric key size unknown' };
  const ok = AES_BITS.has(keySize);
  return {
    bits: ok ? keySize : null,
    fips: ok,
    pci: ok && keySize >= PCI_MIN_SECURITY_BITS,
    reason: ok ? null : `${keySize}-bit symmetric key is not an AES key size`,
  };
}

export const algorithmStrength: ReportSpec = {
  id: 'algorithm-strength',
  title: 'Algorithm strength conformance',
  basis: 'snapshot',
  describe: (ctx) =>
    `Each key and certificate from ${ctx.scan}, its algorithm and strength against two minimums: FIPS 140-3 ` +
    `(RSA at least ${RSA_MIN_BITS} bits; EC on P-256, P-384 or P-521, P-256K not approved; AES 128/192/256) ` +
    `and PCI DSS strong cryptography (at least ${PCI_MIN_SECURITY_BITS}-bit security: RSA ${RSA_MIN_BITS}, ECC 224 ` +
    'on an approved curve). The RSA and EC thresholds are those of rules K006 and C006.',
  columns: [
    col('asset_id', 'URL of the key or certificate without version.'),
    col('type', 'key or certificate.'),
    col('vault', 'Name of the vault holding it.'),
    col('name', 'Name of the asset.'),
    col('enabled', 'true when the asset is enabled (the rules judge enabled assets only).'),
    col('key_type', 'RSA, RSA-HSM, EC, EC-HSM, oct or oct-HSM; empty when not reported.'),
    col('key_size', 'Key size in bits; empty for EC keys and when unknown.'),
    col('curve', 'P-256, P-384, P-521 or P-256K for EC keys; empty otherwise.'),
    col('hsm_backed', 'true when the key type is an -HSM type (kept in a hardware security module).'),
    col('security_bits', 'Security strength in bits per NIST SP 800-57 Part 1; empty when unknown.'),
    col(
      'fips_140_3_conforms',
      'true when the algorithm and size meet the FIPS 140-3 minimum; empty when unknown.',
    ),
    col('pci_conforms', 'true when it meets PCI DSS strong cryptography; empty when unknown.'),
    col('reason', 'Why the asset does not conform, or why it cannot be judged; empty when it conforms.'),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const rows: Cell[][] = [];
    let weak = 0;
    const add = (
      a: { id: string; vault: string; name: string; enabled: boolean },
      type: 'key' | 'certificate',
      keyType: KeyType | null,
      keySize: number | null,
      curve: Curve | null,
    ) => {
      const v = judge(keyType, keySize, curve);
      if (v.fips === false || v.pci === false) weak++;
      rows.push([
        a.id,
        type,
        a.vault,
        a.name,
        a.enabled,
        keyType,
        keySize,
        curve,
        keyType === null ? null : keyType.endsWith('-HSM'),
        v.bits,
        v.fips,
        v.pci,
        v.reason,
      ]);
    };
    for (const k of inv.keys) add(k, 'key', k.keyType, k.keySize, k.curve);
    for (const c of inv.certificates) add(c, 'certificate', c.keyType, c.keySize, c.curve);
    return {
      rows,
      notes: [
        `${count(rows.length, 'key or certificate', 'keys and certificates')}; ${weak} below a minimum.`,
        'hsm_backed reports the key type; whether the vault tier allows HSM keys is in vault-posture (sku).',
      ],
    };
  },
};
