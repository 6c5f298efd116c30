import type { BuildContext } from './build-context';
import { ApiFact, Site, Unknowable } from './model';
import { isIntrinsicKey } from './template';
import { Sym, literalOf, symIncludes } from './value';

/** Every integration type API Gateway knows (REST `Integration.Type`, HTTP/WebSocket `IntegrationType`). */
const INTEGRATION_TYPES = ['AWS', 'AWS_PROXY', 'HTTP', 'HTTP_PROXY', 'MOCK'];

/**
 * True when an integration of this type invokes Lambda (`AWS`/`AWS_PROXY`). The collectors call it
 * only for other values: a type that is not a literal (a parameter, `Fn::If`) or not a valid type
 * (`aws_proxy`) in front of a Lambda URI is reported as unverifiable, never skipped in silence.
 */
export function reportOddIntegrationType(
  ctx: BuildContext, type: string | undefined, typeExpr: unknown, invokesLambda: () => boolean, site: Site, api: () => ApiFact,
): void {
  if (type !== undefined && INTEGRATION_TYPES.includes(type)) return; // HTTP, MOCK…: not a Lambda integration
  if (!invokesLambda()) return;
  push(ctx, api, typeExpr === undefined
    ? {
      site,
      what: `${site.logicalId} has no ${site.propertyPath} (one of ${INTEGRATION_TYPES.join(', ')}), though its URI invokes a Lambda function`,
      check: 'set it (AWS_PROXY or AWS) and give the function a permission for apigateway.amazonaws.com',
    }
    : type !== undefined
    ? {
      site,
      what: `${site.propertyPath} of ${site.logicalId} is '${type}', which is not an integration type (${INTEGRATION_TYPES.join(', ')}, in upper case); `
        + 'API Gateway rejects it, though its URI invokes a Lambda function',
      check: `correct it; as ${type.toUpperCase() === 'AWS' ? 'AWS' : 'AWS_PROXY'} it needs a permission for apigateway.amazonaws.com on that function`,
    }
    : {
      site,
      what: `${site.propertyPath} of ${site.logicalId} is not a literal value (${describe(typeExpr)}), and its URI invokes a Lambda function`,
      check: 'if it deploys as AWS or AWS_PROXY, check by hand that the function lets apigateway.amazonaws.com invoke it from this API',
    });
}

/**
 * A REST method's `Integration` that is not a plain object (a string, or an intrinsic such as
 * `Fn::If` computing it): what it integrates cannot be read, so it is reported rather than skipped.
 */
export function reportOddIntegration(ctx: BuildContext, integration: unknown, site: Site, api: () => ApiFact): void {
  if (integration === undefined || integration === null) return; // no integration: nothing to invoke
  const obj = integration as Record<string, unknown>;
  if (typeof integration === 'object' && !Array.isArray(integration) && !Object.keys(obj).some(isIntrinsicKey)) {
    // A plain object without a Type: reported when its URI invokes Lambda.
    reportOddIntegrationType(ctx, undefined, undefined, () => restUriInvokesLambda(ctx, obj.Uri, site.stack), { ...site, propertyPath: 'Integration.Type' }, api);
    return;
  }
  const intrinsic = typeof integration === 'object' && !Array.isArray(integration);
  push(ctx, api, {
    site,
    what: intrinsic
      ? `Integration of ${site.logicalId} is computed by ${describe(integration)}, so what it integrates cannot be read`
      : `Integration of ${site.logicalId} is ${describe(integration)}; expected an object with Type and Uri`,
    check: 'if it deploys as a Lambda integration (AWS or AWS_PROXY), check by hand that the function lets apigateway.amazonaws.com invoke it from this API',
  });
}

/** A REST integration URI of the Lambda service (`arn:…:apigateway:…:lambda:path/…`). */
export function restUriInvokesLambda(ctx: BuildContext, uri: unknown, stack: string): boolean {
  return symIncludes(ctx.ev.str(uri, stack), ':lambda:path/');
}

/**
 * An `AWS`/`AWS_PROXY` integration whose URI the templates do not settle (a parameter, an unknown
 * import) and whose literal parts name no other service's path or action: it may invoke a Lambda
 * function, so it is reported, not skipped.
 */
export function reportUnsettledUri(ctx: BuildContext, uri: Sym, uriExpr: unknown, site: Site, api: () => ApiFact): void {
  if (literalOf(uri) !== undefined) return;
  for (let i = 0; i < uri.length; i++) {
    const p = uri[i];
    if (typeof p === 'string' && (p.includes(':path/') || p.includes(':action/'))) return; // another service, named literally
  }
  push(ctx, api, {
    site,
    what: `${site.propertyPath} of ${site.logicalId} is not a literal value (${describe(uriExpr)}), so what it integrates cannot be read`,
    check: 'if it is a Lambda function\'s invocation URI, check by hand that the function lets apigateway.amazonaws.com invoke it from this API',
  });
}

/** The API's other targets are still checked; its grants are no longer judged stale (one may be for this method). */
function push(ctx: BuildContext, api: () => ApiFact, u: Omit<Unknowable, 'apiKey'>): void {
  ctx.facts.unknowables.push({ ...u, apiKey: api().key });
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 1 && isIntrinsicKey(keys[0]) ? keys[0] : 'an intrinsic function';
  }
  return typeof v === 'string' ? `the string '${v}'` : `${typeof v} ${JSON.stringify(v)}`;
}
