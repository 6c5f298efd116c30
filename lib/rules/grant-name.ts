import { Grant, Invocation } from '../facts/model';

/**
 * A grant's logical id as a finding's message names it: with its stack when that is not the stack of
 * the invocation the finding is on, since logical ids are only unique within a template (two stacks
 * of one app may each have a `Perm`).
 */
export function grantName(g: Grant, inv: Invocation, label = g.site.logicalId): string {
  return g.site.stack === inv.site.stack ? label : `${label} (stack ${g.site.stack})`;
}
