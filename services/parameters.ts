/**
 * Organisation parameters as an application service: the one place they are read, changed and
 * reset, and every change recorded in the operator audit log (one `parameter.set` or
 * `parameter.reset` entry per parameter that changed, with its old and new value). The chat
 * handlers and the CLI both parse their input and call this; the checks of rules.md decide what
 * a value may be.
 *
 * Who may change them is decided here, on the server: in chat only the users in
 * CERTIFY_APPROVERS (a refusal is logged as `parameter.set.refused` / `parameter.reset.refused`);
 * the CLI (`channel: 'cli'`) runs on the data dir's machine with its file permissions, as its
 * operator, and needs no approver — the same as for custom rules.
 */
import { CertifyError } from '../base/errors.js';
import type { Actor } from '../evidence/types.js';
import { DEFAULT_PARAMETERS, PARAMETER_NAMES, type OrgParameters } from '../scanner/rules/parameters.js';
import {
  applyParameterChanges,
  effectiveParameters,
  resetParameters,
  type ParameterName,
  type ParameterOutcome,
  type ParameterValues,
} from '../scanner/rules/parameters-check.js';
import type { AuditLog } from '../store/audit-log.js';
import type { ParameterStore } from '../store/parameters.js';

/** Who changes a parameter, and when the change is recorded. */
export interface ParameterChangeBy {
  actor: Actor;
  /** Epoch ms of the audit entry. */
  at: number;
}

export interface ParameterState {
  /** The values every scan uses now. */
  effective: OrgParameters;
  /** The values set in the data dir (the others are defaults). */
  set: ParameterValues;
}

export interface ParameterChange {
  name: ParameterName;
  from: number;
  to: number;
}

export interface ParameterChangeResult {
  state: ParameterState;
  /** What changed, in PARAMETER_NAMES order; empty when every value already was as asked. */
  changed: ParameterChange[];
}

export interface ParameterService {
  current(): Promise<ParameterState>;
  /** The values every scan uses now. */
  effective(): Promise<OrgParameters>;
  /** Whether `actor` may change parameters (chat: an approver; the CLI: its operator). */
  mayChange(actor: Actor): boolean;
  /** Sets one or more parameters (names as typed, ignoring case); refused whole on any problem. */
  set(
    changes: readonly (readonly [string, unknown])[],
    by: ParameterChangeBy,
  ): Promise<ParameterChangeResult>;
  /** Back to the defaults: the parameters named, or every one when `names` is empty. */
  reset(names: readonly string[], by: ParameterChangeBy): Promise<ParameterChangeResult>;
}

/** The channel whose actor is the data dir's own operator. */
const LOCAL_OPERATOR_CHANNEL = 'cli';

const HINT = 'Nothing was changed: fix the values named above (rules.md, "Organisation parameters").';

/**
 * `audit: null` is for wirings without an operator audit log (tests). The log is appended to
 * only after the store accepted the change, so a refused value leaves no trace; a refused
 * person does.
 */
export function createParameterService(deps: {
  store: ParameterStore;
  audit: Pick<AuditLog, 'append'> | null;
  /** User ids allowed to change parameters from chat. */
  approvers: readonly string[];
}): ParameterService {
  const { store } = deps;
  const approvers = new Set(deps.approvers);
  const mayChange = (actor: Actor) => actor.channel === LOCAL_OPERATOR_CHANNEL || approvers.has(actor.id);

  const stateOf = (values: ParameterValues): ParameterState => ({
    effective: effectiveParameters(values),
    set: values,
  });

  async function allowed(action: string, actor: Actor, at: number): Promise<void> {
    if (mayChange(actor)) return;
    const who = actor.name || actor.id;
    const reason = `${who} is not an approver: only the users in CERTIFY_APPROVERS can change organisation parameters`;
    await deps.audit?.append({ action: `${action}.refused`, actor, subject: null, details: { reason } }, at);
    throw new CertifyError(
      'FORBIDDEN',
      reason,
      [],
      approvers.size === 0
        ? 'No approvers are configured: set CERTIFY_APPROVERS to a comma-separated list of user ids.'
        : 'Ask an approver to make the change; anyone can see the values with /certify parameters.',
    );
  }

  /**
   * Stores what `decide` makes of the stored values (decided again under the file's lock, on
   * what another process may have written meanwhile) and records each parameter that changed.
   */
  async function commit(
    action: 'parameter.set' | 'parameter.reset',
    decide: (values: ParameterValues) => ParameterOutcome,
    by: ParameterChangeBy,
  ): Promise<ParameterChangeResult> {
    await allowed(action, by.actor, by.at);
    const refuse = (problems: string[]) =>
      new CertifyError('BAD_INPUT', 'the organisation parameters were not changed', problems, HINT);
    // Decided first on what is stored now, so a change that changes nothing writes nothing.
    const stored = await store.values();
    const first = decide(stored);
    if (!first.ok) throw refuse(first.problems);
    if (sameSet(first.values, stored)) return { state: stateOf(stored), changed: [] };
    const { before: was, after } = await store.change((values) => {
      const outcome = decide(values);
      if (!outcome.ok) throw refuse(outcome.problems);
      return outcome.values;
    });
    const from = effectiveParameters(was);
    const to = effectiveParameters(after);
    const changed = PARAMETER_NAMES.filter((n) => from[n] !== to[n]).map((name) => ({
      name,
      from: from[name],
      to: to[name],
    }));
    for (const c of changed) {
      await deps.audit?.append(
        {
          action,
          actor: by.actor,
          subject: c.name,
          details: { from: c.from, to: c.to, default: DEFAULT_PARAMETERS[c.name] },
        },
        by.at,
      );
    }
    return { state: stateOf(after), changed };
  }

  return {
    async current() {
      return stateOf(await store.values());
    },
    async effective() {
      return effectiveParameters(await store.values());
    },
    mayChange,
    set(changes, by) {
      return commit('parameter.set', (values) => applyParameterChanges(values, changes), by);
    },
    reset(names, by) {
      return commit('parameter.reset', (values) => resetParameters(values, names), by);
    },
  };
}

function sameSet(a: ParameterValues, b: ParameterValues): boolean {
  return PARAMETER_NAMES.every((n) => a[n] === b[n]);
}
