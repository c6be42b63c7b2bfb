/** Credential provenance: compliance presets, the generator and signed provenance certificates. */
export {
  CHAR_CLASSES,
  DEFAULT_PRESET_ID,
  DIGITS,
  FORBIDDEN_SYMBOLS,
  LOWER,
  PRESET_IDS,
  SAFE_SYMBOLS,
  UPPER,
  findPreset,
  listPresets,
  presetProblems,
} from './presets.js';
export type { CharClass, Preset, PresetSource } from './presets.js';
export {
  ENTROPY_SOURCE,
  classAlphabets,
  countValidStrings,
  entropyBitsFor,
  fipsMode,
  generateCredential,
  log2BigInt,
  presetEntropyBits,
  requiredClasses,
} from './generate.js';
export type { GeneratedCredential, RandomSource } from './generate.js';
export {
  PROVENANCE_SCHEMA,
  PROVENANCE_TYP,
  issueCertificate,
  newCertificateId,
  payloadProblems,
  verifyCertificate,
} from './certificate.js';
export type {
  CertificateCheck,
  IssueInput,
  IssuedCertificate,
  ProvenancePayload,
  ProvenanceTarget,
  VerifyOptions,
} from './certificate.js';
