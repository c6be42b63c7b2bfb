/**
 * Microsoft Entra ID sign-in to Azure Database for PostgreSQL (CERTIFY_DATABASE_AUTH=entra): an
 * access token from the same credential the Azure source uses (a managed identity in Azure, the
 * AZURE_* variables or a developer's sign-in elsewhere), asked for each new connection because
 * tokens live about an hour. The credential is built on the first connection, never on import.
 */
import type { TokenCredential } from '@azure/core-auth';
import { CertifyError } from '../base/errors.js';
import { DefaultAzureCredential } from '@azure/identity';

type Env = Readonly<Record<string, string | undefined>>;

export function entraDatabaseToken(env: Env): (scope: string) => Promise<string> {
  let credential: TokenCredential | null = null;
  return async (scope) => {
    const authorityHost = env.AZURE_AUTHORITY_HOST?.trim();
    credential ??= new DefaultAzureCredential(authorityHost ? { authorityHost } : {});
    const token = await credential.getToken(scope).catch((error: unknown) => {
      throw new CertifyError(
        'STORE_IO',
        `no Microsoft Entra ID token for PostgreSQL: ${(error as Error).message}`,
        [],
        'give the replica a managed identity (or set AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate), and make that principal a PostgreSQL Entra administrator or role',
      );
    });
    if (token === null) {
      throw new CertifyError('STORE_IO', 'the Azure credential returned no token for PostgreSQL');
    }
    return token.token;
  };
}
