/**
 * The corpus through the Aspect, as a CDK user would meet it: each real template loaded into a stack
 * with `cloudformation-include`, the app synthesized with the Aspect, and the findings compared with
 * the same reviewed expectations the engine-level test uses (corpus-cases.ts).
 */
import * as path from 'path';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { APPS, ENVS, EXPECTED, ISSUE2_RULES, corpusFiles, units } from './corpus-cases';
import { CORPUS, synthFindings } from './helpers';

/** Messages of the credentials-role rules' Unverifiable cases (issue 3, tested with those rules). */
const CREDENTIALS_UNVERIFIABLE = / as role | role .* is not defined in this app/;

function includeFindings(files: readonly string[]): string[] {
  const app = new App();
  files.forEach((f, i) => {
    // CDK snapshots already carry the BootstrapVersion parameter and rule.
    const synthesizer = new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
    const stack = new Stack(app, `Corpus${i}`, { env: ENVS[f], synthesizer });
    new CfnInclude(stack, 'Template', { templateFile: path.join(CORPUS, f) });
  });
  return synthFindings(app)
    .map((f) => ({ ...f, rule: f.ruleId.replace(/^ApiGwLambda-/, '') }))
    .filter((f) => ISSUE2_RULES.includes(f.rule) && !(f.rule === 'Unverifiable' && CREDENTIALS_UNVERIFIABLE.test(f.message)))
    // CfnInclude keeps the logical id as the construct id: `/CorpusN/Template/<logicalId>`.
    .map((f) => `${f.rule} ${f.path.split('/').pop()}`)
    .sort();
}

/**
 * Templates `CfnInclude` itself refuses (checked below, so a CDK change is noticed); the engine-level
 * test (corpus.test.ts) covers them.
 */
const NOT_INCLUDABLE: Record<string, RegExp> = {
  // A hand-made "expected" template: Refs to asset parameters it does not declare.
  'aws-cdk-examples/java-my-widget-service-expected.template.json': /not found/,
  // Props that fail the L1's own validation.
  'aws-cloudformation-templates/apigateway-lambda-nonproxy-integration.template.json': /CfnFunctionProps/,
  // Serverless Framework output writes booleans as 'True'.
  'serverless-plugin-canary-deployments/sls-rest-alias-after-plugin.template.json': /boolean/,
  'serverless-plugin-canary-deployments/sls-rest-unqualified-before-plugin.template.json': /boolean/,
  'serverless-plugin-canary-deployments/sls-websocket-alias.template.json': /boolean/,
  'serverless-plugin-canary-deployments/sls-websocket-authorizer-alias.template.json': /boolean/,
};

const included = units(corpusFiles(/\.template\.json$/)).filter(([key]) => !NOT_INCLUDABLE[key]);

describe('corpus templates loaded with cloudformation-include and checked by the Aspect', () => {
  test.each(included)('%s', (key, files) => {
    expect(includeFindings(files)).toEqual([...EXPECTED[key]].sort());
  });

  test.each(Object.entries(NOT_INCLUDABLE))('%s cannot be included (a CfnInclude limitation)', (file, error) => {
    expect(() => includeFindings([file])).toThrow(error);
  });

  test('the cross-stack pair is one app here too (Fn::ImportValue follows the other stack\'s Export)', () => {
    expect(included.map(([k]) => k)).toContain('aws-cdk/rest-multistack');
    expect(APPS['aws-cdk/rest-multistack']).toHaveLength(2);
  });
});
