/**
 * The eleven evidence reports and the per-framework control matrix, as pure functions of an
 * EvidenceInput: the same input gives the same tables, and so the same CSV bytes.
 */
import type { EvidenceInput, ReportTable } from '../types.js';
import { algorithmStrength } from './algorithm-strength.js';
import { assetInventory } from './asset-inventory.js';
import { tableOf, type ReportSpec } from './common.js';
import { controlMatrix } from './control-matrix.js';
import { cryptoperiod } from './cryptoperiod.js';
import { dependencies } from './dependencies.js';
import { operatorAuditLog } from './operator-audit-log.js';
import { provenanceRegister } from './provenance-register.js';
import { recoverability } from './recoverability.js';
import { rotationEvents } from './rotation-events.js';
import { ruleViolations } from './rule-violations.js';
import { syncProvenance } from './sync-provenance.js';
import { vaultPosture } from './vault-posture.js';

export { CRYPTOPERIOD_PRESETS, CRYPTOPERIOD_TAGS } from './cryptoperiod.js';
export { SAMPLE_CAP } from './rule-violations.js';
export { CERTIFY_ROTATION_ACTION } from './rotation-events.js';
export { RSA_MIN_BITS, APPROVED_CURVES, PCI_MIN_SECURITY_BITS } from './algorithm-strength.js';
export type { ReportSpec, ReportContext } from './common.js';

/** The eleven reports, in the order the bundle lists them. */
export const REPORT_SPECS: readonly ReportSpec[] = Object.freeze([
  operatorAuditLog,
  rotationEvents,
  vaultPosture,
  dependencies,
  syncProvenance,
  recoverability,
  ruleViolations,
  cryptoperiod,
  algorithmStrength,
  assetInventory,
  provenanceRegister,
]);

export const CONTROL_MATRIX_SPEC: ReportSpec = controlMatrix;

export const REPORT_IDS: readonly string[] = Object.freeze(REPORT_SPECS.map((s) => s.id));

export function buildReports(input: EvidenceInput): ReportTable[] {
  return REPORT_SPECS.map((spec) => tableOf(spec, input));
}

/**
 * The eleven reports and the control matrix one at a time, so a large tenant's bundle holds one
 * table's rows at once instead of all twelve.
 */
export function* reportTables(input: EvidenceInput): Generator<ReportTable> {
  for (const spec of REPORT_SPECS) yield tableOf(spec, input);
  yield buildControlMatrix(input);
}

/** Id `control-matrix-<frameworkId>`, so bundles for several frameworks never collide. */
export function buildControlMatrix(input: EvidenceInput): ReportTable {
  return tableOf(controlMatrix, input, `control-matrix-${input.framework.id}`);
}
