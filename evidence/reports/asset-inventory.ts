/** Report 10: the Key Vault asset register: every secret, key and certificate, and its lifecycle dates. */
import { toMs } from '../../base/time.js';
import type { Cell } from '../types.js';
import { col, count, days2, iso, scanTimeMs, type ReportSpec } from './common.js';

export const assetInventory: ReportSpec = {
  id: 'asset-inventory',
  title: 'Key Vault asset inventory',
  basis: 'snapshot',
  describe: (ctx) =>
    `Every secret, key and certificate listed by ${ctx.scan}, disabled ones included: algorithm, key size, ` +
    'creation, last rotation and expiry. Days to expiry are counted from the scan time. Metadata only: ' +
    'Certify never reads a secret value.',
  columns: [
    col('asset_id', 'URL of the asset without version.'),
    col('type', 'secret, key or certificate.'),
    col('vault', 'Name of the vault holding it.'),
    col('name', 'Name of the asset.'),
    col('enabled', 'true when the asset can be used.'),
    col(
      'algorithm',
      'Key type for keys and certificates (RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM); empty for secrets.',
    ),
    col('key_size', 'Key size in bits; empty for secrets, EC keys and when unknown.'),
    col('curve', 'Elliptic curve of EC keys; empty otherwise.'),
    col('content_type', 'Content type of a secret as its owner set it; empty for keys and certificates.'),
    col('created', 'When the asset was created (ISO 8601 UTC).'),
    col('updated', 'When its current version was written: the last rotation or renewal (ISO 8601 UTC).'),
    col('expires', 'When it expires (ISO 8601 UTC); empty when it never does.'),
    col(
      'days_to_expiry',
      'Days from the scan time to expires, two decimals, negative once expired; empty without expiry.',
    ),
    col('managed', 'true for a secret or key that backs a certificate; empty for certificates.'),
  ],
  build(input) {
    const inv = input.snapshot.inventory;
    const now = scanTimeMs(input);
    const rows: Cell[][] = [];
    const left = (expires: string | null) => (expires === null ? null : days2(toMs(expires) - now));
    for (const s of inv.secrets) {
      rows.push([
        s.id,
        'secret',
        s.vault,
        s.name,
        s.enabled,
        null,
        null,
        null,
        s.contentType,
        iso(s.created),
        iso(s.updated),
        iso(s.expires),
        left(s.expires),
        s.managed,
      ]);
    }
    for (const k of inv.keys) {
      rows.push([
        k.id,
        'key',
        k.vault,
        k.name,
        k.enabled,
        k.keyType,
        k.keySize,
        k.curve,
        null,
        iso(k.created),
        iso(k.updated),
        iso(k.expires),
        left(k.expires),
        k.managed,
      ]);
    }
    for (const c of inv.certificates) {
      rows.push([
        c.id,
        'certificate',
        c.vault,
        c.name,
        c.enabled,
        c.keyType,
        c.keySize,
        c.curve,
        null,
        iso(c.created),
        iso(c.updated),
        iso(c.expires),
        left(c.expires),
        null,
      ]);
    }
    const notes = [
      `${count(inv.secrets.length, 'secret')}, ${count(inv.keys.length, 'key')}, ${count(inv.certificates.length, 'certificate')} in ${count(inv.vaults.length, 'vault')}.`,
    ];
    const unlisted = inv.vaults.filter((v) => v.accessError !== null).map((v) => v.name);
    if (unlisted.length > 0) {
      notes.push(
        `Not listed (data plane inaccessible), so their assets are missing here: ${unlisted.join(', ')}.`,
      );
    }
    return { rows, notes };
  },
};
