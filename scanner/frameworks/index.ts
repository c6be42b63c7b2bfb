/**
 * The framework catalogue (frameworks.md) and look-ups over it. Frameworks are data that cite rule
 * ids; nothing here evaluates a rule.
 */
import { CertifyError } from '../../base/errors.js';
import { closest } from '../../base/closest.js';
import { asb } from './data/asb.js';
import { cis } from './data/cis.js';
import { hipaa } from './data/hipaa.js';
import { iso27001 } from './data/iso27001.js';
import { nist } from './data/nist.js';
import { pci } from './data/pci.js';
import { soc2 } from './data/soc2.js';
import type { Control, Framework, FrameworkId, Redirect } from './types.js';

export type * from './types.js';
export { closest, levenshtein } from '../../base/closest.js';
export type { ClosestOptions } from '../../base/closest.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Every framework, in catalogue order. Frozen: treat it as read-only data. */
export const FRAMEWORKS: readonly Framework[] = deepFreeze([cis, soc2, iso27001, nist, hipaa, pci, asb]);

export const FRAMEWORK_IDS: readonly FrameworkId[] = Object.freeze(FRAMEWORKS.map((f) => f.id));

/** Lower case, whitespace collapsed. */
function normName(s: string): string {
  return s.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Letters and digits only: `PCI_DSS`, `pci-dss` and `pci dss` all give `pcidss`. */
function looseName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function namesOf(f: Framework): string[] {
  return [f.id, ...f.aliases, f.shortName, f.name];
}

/** The framework with this id, alias or display name (case-insensitive). */
export function findFramework(name: string): Framework {
  const wanted = normName(name);
  const exact = FRAMEWORKS.find((f) => namesOf(f).some((n) => normName(n) === wanted));
  if (exact) return exact;
  const loose = looseName(wanted);
  if (loose !== '') {
    const found = FRAMEWORKS.find((f) => namesOf(f).some((n) => looseName(n) === loose));
    if (found) return found;
  }
  const byCandidate = new Map<string, FrameworkId>();
  for (const f of FRAMEWORKS) for (const n of [f.id, ...f.aliases]) byCandidate.set(n, f.id);
  const near = closest(wanted, byCandidate.keys());
  const suggestion = near === undefined ? '' : `; did you mean "${byCandidate.get(near)}"?`;
  throw new CertifyError(
    'UNKNOWN_FRAMEWORK',
    `unknown framework "${name.trim()}"`,
    [],
    `known frameworks: ${FRAMEWORK_IDS.join(', ')}${suggestion}`,
  );
}

/** The framework with this id. */
export function getFramework(id: FrameworkId): Framework {
  const found = FRAMEWORKS.find((f) => f.id === id);
  if (!found) throw new CertifyError('UNKNOWN_FRAMEWORK', `unknown framework "${id}"`);
  return found;
}

export type ControlLookup =
  | { kind: 'control'; control: Control }
  /** Every control under a heading: `pci 3.7` → 3.7.4, 3.7.5; `soc2 cc6` → CC6.x. */
  | { kind: 'prefix'; query: string; controls: Control[] }
  /** An id the seed mapping used that is not in our catalogue, with the controls that hold its evidence. */
  | { kind: 'redirect'; redirect: Redirect; controls: Control[] };

/** Prefixes a user may leave out: `8.24` is ISO A.8.24; `(b)` and `312(b)` are HIPAA 164.312(b). */
const IMPLIED_PREFIXES: Partial<Record<FrameworkId, readonly string[]>> = {
  iso27001: ['A.'],
  hipaa: ['164.312', '164.'],
};

/** The spellings of a query worth trying, most literal first. */
function queryForms(framework: Framework, query: string): string[] {
  const base = query.trim().replace(/^§\s*/, '');
  const compact = base.replace(/\s+/g, '');
  const forms = [base, compact];
  for (const prefix of IMPLIED_PREFIXES[framework.id] ?? []) {
    if (compact !== '' && !compact.toLowerCase().startsWith(prefix.toLowerCase()))
      forms.push(prefix + compact);
  }
  return [...new Set(forms)].filter((f) => f !== '');
}

/** Case-insensitive, ignoring whitespace, `-`, `_` and `§`: `dp5` finds DP-5, `sc 12` finds SC-12. */
function looseId(s: string): string {
  return s.toLowerCase().replace(/[\s\-_§]/g, '');
}

const BOUNDARY = new Set(['.', '(', '-']);

/** True when `id` lies under the heading `head`, splitting only at `.`, `(` or `-`. */
function isUnder(id: string, head: string): boolean {
  const i = id.toLowerCase();
  const h = head.toLowerCase();
  if (i.length <= h.length || !i.startsWith(h)) return false;
  return BOUNDARY.has(h[h.length - 1]!) || BOUNDARY.has(i[h.length]!);
}

function controlsByIds(framework: Framework, ids: readonly string[]): Control[] {
  return ids.map((id) => {
    const control = framework.controls.find((c) => c.id === id);
    if (!control) throw new Error(`framework ${framework.id}: redirect to unknown control ${id}`);
    return control;
  });
}

function redirectResult(framework: Framework, redirect: Redirect): ControlLookup {
  return { kind: 'redirect', redirect, controls: controlsByIds(framework, redirect.to) };
}

/**
 * Finds a control of `framework`: exact id, then case-insensitive (also with an implied prefix such
 * as ISO's `A.`), then ignoring separators, then an id the seed used (redirect), then every control
 * under a heading (prefix). Throws UNKNOWN_CONTROL with the known ids and the nearest one.
 */
export function lookupControl(framework: Framework, query: string): ControlLookup {
  const forms = queryForms(framework, query);
  const { controls, redirects } = framework;

  const exact = controls.find((c) => c.id === query.trim());
  if (exact) return { kind: 'control', control: exact };

  for (const form of forms) {
    const found = controls.find((c) => c.id.toLowerCase() === form.toLowerCase());
    if (found) return { kind: 'control', control: found };
  }
  for (const form of forms) {
    const found = controls.filter((c) => looseId(c.id) === looseId(form));
    if (found.length === 1) return { kind: 'control', control: found[0]! };
  }

  for (const form of forms) {
    const found = redirects.find((r) => r.from.toLowerCase() === form.toLowerCase());
    if (found) return redirectResult(framework, found);
  }
  for (const form of forms) {
    const found = redirects.filter((r) => looseId(r.from) === looseId(form));
    if (found.length === 1) return redirectResult(framework, found[0]!);
  }

  for (const form of forms) {
    const found = controls.filter((c) => isUnder(c.id, form));
    if (found.length > 0) return { kind: 'prefix', query: query.trim(), controls: found };
  }

  const ids = controls.map((c) => c.id);
  const near = forms.length > 0 ? closest(forms[0]!, ids) : undefined;
  throw new CertifyError(
    'UNKNOWN_CONTROL',
    `unknown control "${query.trim()}" in ${framework.name}`,
    [],
    `${framework.shortName} controls: ${ids.join(', ')}` +
      (near === undefined ? '' : `; did you mean "${near}"?`),
  );
}

/** The distinct rule ids a framework cites, in order of first citation. */
export function citedRuleIds(framework: Framework): string[] {
  const ids = new Set<string>();
  for (const control of framework.controls) for (const c of control.citations) ids.add(c.rule);
  return [...ids];
}

/** Every rule id cited by at least one framework. */
export function allCitedRuleIds(): Set<string> {
  const ids = new Set<string>();
  for (const f of FRAMEWORKS) for (const id of citedRuleIds(f)) ids.add(id);
  return ids;
}
