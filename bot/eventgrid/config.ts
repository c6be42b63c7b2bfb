/**
 * The Event Grid route's settings, read from the environment by a pure function: which
 * credential a delivery must carry, and how a Key Vault event's object becomes the asset id the
 * scans use. No credential configured means no route at all: the endpoint is never open.
 */

/** Shorter keys are guessable from the outside in a useful time; 16 characters is a floor, not advice. */
export const MIN_KEY_LENGTH = 16;
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export interface EventGridConfig {
  /** CERTIFY_EVENTGRID_KEY: the delivery URL's `?key=`; null when only Entra tokens are accepted. */
  key: string | null;
  /** Entra ID bearer tokens; null when only the key is accepted. */
  entra: {
    /** CERTIFY_EVENTGRID_AUDIENCE: the application id or URI Event Grid asks a token for. */
    audience: string;
    /** CERTIFY_EVENTGRID_TENANT_ID, else AZURE_TENANT_ID: whose keys sign the tokens. */
    tenantId: string;
    /** CERTIFY_EVENTGRID_AUTHORITY_HOST, else AZURE_AUTHORITY_HOST, else the public cloud's. */
    authorityHost: string;
  } | null;
  /** Key Vault's DNS suffix, as the Azure source uses it for vault hosts (asset ids). */
  vaultDnsSuffix: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function get(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * An authority host: https, or http on a loopback address (a local stand-in in tests; tokens
 * signed by keys fetched over plain http from anywhere else could be forged on the way).
 */
function authority(text: string, name: string, problems: string[]): string {
  try {
    const url = new URL(text);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      problems.push(`${name}: "${text}" must be an https:// URL (the signing keys are fetched from it)`);
    }
    return url.origin;
  } catch {
    problems.push(`${name}: "${text}" is not a URL; set e.g. ${DEFAULT_AUTHORITY_HOST}`);
    return DEFAULT_AUTHORITY_HOST;
  }
}

/**
 * The Event Grid settings, or null when neither credential is set (the route is then off).
 * Problems are pushed onto `problems`, named by variable; a key's value is never echoed.
 */
export function readEventGridEnv(
  env: Env,
  vaultDnsSuffix: string,
  problems: string[],
): EventGridConfig | null {
  const key = get(env, 'CERTIFY_EVENTGRID_KEY');
  const audience = get(env, 'CERTIFY_EVENTGRID_AUDIENCE');
  const tenantVar = get(env, 'CERTIFY_EVENTGRID_TENANT_ID')
    ? 'CERTIFY_EVENTGRID_TENANT_ID'
    : 'AZURE_TENANT_ID';
  const tenantId = get(env, tenantVar);
  const authorityVar = get(env, 'CERTIFY_EVENTGRID_AUTHORITY_HOST')
    ? 'CERTIFY_EVENTGRID_AUTHORITY_HOST'
    : 'AZURE_AUTHORITY_HOST';
  if (!key && !audience) {
    if (get(env, 'CERTIFY_EVENTGRID_TENANT_ID')) {
      problems.push(
        'CERTIFY_EVENTGRID_TENANT_ID: set without CERTIFY_EVENTGRID_AUDIENCE; set the audience (the application id or URI of the Event Grid subscription) or remove it',
      );
    }
    return null;
  }
  if (key !== undefined && key.length < MIN_KEY_LENGTH) {
    problems.push(
      `CERTIFY_EVENTGRID_KEY: shorter than ${MIN_KEY_LENGTH} characters; generate one with: openssl rand -hex 32`,
    );
  }
  if (key !== undefined && !/^[A-Za-z0-9._~-]+$/.test(key)) {
    problems.push(
      'CERTIFY_EVENTGRID_KEY: has characters that need escaping in a URL; use letters, digits and - . _ ~ only (e.g. openssl rand -hex 32)',
    );
  }
  let entra: EventGridConfig['entra'] = null;
  if (audience) {
    if (!tenantId) {
      problems.push(
        "CERTIFY_EVENTGRID_TENANT_ID: missing while CERTIFY_EVENTGRID_AUDIENCE is set (AZURE_TENANT_ID is not set either); set the directory (tenant) id whose Entra ID signs Event Grid's tokens",
      );
    } else if (!GUID.test(tenantId)) {
      problems.push(`${tenantVar}: "${tenantId}" is not a tenant id (a GUID)`);
    }
    const authorityHost = authority(
      get(env, authorityVar) ?? DEFAULT_AUTHORITY_HOST,
      get(env, authorityVar) ? authorityVar : 'AZURE_AUTHORITY_HOST',
      problems,
    );
    entra = { audience, tenantId: tenantId ?? '', authorityHost };
  }
  return { key: key ?? null, entra, vaultDnsSuffix };
}
