/**
 * Custom rules (rules.md, "Custom rules"): a whitelisted condition, validated field by field
 * (custom/validate.ts), compiled into a plain predicate (custom/compile.ts) and described in
 * plain English (custom/describe.ts). Nothing a user writes is ever evaluated as code.
 */
export { compileCustomRule } from './custom/compile.js';
export { describeCondition } from './custom/describe.js';
export {
  CUSTOM_FIELD_OPERATORS,
  CUSTOM_ID_PATTERN,
  validateCustomRule,
  type CustomRuleValidation,
} from './custom/validate.js';
