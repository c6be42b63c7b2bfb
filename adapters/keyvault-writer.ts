/**
 * The product's one write, against Azure: a new Key Vault secret version through the official
 * SDK (`SecretClient.setSecret`), built from the environment at the edge like the Azure source
 * (azure-wiring.ts): DefaultAzureCredential, one keep-alive agent (a CONNECT tunnel through
 * HTTPS_PROXY), the scanner's retry layer and Key Vault challenge-verification setting.
 *
 * The value goes into the request and nowhere else. Failures are reported from the status and
 * Key Vault's error codes only: an SDK error carries the request (and so the value) with it, so
 * neither the error, its message nor its cause is ever passed on or logged.
 */
import { STATUS_CODES, type Agent } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import type { SecretWrite, SecretWriter, SecretWriteResult } from '../provenance/writer.js';
import { MAX_TAG_VALUE } from '../provenance/writer.js';
import { CertifyError } from '../base/errors.js';
import { readAzureEnv, type AzureSettings } from '../scanner/sources/azure/index.js';
import { SECRET_NAME, VAULT_NAME } from '../scanner/sources/azure/names.js';
import { retryPolicy } from '../scanner/sources/azure/retry.js';
import { agentsFor, azureCredential } from './azure-wiring.js';

/** Key Vault's documented limits: 25 KB per secret value, 15 tags, tag names up to 512 characters. */
const MAX_VALUE_BYTES = 25 * 1024;
const MAX_TAGS = 15;
const MAX_TAG_NAME = 512;
const MAX_CONTENT_TYPE = 255;

