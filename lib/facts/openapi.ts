import { parse as parseYaml } from 'yaml';

/** An operation of an OpenAPI body that carries an `x-amazon-apigateway-integration`. */
export interface OpenApiOperation {
  readonly path: string;
  /** Upper-case verb, `ANY` for `x-amazon-apigateway-any-method`. */
  readonly method: string;
  readonly integration: Record<string, any>;
  /** Security scheme names the operation requires. */
  readonly security: readonly string[];
  /** Property path inside the resource, for reports. */
  readonly propertyPath: string;
}

export interface OpenApiAuthorizer {
  readonly name: string;
  readonly authorizer: Record<string, any>;
  readonly authType?: string;
  readonly propertyPath: string;
}

const VERBS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];

/** Parses an inline body given as an object or a JSON/YAML string; undefined when it is not one. */
export function bodyObject(body: any): Record<string, any> | undefined {
  if (body && typeof body === 'object' && !Array.isArray(body)) return body;
  if (typeof body === 'string') {
    try {
      const v = parseYaml(body);
      return v && typeof v === 'object' ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Both branches of an `Fn::If` may deploy: walk each (SAM emits them inside bodies). */
function alternatives(node: any): any[] {
  if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length === 1 && 'Fn::If' in node) {
    const [, a, b] = node['Fn::If'];
    return [...alternatives(a), ...alternatives(b)].filter((x) => !(x && x.Ref === 'AWS::NoValue'));
  }
  return [node];
}

export function openApiOperations(body: Record<string, any>, prefix = 'Body'): OpenApiOperation[] {
  const out: OpenApiOperation[] = [];
  for (const pathsNode of alternatives(body.paths)) {
    if (!pathsNode || typeof pathsNode !== 'object') continue;
    for (const [path, itemNode] of Object.entries<any>(pathsNode)) {
      for (const item of alternatives(itemNode)) {
        if (!item || typeof item !== 'object') continue;
        for (const [verb, opNode] of Object.entries<any>(item)) {
          if (!VERBS.includes(verb.toLowerCase())) continue;
          for (const op of alternatives(opNode)) {
            const integ = op?.['x-amazon-apigateway-integration'];
            for (const i of alternatives(integ)) {
              if (!i || typeof i !== 'object') continue;
              out.push({
                path,
                method: verb.toLowerCase() === 'x-amazon-apigateway-any-method' ? 'ANY' : verb.toUpperCase(),
                integration: i,
                security: securityNames(op.security ?? body.security),
                propertyPath: `${prefix}.paths.${path}.${verb}.x-amazon-apigateway-integration`,
              });
            }
          }
        }
      }
    }
  }
  return out;
}

function securityNames(sec: any): string[] {
  if (!Array.isArray(sec)) return [];
  return sec.flatMap((s) => (s && typeof s === 'object' ? Object.keys(s) : []));
}

export function openApiAuthorizers(body: Record<string, any>, prefix = 'Body'): OpenApiAuthorizer[] {
  const out: OpenApiAuthorizer[] = [];
  const groups: Array<[any, string]> = [
    [body.securityDefinitions, `${prefix}.securityDefinitions`],
    [body.components?.securitySchemes, `${prefix}.components.securitySchemes`],
  ];
  for (const [defs, path] of groups) {
    if (!defs || typeof defs !== 'object') continue;
    for (const [name, defNode] of Object.entries<any>(defs)) {
      for (const def of alternatives(defNode)) {
        const a = def?.['x-amazon-apigateway-authorizer'];
        out.push({
          name,
          authorizer: a && typeof a === 'object' ? a : {},
          authType: def?.['x-amazon-apigateway-authtype'],
          propertyPath: `${path}.${name}.x-amazon-apigateway-authorizer`,
        });
      }
    }
  }
  return out;
}
