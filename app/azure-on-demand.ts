/**
 * The Azure adapters, loaded when first used. The Azure SDKs take about half a second to load,
 * which every CLI command and every start of the service paid although most never call Azure
 * (a snapshot or demo scan, the history, a rule change). The settings are still read (and a
 * mistake in them reported) when the adapter is built, as before; only the SDKs wait.
 */
import type { PublicJwk, SigningKey } from '../base/jws.js';
import type { Telemetry } from '../base/telemetry.js';
import type { SecretWriter } from '../provenance/writer.js';
import { readAzureEnv } from '../scanner/sources/azure/config.js';
import type { Source } from '../scanner/sources/types.js';
import type { EntraTokenProvider } from '../store/pg/pool.js';

type Env = Readonly<Record<string, string | undefined>>;

/** `make`'s result, made on the first call and shared by the calls after it. */
function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/** The Azure source (adapters/azure-source.ts). */
export function azureSourceOnDemand(env: Env, telemetry?: Telemetry): Source {
  readAzureEnv(env);
  const source = onFirstUse(async () =>
    (await import('../adapters/azure-source.js')).azureSourceFromEnv(env, telemetry),
  );
  return { id: 'azure', collect: async (ctx) => (await source()).collect(ctx) };
}

/** The Key Vault secret writer (adapters/keyvault-writer.ts). */
export function keyVaultWriterOnDemand(env: Env): SecretWriter {
  readAzureEnv(env);
  const writer = onFirstUse(async () =>
    (await import('../adapters/keyvault-writer.js')).keyVaultWriterFromEnv(env),
  );
  return { kind: 'azure', write: async (request) => (await writer()).write(request) };
}

/** The signing key kept in Key Vault (adapters/keyvault-signing-key.ts). */
export async function keyVaultSigningKeyOnDemand(
  env: Env,
  opts: { keyId: string; refreshMinutes?: number; extraKeys?: readonly PublicJwk[] },
): Promise<SigningKey> {
  return (await import('../adapters/keyvault-signing-key.js')).keyVaultSigningKeyFromEnv(env, opts);
}

/** Microsoft Entra ID tokens for PostgreSQL (adapters/entra-database-token.ts). */
export function entraDatabaseTokenOnDemand(env: Env): EntraTokenProvider {
  const provider = onFirstUse(async () =>
    (await import('../adapters/entra-database-token.js')).entraDatabaseToken(env),
  );
  return async (scope) => (await provider())(scope);
}
