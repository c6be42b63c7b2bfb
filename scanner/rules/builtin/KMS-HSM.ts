import { vaultsWithKeys } from '../facts.js';
import { defineRule, listOutcome } from '../types.js';

export default defineRule(
  {
    id: 'KMS-HSM',
    name: 'Premium SKU for HSM-Backed Keys',
    severity: 'Medium',
    class: 'framework',
    category: 'vaults',
    description:
      'Vaults that hold keys should be on the Premium SKU, which can keep keys in HSMs (FIPS 140 Level 3 validated). Whether your workloads actually use HSM keys remains yours to show.',
    remediation:
      'Move the vault to the Premium SKU (or move its keys to a Premium vault or Managed HSM) and create HSM-backed keys.',
  },
  (inv) => {
    const holders = vaultsWithKeys(inv);
    const population = inv.vaults.filter((v) => holders.has(v.name.toLowerCase()));
    return listOutcome(
      population.length,
      population.filter((v) => v.sku !== 'premium').map((v) => v.id),
    );
  },
);