export interface KeyVaultWriterPorts {
  credential: TokenCredential;
  settings: AzureSettings;
  /** Agent for a vault host; undefined lets the SDK use its default. */
  agentFor?: (host: string) => Agent | undefined;
  random?: () => number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Checks what Key Vault would refuse, before any request, naming the field and never the value. */
function validate(request: SecretWrite): void {
  const problems: string[] = [];
  const vault = typeof request.vault === 'string' ? request.vault : '';
  const name = typeof request.name === 'string' ? request.name : '';
  // Key Vault's naming rules, and no consecutive hyphens in a vault name.
  if (!VAULT_NAME.test(vault) || vault.includes('--'))
    problems.push(
      `vault "${vault}": 3–24 characters, letters, digits and single hyphens, starting with a letter and not ending with a hyphen`,
    );
  if (!SECRET_NAME.test(name))
    problems.push(`secret name "${name}": 1–127 characters, letters, digits and hyphens only`);
  if (typeof request.value !== 'string' || request.value.length === 0)
    problems.push('value: must be a non-empty string');
  else if (Buffer.byteLength(request.value, 'utf8') > MAX_VALUE_BYTES)
    problems.push(`value: larger than Key Vault's ${MAX_VALUE_BYTES}-byte limit`);
  const tags = Object.entries(request.tags ?? {});
  if (tags.length > MAX_TAGS) problems.push(`tags: ${tags.length} given, Key Vault allows ${MAX_TAGS}`);
  for (const [k, v] of tags) {
    if (k.length === 0 || k.length > MAX_TAG_NAME)
      problems.push(`tag "${k.slice(0, 40)}": name must be 1–${MAX_TAG_NAME} characters`);
    if (typeof v !== 'string' || v.length > MAX_TAG_VALUE)
      problems.push(`tag "${k.slice(0, 40)}": value must be a string of at most ${MAX_TAG_VALUE} characters`);
  }
  if (
    request.expiresOn !== null &&
    !(request.expiresOn instanceof Date && !Number.isNaN(request.expiresOn.getTime()))
  )
    problems.push('expiresOn: not a valid date');
  if (typeof request.contentType !== 'string' || request.contentType.length > MAX_CONTENT_TYPE)
    problems.push(`contentType: must be a string of at most ${MAX_CONTENT_TYPE} characters`);
  if (problems.length > 0) {
    throw new CertifyError(
      'BAD_INPUT',
      `cannot write secret "${name}" to Key Vault "${vault}": the request is invalid`,
      problems,
      'fix the fields named above',
    );
  }
}

interface KeyVaultErrorLike {
  statusCode?: number;
  code?: string;
  name?: string;
  details?: { error?: { code?: string; innerError?: { code?: string } } };
}

/** Only fields that cannot hold the request body are read: status and service codes. */
function failure(vault: string, name: string, error: unknown): CertifyError {
  const e = (error ?? {}) as KeyVaultErrorLike;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const inner =
    typeof e.details?.error?.innerError?.code === 'string' ? e.details.error.innerError.code : undefined;
  const codes = [code, inner].filter((c): c is string => !!c && c !== STATUS_CODES[status ?? 0]);
  const codeText = codes.length > 0 ? ` ${codes.join('/')}` : '';
  if (status === undefined) {
    const why =
      e.name === 'AbortError' || e.name === 'TimeoutError'
        ? 'the request timed out'
        : `${code ?? 'connection failed'}`;
    return new CertifyError(
      'SOURCE_FAILED',
      `Key Vault ${vault} could not be reached to write ${name}: ${why}`,
      [],
      'check that the vault exists, its DNS name resolves from here, and HTTPS_PROXY / NO_PROXY',
    );
  }
  const statusText = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  let hint: string;
  if (status === 403 && inner === 'ForbiddenByFirewall')
    hint = "the vault's firewall does not admit this client: allow its address or use a private endpoint";
  else if (status === 403)
    hint = 'the identity needs the Key Vault Secrets Officer role or a set-secret access policy';
  else if (status === 401) hint = 'authentication failed: check the credential and AZURE_TENANT_ID';
  else if (status === 409) hint = 'a deleted secret of this name is being kept: recover or purge it first';
  else if (status === 400) hint = 'Key Vault rejected the request as invalid';
  else if (status === 404) hint = 'no such vault or secret endpoint';
  else if (status === 429 || status >= 500) hint = 'Key Vault kept failing after retries: try again later';
  else hint = 'unexpected answer from Key Vault';
  return new CertifyError(
    'SOURCE_FAILED',
    `Key Vault ${vault} refused to write ${name}: ${statusText}${codeText} (${hint})`,
  );
}

/** A SecretWriter over given ports (tests build it directly; the product uses keyVaultWriterFromEnv). */
export function keyVaultWriter(ports: KeyVaultWriterPorts): SecretWriter {
  const { settings, credential } = ports;
  const clients = new Map<string, SecretClient>();
  const clientFor = (vault: string): SecretClient => {
    const host = `${vault.toLowerCase()}.${settings.vaultDnsSuffix}`;
    let client = clients.get(host);
    if (!client) {
      const agent = ports.agentFor?.(host);
      // The scanner's single retry layer, so a write backs off on 429/5xx as reads do. A retried
      // PUT after a lost answer may leave one extra version with the same value: harmless.
      client = new SecretClient(`https://${host}`, credential, {
        retryOptions: { maxRetries: 0 },
        additionalPolicies: [
          {
            policy: retryPolicy({ maxRetries: settings.maxRetries, random: ports.random }),
            position: 'perCall',
          },
        ],
        userAgentOptions: { userAgentPrefix: 'certify' },
        disableChallengeResourceVerification: !settings.keyVaultChallengeVerification,
        ...(agent ? { agent } : {}),
      });
      clients.set(host, client);
    }
    return client;
  };

  return {
    kind: 'azure',
    async write(request: SecretWrite): Promise<SecretWriteResult> {
      validate(request);
      const { vault, name } = request;
      let properties: { id?: string; version?: string; vaultUrl?: string };
      try {
        const secret = await clientFor(vault).setSecret(name, request.value, {
          tags: { ...request.tags },
          contentType: request.contentType,
          enabled: true,
          // null would be sent as `"exp": null`; no expiry is expressed by leaving it out.
          ...(request.expiresOn ? { expiresOn: request.expiresOn } : {}),
          requestOptions: { timeout: settings.requestTimeoutMs },
        });
        properties = secret.properties;
      } catch (error) {
        throw failure(vault, name, error);
      }
      const { id, version, vaultUrl } = properties;
      if (!id || !version || !vaultUrl) {
        throw new CertifyError(
          'SOURCE_FAILED',
          `Key Vault ${vault} accepted ${name} but answered without a versioned id`,
        );
      }
      return { id, version, vaultUrl };
    },
  };
}

export function keyVaultWriterFromEnv(env: Env): SecretWriter {
  const settings = readAzureEnv(env);
  // Decided per vault host (not by the ARM endpoint as the scanner does): NO_PROXY may list vaults.
  const agentFor = agentsFor(settings, settings.perVaultConcurrency);
  return keyVaultWriter({ credential: azureCredential(settings), settings, agentFor });
}
