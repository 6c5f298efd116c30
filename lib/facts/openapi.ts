import type * as Yaml from 'yaml';
import { isIntrinsicKey } from './template';

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

/**
 * Parses an inline body given as an object, a JSON/YAML string, or an `Fn::Sub` / `Fn::Join` that
 * builds such a string (templates often splice `${Fn.Arn}` into a JSON body). String values of a
 * built body come back as `Fn::Sub` expressions, so the evaluator resolves their references.
 * Undefined when the body is not a document we can read (`Fn::Transform` AWS::Include, other
 * intrinsics): the caller reports it as unverifiable instead of passing silently.
 */
export function bodyObject(body: any): Record<string, any> | undefined {
  if (typeof body === 'string') return parseDocument(body);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  if (keys.length !== 1 || !isIntrinsicKey(keys[0])) return body;
  const sub = asSub(body);
  if (!sub) return undefined;
  const doc = parseDocument(sub.template);
  return doc && withSubStrings(doc, sub.vars);
}

function parseDocument(text: string): Record<string, any> | undefined {
  try {
    // Loaded on first use: most apps have no body given as text, and the parser takes a while to load.
    const yaml: typeof Yaml = require('yaml');
    const v = yaml.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `Fn::Sub` as (template, variables); `Fn::Join` rewritten as one, its non-literal parts as variables. */
function asSub(expr: any): { template: string; vars: Record<string, any> } | undefined {
  const sub = expr['Fn::Sub'];
  if (typeof sub === 'string') return { template: sub, vars: {} };
  if (Array.isArray(sub) && typeof sub[0] === 'string') return { template: sub[0], vars: sub[1] ?? {} };
  const join = expr['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const vars: Record<string, any> = {};
    const pieces = join[1].map((part: any, i: number) => {
      if (typeof part === 'string') return part.replace(/\$\{/g, '${!');
      vars[`BodyPart${i}`] = part;
      return `\${BodyPart${i}}`;
    });
    return { template: pieces.join(join[0]), vars };
  }
  return undefined;
}

function withSubStrings(node: any, vars: Record<string, any>): any {
  if (typeof node === 'string') return node.includes('${') ? { 'Fn::Sub': [node, vars] } : node;
  if (Array.isArray(node)) return node.map((x) => withSubStrings(x, vars));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withSubStrings(v, vars)]));
  }
  return node;
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
