/**
 * The real-template corpus (/work/shared/corpus/real, see its SOURCES.md) as regression fixtures.
 *
 * Every analysable file has a reviewed, explicit list of the issue-2 findings a correct checker must
 * report: CDK integ snapshots built with L2 constructs are clean, files with genuine
 * misconfigurations get exactly those findings, `negative-*` controls get nothing. Verdicts and
 * reasons are in test/fixtures/corpus-expectations.md. Credentials-mode rules (issue 3) are filtered
 * out here and tested elsewhere.
 */
import * as path from 'path';
import { analyze } from '../lib/engine';
import { StackTemplate } from '../lib/facts/template';
import { roleCredentialIssues } from '../lib/rules/credentials-role-cannot-invoke';
import { APPS, ENVS, EXPECTED, ISSUE2_RULES, SAM_EXPECTED, corpusFiles, units } from './corpus-cases';
import { CORPUS, readTemplate } from './helpers';

function issue2Findings(files: readonly string[]): string[] {
  const stacks: StackTemplate[] = files.map((f) => ({
    key: f,
    displayName: path.basename(f),
    templateFile: f,
    template: readTemplate(path.join(CORPUS, f)),
    ...ENVS[f],
  }));
  const { facts, findings } = analyze(stacks);
  // Unverifiable findings about credentials roles belong to the issue-3 rules (tested with them).
  const credentials = new Set(roleCredentialIssues(facts).map((i) => i.message));
  return findings
    .map((f) => ({ ...f, rule: f.ruleId.replace(/^ApiGwLambda-/, '') }))
    .filter((f) => ISSUE2_RULES.includes(f.rule) && !(f.rule === 'Unverifiable' && credentials.has(f.message)))
    .map((f) => `${f.rule} ${f.logicalId}`)
    .sort();
}

const templateFiles = corpusFiles(/\.template\.(json|yaml)$/);
const samFiles = corpusFiles(/\.sam\.yaml$/);

test('every corpus file has a reviewed expectation', () => {
  expect(templateFiles.length + samFiles.length).toBeGreaterThanOrEqual(79);
  const unitKeys = units(templateFiles).map(([k]) => k).sort();
  expect(unitKeys).toEqual(Object.keys(EXPECTED).sort());
  expect(samFiles).toEqual(Object.keys(SAM_EXPECTED).sort());
});

describe('plain CloudFormation templates', () => {
  test.each(units(templateFiles))('%s', (_key, files) => {
    expect(issue2Findings(files)).toEqual([...EXPECTED[_key]].sort());
  });
});

describe('SAM templates (pre-transform)', () => {
  test.each(samFiles)('%s', (file) => {
    const found = issue2Findings([file]);
    // Never a false coverage error: their functions are AWS::Serverless::Function (semantics.md §0).
    expect(found.filter((f) => /^(MissingPermission|QualifierMismatch|GrantMismatch|SourceArnMismatch) /.test(f))).toEqual([]);
    expect(found).toEqual([...SAM_EXPECTED[file]].sort());
  });
});

test('the cross-stack pair resolves the imported function (no Unverifiable, no Missing)', () => {
  // Alone, the API stack's Fn::ImportValue cannot be followed; together it resolves to firstLambda.
  const alone = issue2Findings([APPS['aws-cdk/rest-multistack'][1]]);
  expect(alone.length).toBeGreaterThan(0);
  expect(alone.filter((f) => !f.startsWith('Unverifiable '))).toEqual([]);
  expect(issue2Findings(APPS['aws-cdk/rest-multistack'])).toEqual([]);
});

test('the literal-env snapshot matches with its real account/region and with unknown env alike', () => {
  const f = 'aws-cdk/rest-lambdarestapi-generated-name-literal-env.template.json';
  const { findings } = analyze([{ key: f, displayName: f, template: readTemplate(path.join(CORPUS, f)) }]);
  expect(findings.filter((x) => /SourceArnMismatch|MissingPermission/.test(x.ruleId))).toEqual([]);
});
