/** The button verbs of the approval cards (evidence bundles, rotations), shared by parser and handlers. */
export const EVIDENCE_VERBS = [
  'evidence.show',
  'evidence.sign',
  'evidence.confirm',
  'evidence.cancel',
  'evidence.reject',
  'evidence.reject-confirm',
  'evidence.link',
] as const;
export type EvidenceVerb = (typeof EVIDENCE_VERBS)[number];

export const ROTATION_VERBS = [
  'rotation.show',
  'rotation.approve',
  'rotation.reject',
  'rotation.reject-confirm',
  'rotation.cancel',
] as const;
export type RotationVerb = (typeof ROTATION_VERBS)[number];
