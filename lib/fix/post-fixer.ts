import { CfnResource } from 'aws-cdk-lib';
import { RestApiBase } from 'aws-cdk-lib/aws-apigateway';
import type { Facts } from '../facts/build';
import { Site } from '../facts/model';
import { Sym, isAtom, resAtom } from '../facts/value';
import { ElementIndex, resourceElement } from './tokens';

const OPENAPI_HTTP_METHOD = /^Body\.paths\.(.+)\.(get|put|post|delete|options|head|patch|x-amazon-apigateway-any-method)\.x-amazon-apigateway-integration\.httpMethod$/;

/**
 * Sets a Lambda integration's `IntegrationHttpMethod` (or an inline OpenAPI operation's
 * `x-amazon-apigateway-integration.httpMethod`) to POST with `addPropertyOverride` — the one
 * rewrite rules.md sanctions: Lambda's Invoke API only accepts POST (§1.1, C62).
 * Returns a problem when the property cannot be overridden safely.
 */
export function setPost(site: Site, facts: Facts, index: ElementIndex): { element?: CfnResource; problem?: string; override?: string } {
  const element = resourceElement(index, site.stack, site.logicalId);
  if (!element) return { problem: `${site.logicalId} is not a resource of this app` };
  if (site.propertyPath === 'Integration.IntegrationHttpMethod') {
    element.addPropertyOverride('Integration.IntegrationHttpMethod', 'POST');
    redeploy(facts.ev.str(facts.ev.resource(site.stack, site.logicalId)?.Properties?.RestApiId, site.stack), index, site);
    return { element, override: 'Integration.IntegrationHttpMethod' };
  }
  const m = OPENAPI_HTTP_METHOD.exec(site.propertyPath ?? '');
  const body = facts.ev.resource(site.stack, site.logicalId)?.Properties?.Body;
  const path = m?.[1];
  const verb = m?.[2];
  // Only an inline body given as an object can be overridden key by key (a JSON/YAML string cannot).
  const integration = path !== undefined && verb !== undefined ? body?.paths?.[path]?.[verb]?.['x-amazon-apigateway-integration'] : undefined;
  if (!integration || typeof integration !== 'object' || Array.isArray(integration)) {
    return { element, problem: `${site.propertyPath} cannot be overridden (the OpenAPI body is not an inline object); set it to POST in the definition` };
  }
  const override = ['Body', 'paths', path!, verb!, 'x-amazon-apigateway-integration', 'httpMethod'].map(escapeKey).join('.');
  element.addPropertyOverride(override, 'POST');
  redeploy([resAtom(site.stack, site.logicalId, 'Ref')], index, site);
  return { element, override: `${site.propertyPath}` };
}

/**
 * API Gateway serves a stage from a deployment snapshot, and the CDK's deployment fingerprint does
 * not see property overrides: without a new hash the fixed method would only reach the stage on some
 * later deployment. Add the fix to the API's latest deployment, as the CDK's own Method does.
 */
function redeploy(apiId: Sym, index: ElementIndex, site: Site): void {
  const atom = apiId.length === 1 && isAtom(apiId[0]) && apiId[0].kind === 'res' ? apiId[0] : undefined;
  const api = atom ? resourceElement(index, atom.stack, atom.logicalId)?.node.scope : undefined;
  if (api instanceof RestApiBase) {
    api.latestDeployment?.addToLogicalId({ 'cdk-apigw-lambda-permissions': `POST ${site.logicalId} ${site.propertyPath}` });
  }
}

/** `addOverride` splits on unescaped dots; paths such as `/v1.0/items` keep theirs. */
function escapeKey(k: string): string {
  return k.replace(/\./g, '\\.');
}
