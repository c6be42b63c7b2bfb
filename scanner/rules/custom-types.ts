import type { Severity } from './types.js';

export const CUSTOM_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'less_than',
  'exists',
  'not_exists',
] as const;
export const CUSTOM_FIELDS = [
  'expires_within_days',
  'tag_present',
  'enabled',
  'name_contains',
  'vault_name',
  'asset_type',
] as const;
export const CUSTOM_SCOPES = ['secrets', 'certificates', 'keys'] as const;

export type CustomOperator = (typeof CUSTOM_OPERATORS)[number];
export type CustomField = (typeof CUSTOM_FIELDS)[number];
export type CustomScope = (typeof CUSTOM_SCOPES)[number];

export interface CustomCondition {
  operator: CustomOperator;
  asset_field: CustomField;
  asset_scope: CustomScope;
  value: string | number | boolean | null;
}

/** A stored custom rule (rules.md, "Custom rules"). */
export interface CustomRuleDef {
  id: string;
  name: string;
  description: string;
  severity: Severity;
  /** Integer 1–30; defaults to the severity's weight when not given. */
  weight: number;
  enabled: boolean;
  condition: CustomCondition;
}
