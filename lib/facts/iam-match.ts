import { globMatch, iamComponentsMatch } from './arn-like';
import type { IamStatement, TrustStatement } from './iam-model';
import { actionGlob, classifyPrincipal } from './policy-terms';
import { Part, Sym, isAtom, literalOf, sym } from './value';

/** Pure IAM matching: actions, resources, trust principals (semantics.md §0, §6.5, §6.7). */

/** Case-insensitive IAM action glob (`lambda:Invoke*`, `*`); NotAction inverts. */
export function actionMatches(s: { actions?: readonly string[]; notActions?: readonly string[] }, action: string): boolean {
  if (s.actions) return s.actions.some((a) => actionGlob(a, action));
  if (s.notActions) return !s.notActions.some((a) => actionGlob(a, action));
  return false;
}

export function resourceCovered(s: IamStatement, matches: (pattern: Sym) => boolean): boolean {
  if (s.resources) return s.resources.some(matches);
  if (s.notResources) return !s.notResources.some(matches);
  return false;
}

export function trustActionMatches(t: TrustStatement): boolean {
  return actionMatches(t, 'sts:assumerole');
}

export function trustPrincipalMatches(t: TrustStatement): boolean {
  const hit = t.principals.some((v) => v === '*' || classifyPrincipal(v) === 'apigateway');
  return t.notPrincipal ? !hit : hit;
}

/**
 * IAM `Resource` matching of an ARN pattern: partition, service, region and account compared
 * per component (pseudo parameters match any literal, as we cannot know the deploy environment),
 * the resource part as a glob where `*` also spans `:` and `/`.
 */
export function iamArnMatch(pattern: Sym, value: Sym): boolean {
  if (literalOf(pattern) === '*') return true;
  const six = iamComponentsMatch(pattern, value);
  if (six !== undefined) return six;
  // Short patterns such as `arn:aws:lambda:*`: a whole-string glob, pseudo parameters as wildcards.
  const loose = (s: Sym): Sym => sym(...s.map((x: Part) => (isAtom(x) && x.kind === 'pseudo' ? '*' : x)));
  return globMatch(loose(pattern), value);
}
