import type { OpenCondition } from './conditions';
import { FunctionRef } from './function-ref';
import { Sym } from './value';

/** Where a fact comes from: the resource (and property) a finding is reported on. */
export interface Site {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** Dotted path of the property inside `Properties` (e.g. `Integration.Uri`). */
  readonly propertyPath?: string;
}

export type ApiKind = 'REST' | 'HTTP' | 'WEBSOCKET';

export interface ApiFact {
  /** Identity (symbolic key of the API id). */
  readonly key: string;
  readonly kind: ApiKind;
  /** The API id as a value (a Ref atom, or a literal for imported APIs). */
  readonly id: Sym;
  /** Readable name for messages. */
  readonly label: string;
  /** The API resource, when defined in the analysed templates. */
  readonly site?: Site;
  /** Partition/region/account of the API's stack (for expected SourceArns). */
  readonly partition: Sym;
  readonly region: Sym;
  readonly account: Sym;
  readonly stages: StageFact[];
  /** Keys of the open resource Conditions the API is created under (conditions.ts): they hold wherever it routes. */
  readonly conditions?: readonly string[];
}

export interface StageFact {
  /** Stage name as a value ('prod', or an atom). */
  readonly name: Sym;
  /** Readable stage name. */
  readonly label: string;
  /** Stage variables, evaluated. */
  readonly variables: ReadonlyMap<string, Sym>;
  /** True for the stand-in used when no stage deploys the API in the analysed templates. */
  readonly unknown?: boolean;
}

export type InvocationKind = 'integration' | 'authorizer';

export type CredentialsMode =
  | { readonly mode: 'none' }
  | { readonly mode: 'caller' }
  | { readonly mode: 'role'; readonly role: Sym };

/** One runtime call path and the exact SourceArn API Gateway presents on it. */
export interface InvocationPath {
  readonly stage?: StageFact;
  /** `GET /items/{id}`, `$default`, `$connect`, `authorizer <id>`. */
  readonly route: string;
  /** HTTP verb as presented at runtime (REST ANY is expanded to each verb). */
  readonly method?: string;
  /** The expected SourceArn; path parameters are sample atoms that only `*` matches. */
  readonly arn: Sym;
  /** Readable description for messages, e.g. `GET /items on stage 'prod'`. */
  readonly label: string;
  /** The invoked reference on this path (after stage-variable substitution). */
  readonly ref?: FunctionRef;
  /** Why the invoked reference could not be resolved. */
  readonly unresolved?: string;
}

/** An integration or authorizer that makes API Gateway call a Lambda function. */
export interface Invocation {
  readonly id: string;
  readonly kind: InvocationKind;
  readonly api: ApiFact;
  /** Where findings about it are reported (CfnMethod, CfnIntegration, CfnAuthorizer, CfnRestApi/CfnApi for bodies). */
  readonly site: Site;
  /** Short description: `REST method GET /items`, `HTTP integration`, `authorizer Auth`. */
  readonly description: string;
  readonly uri: Sym;
  readonly credentials: CredentialsMode;
  /** REST integration HTTP method, when the integration declares one (must be POST for Lambda). */
  readonly integrationHttpMethod?: { readonly value?: string; readonly site: Site };
  /** Method authorization types seen on this invocation's routes (for caller passthrough). */
  readonly authorizationTypes: readonly string[];
  readonly paths: readonly InvocationPath[];
  /**
   * Keys of the open resource Conditions that hold whenever these paths exist (the method's, the
   * integration's, the API's…; conditions.ts): a grant under one of them is created with the paths.
   */
  readonly conditions: readonly string[] | undefined;
}

export type Principal = 'apigateway' | 'any' | 'other';

/** An Allow or Deny statement of a function's resource policy. */
export interface Grant {
  readonly site: Site;
  readonly source: 'permission' | 'resource-policy';
  readonly effect: 'Allow' | 'Deny';
  readonly principal: Principal;
  readonly principalText: string;
  /** True when the action covers lambda:InvokeFunction. */
  readonly invokes: boolean;
  readonly actionText: string;
  readonly ref?: FunctionRef;
  readonly refProblem?: string;
  /** SourceArn patterns (any of them); undefined when the statement has no SourceArn condition. */
  readonly sourceArns?: readonly Sym[];
  readonly sourceAccount?: Sym;
  /** Conditions that API Gateway's call can never satisfy (semantics.md §6.4). */
  readonly blockers: readonly string[];
  /** A statement with PrincipalOrgID: an org grant, not a grant to API Gateway. */
  readonly orgScoped: boolean;
  /** The resource's Condition when the templates do not settle it: the grant may not exist (a false one: no grant at all). */
  readonly condition: OpenCondition | undefined;
}

/** A resource that cannot be analysed statically (e.g. an OpenAPI body in S3). */
export interface Unknowable {
  readonly site: Site;
  readonly what: string;
  readonly check: string;
  /** The API whose targets this leaves unknown, when the resource at `site` is not the API itself (a method, an integration). */
  readonly apiKey?: string;
}
