/**
 * The Teams SDK application (`@microsoft/teams.apps`), built from Certify's configuration and
 * hosted by Certify's server (host.ts). Credentials decide the app type, as Azure Bot names them:
 * a client secret with a tenant is SingleTenant, without one MultiTenant, and a managed identity
 * (no secret) UserAssignedMSI. With credentials the SDK validates every inbound Bot Framework
 * token with its own validator; without them (local mode) it lets requests through, and the
 * route (route.ts) lets only this machine's through to it.
 */
import { App } from '@microsoft/teams.apps';
import type { AppOptions } from '@microsoft/teams.apps';
import type { CloudEnvironment, TokenProvider } from '@microsoft/teams.api';
import type { TeamsConfig } from '../config.js';
import type { Log } from '../types.js';
import { CertifyHost } from './host.js';
import { sdkLogger } from './sdk-logger.js';

/** What the SDK would otherwise reach on the internet; tests and sovereign clouds replace them. */
export interface TeamsSdkPorts {
  /**
   * The cloud's endpoints (Bot Framework key set, token issuer, login). Default: the SDK's,
   * from its `CLOUD` variable (Public, USGov, USGovDoD, China).
   */
  cloud?: CloudEnvironment;
  /** Tokens for outgoing Bot Connector calls, instead of the SDK's MSAL client or managed identity. */
  token?: TokenProvider;
}

export interface TeamsApp {
  app: App;
  host: CertifyHost;
  /** False in local mode: no credentials, inbound tokens are not checked. */
  validating: boolean;
}

export function appIdOf(teams: TeamsConfig | null): string | null {
  const id = teams?.appId?.trim();
  return id ? id : null;
}

/**
 * The SDK's credential options. Every one is given ('' where there is none): the SDK falls back
 * to its own environment variables for an absent option, and what Certify validated at start-up
 * must be what the SDK uses.
 */
export function sdkCredentials(
  teams: TeamsConfig | null,
  ports: TeamsSdkPorts = {},
): Partial<AppOptions<never>> {
  const clientId = appIdOf(teams);
  if (teams === null || clientId === null) return { clientId: '', clientSecret: '', tenantId: '' };
  const tenantId = teams.appType === 'MultiTenant' ? '' : (teams.tenantId ?? '');
  if (ports.token) return { clientId, clientSecret: '', tenantId, token: ports.token };
  if (teams.appType === 'UserAssignedMSI') {
    return {
      clientId,
      clientSecret: '',
      tenantId,
      managedIdentityClientId: teams.managedIdentityClientId ?? clientId,
    };
  }
  return { clientId, clientSecret: teams.appPassword ?? '', tenantId };
}

/** Built when called (never at import time); `initialize()` hands the messaging handler to the host. */
export function createTeamsApp(teams: TeamsConfig | null, log: Log, ports: TeamsSdkPorts = {}): TeamsApp {
  const host = new CertifyHost();
  const validating = appIdOf(teams) !== null;
  const app = new App({
    ...sdkCredentials(teams, ports),
    ...(ports.cloud ? { cloud: ports.cloud } : {}),
    httpServerAdapter: host,
    logger: sdkLogger(log),
    // Given either way, so the SDK's own environment variable never decides it.
    dangerouslyAllowUnauthenticatedRequests: !validating,
    // Turn state and Agent 365 baggage are features Certify does not use.
    state: false,
    telemetry: { agent365: false },
  });
  return { app, host, validating };
}
