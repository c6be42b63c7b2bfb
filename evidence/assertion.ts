/** The management assertion's wording: what a manager vouches for when signing a bundle. */
import type { Assertion, EvidenceInput } from './types.js';

export const ASSERTION_SCHEMA = 'certify.assertion/v1';

/**
 * The statement, in full. It vouches for scope, authorship and integrity — the three things
 * the audit workflow asks of management — and says plainly that it is not a compliance claim.
 */
export function assertionStatement(input: EvidenceInput, productVersion: string): string {
  const inv = input.snapshot.inventory;
  const subscriptions = new Set(inv.vaults.map((v) => v.subscriptionId)).size;
  return [
    `I confirm, for tenant ${inv.tenantId}, that the evidence in this bundle was produced by Certify ${productVersion}`,
    `from scan ${input.snapshot.scanId} taken at ${input.snapshot.at} (source: ${input.snapshot.source}),`,
    `which covered ${inv.vaults.length} Key Vault(s) in ${subscriptions} subscription(s) as listed in scope.json;`,
    `that this scope is the complete set of in-scope vaults for ${input.framework.name} for the audit period`,
    `${input.period.from} to ${input.period.to}, or that every exclusion is documented separately;`,
    'and that the reports reflect the state of those systems at the times shown.',
    'This assertion concerns scope, authorship and integrity of the evidence. It does not state that the',
    "requirements of any framework are met: that determination is the auditor's.",
  ].join(' ');
}

export function pendingAssertion(
  input: EvidenceInput,
  fields: {
    bundleId: string;
    productVersion: string;
    dataManifestSha256: string;
    requestedBy: Assertion['requestedBy'];
    local: boolean;
  },
): Assertion {
  return {
    schema: ASSERTION_SCHEMA,
    bundleId: fields.bundleId,
    framework: input.framework.id,
    period: input.period,
    statement: assertionStatement(input, fields.productVersion),
    dataManifestSha256: fields.dataManifestSha256,
    status: fields.local ? 'unsigned-local' : 'pending',
    requestedBy: fields.requestedBy,
    signer: null,
    signedAt: null,
  };
}
