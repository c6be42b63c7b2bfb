/**
 * Key Vault's naming rules, the one copy: checked before a rotation is requested and before a
 * secret is written, and for the secret name of a `VaultName=…;SecretName=…` reference.
 */

/**
 * A vault name: 3–24 letters, digits and hyphens, starting with a letter and not ending with a
 * hyphen. (Key Vault also refuses two hyphens in a row; a check that wants that says so.)
 */
export const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/** A secret name: 1–127 letters, digits and hyphens. */
export const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
