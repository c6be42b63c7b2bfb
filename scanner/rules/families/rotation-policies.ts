/** The enabled rotation policies, the population of P010, P012, P013 and P014. */
import type { MatchState, RotationPolicy } from '../../inventory/types.js';

/** True when one of the policy's Key Vault matches is in `state`. */
export function hasMatch(p: RotationPolicy, state: MatchState): boolean {
  const matches = p.matches;
  for (let i = 0; i < matches.length; i++) if (matches[i]!.state === state) return true;
  return false;
}

/** How many policies are enabled, and the ids of the enabled ones that `fails`, in order. */
export function overEnabledPolicies(
  policies: readonly RotationPolicy[],
  fails: (p: RotationPolicy) => boolean,
): { evaluated: number; failing: string[] } {
  const failing: string[] = [];
  let evaluated = 0;
  for (let i = 0; i < policies.length; i++) {
    const p = policies[i]!;
    if (!p.enabled) continue;
    evaluated++;
    if (fails(p)) failing.push(p.id);
  }
  return { evaluated, failing };
}
