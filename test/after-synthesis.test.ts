/**
 * Report mode analyses the templates synthesis writes (lib/synthesis-hook.ts) and carries its
 * annotations into the cloud assembly after the fact. These cases pin what that must guarantee.
 */
import {
  App, AspectPriority, Aspects, CfnElement, CfnResource, DockerImageAssetLocation, FileAssetLocation, IAspect, ISynthesisSession, Lazy, NestedStack, Stack,
  StackSynthesizer,
} from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { ApiGatewayLambdaPermissions } from '../lib';
import { loadInputs } from '../lib/facts/assembly-loader';
import { analyze } from '../lib/engine';
import { analyzeWrittenTree } from '../lib/tree-analysis';
import { fn, synthFindings } from './helpers';

/** One REST method with the permissions LambdaIntegration adds (clean). */
function restApp(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Stack');
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addResource('items').addMethod('GET', new apigw.LambdaIntegration(fn(stack, 'Fn')));
  return { app, stack };
}

/** Rewrites every permission's SourceArn to another stage: the kind of late override an Aspect makes. */
class BreakSourceArns implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof lambda.CfnPermission) node.addPropertyOverride('SourceArn', 'arn:aws:execute-api:us-east-1:111111111111:other/test/GET/items');
  }
}

describe('report mode sees the templates as synthesized', () => {
  test('an Aspect that runs after ours and breaks the grants is caught', () => {
    const { app } = restApp();
    // Mutating Aspects that run later (higher priority number) change what is deployed.
    Aspects.of(app).add(new BreakSourceArns(), { priority: AspectPriority.READONLY + 1 });
    const errors = synthFindings(app).filter((f) => f.level === 'error');
    expect(errors.map((f) => [f.ruleId, f.path])).toEqual([['ApiGwLambda-SourceArnMismatch', '/Stack/Api/Default/items/GET/Resource']]);
  });

  test('a clean app stays clean', () => {
    expect(synthFindings(restApp().app)).toEqual([]);
  });

  test('synthesizing again reports each finding once', () => {
    const { app, stack } = restApp();
    Aspects.of(app).add(new BreakSourceArns(), { priority: AspectPriority.READONLY + 1 });
    Aspects.of(app).add(new ApiGatewayLambdaPermissions());
    const ours = (a: CloudAssembly) => a.getStackArtifact(stack.artifactId).messages
      .map((m) => String(m.entry.data)).filter((d) => d.startsWith('ApiGwLambda-'));
    const first = ours(app.synth());
    expect(first).toHaveLength(3); // SourceArnMismatch + StalePermission for each of the two grants
    expect(new Set(first).size).toBe(3);
    expect(ours(app.synth({ force: true }))).toEqual(first);
    // The synthesizer is left as it was found.
    expect(Object.prototype.hasOwnProperty.call(stack.synthesizer, 'synthesize')).toBe(false);
    // Annotations.fromStack synthesizes once more on its own.
    Annotations.fromStack(stack).hasError('/Stack/Api/Default/items/GET/Resource', Match.stringLikeRegexp('^ApiGwLambda-SourceArnMismatch'));
  });

  test('findings in a nested stack reach the top-level stack artifact, as the CDK reports nested annotations', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const nested = new NestedStack(stack, 'Nested');
    const api = new apigw.RestApi(nested, 'Api');
    const handler = fn(nested, 'Fn');
    const ungranted = fn(nested, 'Ungranted');
    new apigw.CfnMethod(nested, 'Raw', {
      restApiId: api.restApiId, resourceId: api.root.resourceId, httpMethod: 'POST', authorizationType: 'NONE',
      integration: { type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${ungranted.functionArn}/invocations` },
    });
    api.root.addMethod('GET', new apigw.LambdaIntegration(handler));
    expect(synthFindings(app).map((f) => [f.ruleId, f.path])).toEqual([['ApiGwLambda-MissingPermission', '/Stack/Nested/Raw']]);
  });

  test('the annotated cloud assembly stays readable by the CLI, which finds the same thing', () => {
    const { app } = restApp();
    Aspects.of(app).add(new BreakSourceArns(), { priority: AspectPriority.READONLY + 1 });
    Aspects.of(app).add(new ApiGatewayLambdaPermissions());
    const assembly = app.synth();
    const { findings } = analyze(loadInputs([assembly.directory]).stacks);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.ruleId)).toEqual(['ApiGwLambda-SourceArnMismatch']);
  });

  test('two instances on one app report once per synthesis', () => {
    const { app, stack } = restApp();
    Aspects.of(app).add(new BreakSourceArns(), { priority: AspectPriority.READONLY + 1 });
    Aspects.of(app).add(new ApiGatewayLambdaPermissions());
    Aspects.of(app).add(new ApiGatewayLambdaPermissions({ ruleSeverities: { 'ApiGwLambda-StalePermission': 'off' } }));
    const ours = (a: CloudAssembly) => a.getStackArtifact(stack.artifactId).messages
      .map((m) => `${m.level} ${m.entry.data}`).filter((d) => d.includes('ApiGwLambda-'));
    // The CDK keeps one copy of an identical annotation: the shared error once, the first instance's two warnings.
    const first = ours(app.synth());
    expect(first.map((d) => d.split(':')[0])).toEqual([
      'warning ApiGwLambda-StalePermission', 'warning ApiGwLambda-StalePermission', 'error ApiGwLambda-SourceArnMismatch',
    ]);
    expect(ours(app.synth({ force: true }))).toEqual(first);
  });

  test('a stack whose written template cannot be read is Unverifiable, never skipped', () => {
    const { app } = restApp(); // never synthesized: no template on disk
    const { targets } = analyzeWrittenTree(app, new Map());
    expect(targets.map((t) => [t.finding.ruleId, t.target.node.path])).toEqual([['ApiGwLambda-Unverifiable', 'Stack']]);
    expect(targets[0].finding.message).toMatch(/^could not analyse stack Stack: its synthesized template .*Stack\.template\.json cannot be read/);
  });

  describe('findings are mapped to the constructs that made them', () => {
    /** restApp with broken grants, and an element whose logical id is a token (as a Deployment's or a `currentVersion`'s is). */
    function withTokenId(on: 'topic' | 'permission'): { app: App; tokenNamed: CfnElement; produced: () => number } {
      const { app, stack } = restApp();
      Aspects.of(app).add(new BreakSourceArns(), { priority: AspectPriority.READONLY + 1 });
      let produced = 0;
      const tokenNamed = on === 'topic'
        ? new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' })
        : stack.node.findAll().find((c): c is lambda.CfnPermission => c instanceof lambda.CfnPermission)!;
      tokenNamed.overrideLogicalId(Lazy.uncachedString({
        produce: () => {
          produced++;
          return on === 'topic' ? 'TopicHashed' : 'GrantHashed';
        },
      }));
      app.synth();
      return { app, tokenNamed, produced: () => produced };
    }

    test('a finding on an element named by its path does not resolve the ids that are tokens', () => {
      const { app, produced } = withTokenId('topic');
      const before = produced();
      const { targets } = analyzeWrittenTree(app, new Map());
      expect(targets.map((t) => [t.finding.ruleId, t.target.node.path])).toContainEqual(
        ['ApiGwLambda-SourceArnMismatch', 'Stack/Api/Default/items/GET/Resource']);
      expect(produced()).toBe(before);
    });

    test('a finding on an element whose logical id is a token still reaches it', () => {
      const { app, tokenNamed } = withTokenId('permission');
      const { targets } = analyzeWrittenTree(app, new Map());
      const onIt = targets.filter((t) => t.finding.logicalId === 'GrantHashed');
      expect(onIt.map((t) => t.finding.ruleId)).toContain('ApiGwLambda-StalePermission');
      expect(onIt.every((t) => t.target === tokenNamed)).toBe(true);
    });
  });

  test('a synthesizer that cannot be wrapped falls back to analysing before synthesis', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const handler = fn(stack, 'Fn');
    new lambda.CfnPermission(stack, 'Loose', { action: 'lambda:InvokeFunction', functionName: handler.functionName, principal: 'apigateway.amazonaws.com' });
    Object.preventExtensions(stack.synthesizer);
    expect(synthFindings(app).map((f) => [f.ruleId, f.path])).toEqual([['ApiGwLambda-OverBroadPermission', '/Stack/Loose']]);
  });

  test('findings on a stack whose synthesizer emits no artifact stop synthesis rather than vanish', () => {
    /** Writes the template and nothing else (no stack artifact in the manifest). */
    class TemplateOnlySynthesizer extends StackSynthesizer {
      public addFileAsset(): FileAssetLocation {
        throw new Error('no assets');
      }
      public addDockerImageAsset(): DockerImageAssetLocation {
        throw new Error('no assets');
      }
      public synthesize(session: ISynthesisSession): void {
        this.synthesizeTemplate(session);
      }
    }
    const app = new App();
    const stack = new Stack(app, 'Stack', { synthesizer: new TemplateOnlySynthesizer() });
    const handler = fn(stack, 'Fn');
    new lambda.CfnPermission(stack, 'Loose', { action: 'lambda:InvokeFunction', functionName: handler.functionName, principal: 'apigateway.amazonaws.com' });
    expect(() => synthFindings(app)).toThrow(/no stack artifact was synthesized for Stack\/Loose/);
  });
});
