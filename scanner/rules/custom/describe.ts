/**
 * Custom rule descriptions: what a validated condition selects, in plain English, and what an
 * operator does so that a selected asset is no longer selected.
 */
import type { CustomCondition, CustomScope } from '../custom-types.js';
import { parseTag, selectsPresence } from './condition.js';

const SINGULAR: Readonly<Record<CustomScope, string>> = {
  secrets: 'secret',
  certificates: 'certificate',
  keys: 'key',
};

function days(n: number): string {
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

function typeName(scope: CustomScope): string {
  return scope === 'secrets' ? 'content type' : 'key type';
}

/** A plain-English description of what a condition selects, e.g. `secrets whose tag env=production is missing`. */
export function describeCondition(c: CustomCondition): string {
  const s = c.asset_scope;
  const v = c.value;
  switch (c.asset_field) {
    case 'expires_within_days':
      switch (c.operator) {
        case 'greater_than':
          return `${s} with more than ${days(v as number)} left before they expire`;
        case 'less_than':
          return `${s} with less than ${days(v as number)} left before they expire (expired ones included)`;
        case 'equals':
          return `${s} with exactly ${days(v as number)} left before they expire (whole days)`;
        case 'not_equals':
          return `${s} with an expiry date and not exactly ${days(v as number)} left (whole days)`;
        case 'exists':
          return `${s} that have an expiry date`;
        case 'not_exists':
          return `${s} that have no expiry date`;
      }
      break;
    case 'tag_present':
      return `${s} whose tag ${String(v)} is ${selectsPresence(c.operator) ? 'present' : 'missing'}`;
    case 'enabled':
      return `${s} that are ${(c.operator === 'equals') === v ? 'enabled' : 'disabled'}`;
    case 'name_contains':
      return `${s} whose name ${selectsPresence(c.operator) ? 'contains' : 'does not contain'} ${JSON.stringify(v)} (ignoring case)`;
    case 'vault_name':
      return `${s} ${c.operator === 'equals' ? 'in' : 'outside'} vault ${String(v)}`;
    case 'asset_type':
      switch (c.operator) {
        case 'equals':
          return `${s} whose ${typeName(s)} is ${String(v)}`;
        case 'not_equals':
          return `${s} whose ${typeName(s)} is not ${String(v)} (or is not set)`;
        case 'exists':
          return `${s} that have a ${typeName(s)}`;
        case 'not_exists':
          return `${s} that have no ${typeName(s)}`;
      }
      break;
  }
  return `${s} matching ${c.asset_field} ${c.operator} ${String(v)}`;
}

/** What an operator does so that a selected asset is no longer selected. */
export function remediationFor(c: CustomCondition): string {
  const one = SINGULAR[c.asset_scope];
  const each = `each listed ${one}`;
  const v = c.value;
  switch (c.asset_field) {
    case 'expires_within_days':
      switch (c.operator) {
        case 'greater_than':
          return `Bring the expiry date of ${each} to at most ${days(v as number)} from now, or rotate it to one that expires sooner.`;
        case 'less_than':
          return `Renew or rotate ${each} so that it has at least ${days(v as number)} left before it expires.`;
        case 'equals':
          return `Move the expiry date of ${each} so that it is not exactly ${days(v as number)} away.`;
        case 'not_equals':
          return `Set the expiry date of ${each} to exactly ${days(v as number)} from now.`;
        case 'exists':
          return `Remove the expiry date from ${each}.`;
        case 'not_exists':
          return `Set an expiry date on ${each}, in line with your rotation policy.`;
      }
      break;
    case 'tag_present': {
      const { key, value } = parseTag(v as string);
      if (selectsPresence(c.operator)) {
        return value === null
          ? `Remove the tag ${key} from ${each}.`
          : `Remove the tag ${key} from ${each}, or give it a value other than ${value}.`;
      }
      return value === null ? `Add a tag ${key} to ${each}.` : `Add the tag ${key}=${value} to ${each}.`;
    }
    case 'enabled':
      return `${(c.operator === 'equals') === v ? 'Disable' : 'Enable'} ${each}.`;
    case 'name_contains':
      return selectsPresence(c.operator)
        ? `Replace ${each} with one whose name does not contain ${JSON.stringify(v)} (Key Vault cannot rename in place).`
        : `Replace ${each} with one whose name contains ${JSON.stringify(v)} (Key Vault cannot rename in place).`;
    case 'vault_name':
      return c.operator === 'equals'
        ? `Move ${each} out of vault ${String(v)}.`
        : `Move ${each} into vault ${String(v)}.`;
    case 'asset_type': {
      const what = typeName(c.asset_scope);
      const act = c.asset_scope === 'secrets' ? `Set the ${what} of ${each}` : `Replace ${each} with one`;
      switch (c.operator) {
        case 'equals':
          return c.asset_scope === 'secrets'
            ? `${act} to something other than ${String(v)}.`
            : `${act} whose ${what} is not ${String(v)}.`;
        case 'not_equals':
          return c.asset_scope === 'secrets' ? `${act} to ${String(v)}.` : `${act} of ${what} ${String(v)}.`;
        case 'exists':
          return c.asset_scope === 'secrets'
            ? `Clear the ${what} of ${each}.`
            : `${act} that has no ${what}.`;
        case 'not_exists':
          return c.asset_scope === 'secrets' ? `Set a ${what} on ${each}.` : `${act} whose ${what} is known.`;
      }
      break;
    }
  }
  return `Change ${each} so that it no longer matches the rule.`;
}
