import { CfnElement, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { refKey, refLabel } from '../facts/function-ref';
import { InvocationPath } from '../facts/model';
import { literalOf, renderSym, sym, symKey } from '../facts/value';
import { listPaths } from '../rules/coverage';
import { FunctionTargets } from './function-target';
import { fixLogicalId } from './logical-id';
import { PermissionGroup, PermissionRequest } from './permission-plan';
import { StackGraph } from './placement';
import { sourceArnToken } from './source-arn';
import { ElementIndex, symToToken } from './tokens';

const APIGW = 'apigateway.amazonaws.com';

export interface FixContext {
  readonly index: ElementIndex;
  readonly stackObjects: ReadonlyMap<string, Stack>;
  readonly graph: StackGraph;
  readonly targets: FunctionTargets;
}

/** What one added (or already present) permission repairs. */
export interface AddedPermission {
  readonly logicalId: string;
  readonly stack: Stack;
  readonly sourceArn: string;
  readonly paths: ReadonlySet<InvocationPath>;
  /** The permission added now; absent when an equal one was there already (kept). */
  readonly created?: lambda.CfnPermission;
}

/** The outcome for one request (finding): the permissions that cover its paths, and what could not be done. */
export interface RequestOutcome {
  readonly request: PermissionRequest;
  readonly added: AddedPermission[];
  readonly problems: string[];
}

/**
 * Adds one `AWS::Lambda::Permission` (L1 `CfnPermission`) per pattern of the group, in the stack
 * that owns the integration unless that would create a cross-stack cycle (then the function's
 * stack, then the API's). Logical ids hash (function reference, API, pattern), so an existing
 * construct with that id means the grant is already there and nothing is added twice.
 */
export function addPermissions(group: PermissionGroup, ctx: FixContext): RequestOutcome[] {
  const outcomes = group.requests.map((request) => ({ request, added: [] as AddedPermission[], problems: [] as string[] }));
  const fn = ctx.targets.arn(group.ref);
  const apiId = symToToken(group.api.id, ctx.index);
  if (!fn || !apiId) {
    const what = !fn ? `the function reference ${renderSym(group.ref.value)}` : `the API id ${renderSym(group.api.id)}`;
    for (const o of outcomes) o.problems.push(`${what} cannot be rebuilt from the app's resources`);
    return outcomes;
  }
  const apiStack = group.api.site ? ctx.stackObjects.get(group.api.site.stack) : undefined;
  const fnRegion = group.region ? literalOf(group.region) : undefined;
  const all = uniqueStacks([
    ...group.requests.map((r) => ctx.stackObjects.get(r.invocation.site.stack)).sort(byPath),
    ...fn.refs.map((e) => Stack.of(e)),
    apiStack,
  ]);
  // A function in another region than the API: Lambda adds a permission only from the function's own
  // region ("Functions from '<region>' are not reachable in this region", aws-cdk#10924), so only a
  // stack deployed there can hold it (semantics.md §2.1, §7.6.13; C30).
  const candidates = fnRegion === undefined ? all : all.filter((st) => !Token.isUnresolved(st.region) && st.region === fnRegion);
  if (candidates.length === 0) {
    for (const o of outcomes) {
      o.problems.push(`the function is in region ${fnRegion}, not the API's, and no stack of the app that could hold its permission is deployed there`);
    }
    return outcomes;
  }
  for (const pattern of group.patterns) {
    const rest = symToToken(pattern.rest, ctx.index);
    const covered = new Set(pattern.paths);
    const mine = outcomes.filter((o) => o.request.paths.some((p) => covered.has(p)));
    if (!rest) {
      for (const o of mine) o.problems.push(`the SourceArn ${renderSym(pattern.rest)} cannot be rebuilt from the app's resources`);
      continue;
    }
    const producers = uniqueStacks([...fn.refs, ...apiId.refs, ...rest.refs].map((e: CfnElement) => Stack.of(e)));
    const stack = ctx.graph.choose(candidates, producers);
    if (!stack) {
      for (const o of mine) o.problems.push('every stack that could hold the permission would create a cross-stack dependency cycle');
      continue;
    }
    const logicalId = fixLogicalId('ApiGwLambdaFix', group.ref.fnLabel, 'permission', refKey(group.ref), group.api.key, symKey(pattern.rest));
    const sourceArn = sourceArnToken(stack, group.api, pattern.rest, ctx.index, apiStack, fnRegion)!;
    let created: lambda.CfnPermission | undefined;
    if (!stack.node.tryFindChild(logicalId)) {
      created = new lambda.CfnPermission(stack, logicalId, {
        action: 'lambda:InvokeFunction',
        principal: APIGW,
        functionName: fn.text,
        sourceArn: sourceArn.text,
      });
      created.overrideLogicalId(logicalId);
    }
    // The region is shown only when it is not the API's (the function's, C30).
    const shown = `${fnRegion === undefined ? '' : `${fnRegion}:…:`}${renderSym(sym(group.api.id, '/', pattern.rest))}`;
    for (const o of mine) o.added.push({ logicalId, stack, sourceArn: shown, paths: covered, created });
  }
  return outcomes;
}

/** `fixed: added permission X (FunctionName f, SourceArn …) for GET /items on stage 'prod'; …`. */
export function describeOutcome(o: RequestOutcome, consolidated: boolean): string | undefined {
  if (o.added.length === 0) return undefined;
  const parts = o.added.map((a) => {
    const paths = o.request.paths.filter((p) => a.paths.has(p));
    return `${a.created ? 'added' : 'kept'} permission ${a.logicalId} in ${a.stack.node.path} (principal apigateway.amazonaws.com, `
      + `FunctionName ${refLabel(o.request.ref)}, SourceArn …:${a.sourceArn}) for ${listPaths(paths)}`;
  });
  const why = consolidated ? ' (consolidated to API-wide SourceArns to keep the function\'s policy under the size limit)' : '';
  return `fixed: ${parts.join('; ')}${why}`;
}

function uniqueStacks(list: Array<Stack | undefined>): Stack[] {
  const out: Stack[] = [];
  for (const s of list) if (s && !out.includes(s)) out.push(s);
  return out;
}

function byPath(a: Stack | undefined, b: Stack | undefined): number {
  const x = a?.node.path ?? '';
  const y = b?.node.path ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
