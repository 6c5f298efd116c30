/**
 * Harness for fix-mode tables: build a REAL CDK app, synthesize it with the Aspect in REPORT or FIX
 * mode, read back every synthesized template (nested ones included) and re-check them with the
 * engine, as `cdk synth` output would be checked by the CLI.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, AspectPriority, Aspects, CfnElement, Stack, Stage } from 'aws-cdk-lib';
import { ApiGatewayLambdaPermissions, ApiGatewayLambdaPermissionsProps, PermissionMode } from '../../lib';
import { Finding, analyze } from '../../lib/engine';
import { arnComponents, hasWildcard } from '../../lib/facts/arn-like';
import { Evaluator } from '../../lib/facts/evaluate';
import { StackTemplate } from '../../lib/facts/template';
import { isAtom, joinSym, renderSym, splitSym } from '../../lib/facts/value';
import { ReportedFinding } from '../helpers';

export const FIX_PREFIX = 'ApiGwLambdaFix';

export interface SynthResult {
  readonly app: App;
  /** Synthesized templates, keyed by stack construct path (as the Aspect keys them). */
  readonly templates: StackTemplate[];
  /** Every ApiGwLambda annotation (error, warning, info). */
  readonly annotations: ReportedFinding[];
  /** The template files exactly as written (byte-level identity of a synthesis). */
  readonly raw: string;
}

export interface SynthOptions {
  /** Aspect props; undefined = no Aspect at all. */
  readonly props?: ApiGatewayLambdaPermissionsProps;
  /** How many Aspect instances to add (idempotence). */
  readonly times?: number;
}

export function synth(build: (app: App) => void, opts: SynthOptions = {}): SynthResult {
  const app = new App();
  build(app);
  for (let i = 0; i < (opts.props ? opts.times ?? 1 : 0); i++) {
    const priority = opts.props?.mode === PermissionMode.FIX ? AspectPriority.MUTATING : AspectPriority.READONLY;
    Aspects.of(app).add(new ApiGatewayLambdaPermissions(opts.props), { priority });
  }
  const assembly = app.synth();
  const annotations: ReportedFinding[] = [];
  for (const stack of assembly.stacksRecursively) {
    for (const [type, level] of [['aws:cdk:error', 'error'], ['aws:cdk:warning', 'warning'], ['aws:cdk:info', 'info']] as const) {
      for (const e of stack.findMetadataByType(type)) {
        const m = typeof e.data === 'string' ? /^(ApiGwLambda-[A-Za-z]+): /.exec(e.data) : null;
        if (m) annotations.push({ level, ruleId: m[1], path: e.path, message: e.data as string });
      }
    }
  }
  const raw = app.node.findAll().filter((c): c is Stack => Stack.isStack(c))
    .map((s) => `${s.node.path}\n${fs.readFileSync(path.join(Stage.of(s)!.outdir, s.templateFile), 'utf8')}`).join('\n');
  return { app, templates: readTemplates(app), annotations, raw };
}

/** Every stack's synthesized template, with nested stacks linked to their parent resource. */
export function readTemplates(app: App): StackTemplate[] {
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  return stacks.map((s) => {
    const file = path.join(Stage.of(s)!.outdir, s.templateFile);
    const parent = s.nestedStackParent;
    const res = (s as any).nestedStackResource as CfnElement | undefined;
    return {
      key: s.node.path,
      displayName: s.node.path,
      template: JSON.parse(fs.readFileSync(file, 'utf8')),
      account: s.account.startsWith('${') ? undefined : s.account,
      region: s.region.startsWith('${') ? undefined : s.region,
      parent: parent && res ? { stackKey: parent.node.path, logicalId: parent.resolve(res.logicalId) } : undefined,
    };
  });
}

/** Report-mode findings of synthesized templates (the CLI's view of cdk.out). */
export function check(templates: readonly StackTemplate[]): Finding[] {
  return analyze(templates).findings;
}

export function errors(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId} @ ${f.stackKey}/${f.logicalId}: ${f.message}`);
}

export interface AddedPermission {
  readonly stack: string;
  readonly logicalId: string;
  readonly properties: Record<string, any>;
  /** SourceArn resource part after the API id, rendered (`prod/GET/items/*`). */
  readonly rest: string;
  /** The API id part, rendered (`${Api1234}`). */
  readonly apiId: string;
}

/**
 * The permissions the fix added, each checked for least privilege: principal
 * apigateway.amazonaws.com (never `*`), a SourceArn, a concrete API id (a reference, never a
 * wildcard or a literal), and no wildcard in region or account.
 */
export function addedPermissions(templates: readonly StackTemplate[]): AddedPermission[] {
  const ev = new Evaluator(templates);
  const out: AddedPermission[] = [];
  for (const t of templates) {
    for (const [id, r] of Object.entries<any>(t.template.Resources ?? {})) {
      if (r.Type !== 'AWS::Lambda::Permission' || !id.startsWith(FIX_PREFIX)) continue;
      const p = r.Properties;
      expect(p.Principal).toBe('apigateway.amazonaws.com');
      expect(p.Action).toBe('lambda:InvokeFunction');
      expect(p.SourceArn).toBeDefined();
      expect(p.FunctionName).toBeDefined();
      const c = arnComponents(ev.str(p.SourceArn, t.key));
      expect(c).toHaveLength(6);
      expect(hasWildcard(c[3]) || hasWildcard(c[4])).toBe(false);
      const segs = splitSym(c[5], '/');
      expect(segs[0].length === 1 && isAtom(segs[0][0]) && segs[0][0].kind === 'res').toBe(true);
      out.push({ stack: t.key, logicalId: id, properties: p, rest: renderSym(joinSym(segs.slice(1), '/')), apiId: renderSym(segs[0]) });
    }
  }
  return out.sort((a, b) => (a.rest < b.rest ? -1 : a.rest > b.rest ? 1 : 0));
}

/** Resources of a template that the fix added. */
export function fixResources(t: StackTemplate): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(t.template.Resources ?? {}).filter(([id]) => id.startsWith(FIX_PREFIX)));
}
