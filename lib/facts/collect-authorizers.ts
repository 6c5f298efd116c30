import { BuildContext, executeApiArn, stageLabel } from './build-context';
import { ApiFact, CredentialsMode, InvocationPath, Site } from './model';
import { Sym, resAtom, sym, symIncludes } from './value';

/** REST (TOKEN/REQUEST) and HTTP/WebSocket (REQUEST) Lambda authorizers; Cognito and JWT call no function. */
export function collectAuthorizers(ctx: BuildContext): void {
  const kinds: Array<[string, string, string, string]> = [
    ['AWS::ApiGateway::Authorizer', 'RestApiId', 'AuthorizerCredentials', 'Type'],
    ['AWS::ApiGatewayV2::Authorizer', 'ApiId', 'AuthorizerCredentialsArn', 'AuthorizerType'],
  ];
  for (const [type, apiProp, credProp, typeProp] of kinds) {
    for (const { stack, id, r } of ctx.facts.resources(type)) {
      const p = r.Properties ?? {};
      const authType = ctx.ev.literal(p[typeProp], stack);
      if (authType === 'COGNITO_USER_POOLS' || authType === 'JWT') continue;
      const uri = ctx.ev.str(p.AuthorizerUri, stack);
      if (!symIncludes(uri, ':lambda:path/')) continue;
      const api = ctx.api(ctx.ev.str(p[apiProp], stack), stack, type.includes('V2') ? 'HTTP' : 'REST');
      pushAuthorizer(ctx, api, { stack, logicalId: id, resourceType: type, propertyPath: 'AuthorizerUri' },
        `authorizer ${id}`, uri, ctx.credentials(p[credProp], stack), resAtom(stack, id, 'Ref'), ctx.conditionsOf(stack, r, api));
    }
  }
}

/** Authorizer SourceArn: `{api}/authorizers/{authorizerId}`, not a method ARN (§5.1). */
export function pushAuthorizer(ctx: BuildContext, api: ApiFact, site: Site, description: string, uri: Sym,
  credentials: CredentialsMode, authorizerId: Sym[number], conditions: readonly string[] | undefined): void {
  const resource = sym('authorizers/', authorizerId);
  const arn = executeApiArn(api, undefined, resource);
  const stages = symIncludes(uri, '${stageVariables.') ? api.stages : [undefined];
  const paths: InvocationPath[] = stages.map((stage) => {
    const target = ctx.resolveTarget(uri, stage);
    // A function in another region: the SourceArn carries its region (semantics.md §2.1, §5.1 [K-AG-XACCT-AUTH]).
    const region = ctx.sourceArnRegion(api, target.ref);
    return {
      stage,
      route: 'authorizer',
      arn: region ? executeApiArn(api, region, resource) : arn,
      label: `authorizer calls${stage ? ` on ${stageLabel(stage)}` : ''}`,
      ...target,
    };
  });
  ctx.facts.invocations.push({
    id: ctx.nextId(), kind: 'authorizer', api, site, description, uri, credentials, authorizationTypes: [], paths, conditions,
  });
}
