/** How many of each thing a demo tenant of a given size holds. */

export const DEMO_DEFAULT_SEED = 1;
export const DEMO_DEFAULT_SIZE = 150;

export interface DemoPlan {
  /** Vault assets in all: plainSecrets + certificates (managed secrets) + keys + certificates. */
  size: number;
  vaults: number;
  /** Secrets with `managed: false`. */
  plainSecrets: number;
  keys: number;
  /** Each certificate also brings its managed secret. */
  certificates: number;
  /** App Service and Function apps (`Microsoft.Web/sites`). */
  apps: number;
  appRegistrations: number;
  appCredentials: number;
  syncRecords: number;
  rotationEvents: number;
}

/**
 * Proportions stay the same at every size so a million-asset tenant looks like the default one,
 * only bigger. The floors keep a small tenant able to show both sides of every rule.
 */
export function demoPlan(size: number): DemoPlan {
  const certificates = Math.round(size * 0.1);
  const keys = Math.round(size * 0.2);
  const plainSecrets = size - keys - 2 * certificates;
  const vaults = Math.max(5, Math.round(size / 500));
  const appRegistrations = Math.max(4, Math.round(size / 50));
  return {
    size,
    vaults,
    plainSecrets,
    keys,
    certificates,
    // Every data vault has at least one consuming app, so most of its secrets can be referenced.
    apps: Math.max(vaults - 1, 6, Math.round(size / 25)),
    appRegistrations,
    appCredentials: Math.max(8, appRegistrations * 2),
    syncRecords: Math.max(10, Math.round(size * 0.06)),
    rotationEvents: Math.max(12, Math.round(size / 12)),
  };
}
