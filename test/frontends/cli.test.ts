/**
 * The CLI: formats, exit codes, bad input, acknowledgements in templates; in-process through
 * `main(argv, io)` and once as a real process (`node bin/cli.js`).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { main } from '../../lib/cli/main';
import { RULES } from '../../lib/rules';
import { CASES, cleanup, tempDir, testApp } from './cases';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(argv: string[], opts: { tty?: boolean; env?: Record<string, string> } = {}): Run {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: dir,
    env: opts.env ?? {},
  });
  return { code, stdout, stderr };
}

const FN = { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Role: 'arn:aws:iam::111111111111:role/r', Code: { ZipFile: 'x' } } };
const API = { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'api' } };
const GET = {
  Type: 'AWS::ApiGateway::Method',
  Properties: {
    RestApiId: { Ref: 'Api' }, ResourceId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, HttpMethod: 'GET', AuthorizationType: 'NONE',
    Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations' } },
  },
};
const DEPLOYMENT = { Type: 'AWS::ApiGateway::Deployment', DependsOn: 'Get', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'prod' } };
const permission = (sourceArn?: any) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Principal: 'apigateway.amazonaws.com', ...(sourceArn ? { SourceArn: sourceArn } : {}) },
});
const SCOPED = { 'Fn::Sub': 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/' };

/** Bad: GET / integrates Fn, nothing grants API Gateway (MissingPermission, an error). */
const BAD = { Resources: { Fn: FN, Api: API, Get: GET, Deployment: DEPLOYMENT } };
const GOOD = { Resources: { ...BAD.Resources, Perm: permission(SCOPED) } };
/** Only a warning: the grant has no SourceArn (OverBroadPermission). */
const WARN = { Resources: { ...BAD.Resources, Perm: permission() } };

const BAD_YAML = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::111111111111:role/r
      Code: { ZipFile: x }
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: api }
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Get
    Properties:
      RestApiId: !Ref Api
      StageName: prod
`;

function write(name: string, content: unknown): string {
  fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, undefined, 2));
  return name;
}

function withMetadata(template: any, logicalId: string, metadata: any): any {
  const r = template.Resources[logicalId];
  return { ...template, Resources: { ...template.Resources, [logicalId]: { ...r, Metadata: metadata } } };
}

beforeAll(() => {
  dir = tempDir('apigw-cli');
  write('bad.json', BAD);
  write('good.json', GOOD);
  write('warn.json', WARN);
  write('bad.yaml', BAD_YAML);
});
afterAll(() => cleanup(dir));

describe('formats', () => {
  test('text: grouped by stack and API, the fix on its own line, a summary; no colour off a TTY', () => {
    const r = run(['bad.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toContain('bad.json\n  REST API Api\n    error   ApiGwLambda-MissingPermission  Get (Integration.Uri)\n');
    expect(r.stdout).toMatch(/\n {12}REST method GET \/ of API Api invokes Fn but no resource-policy statement .*\(GET \/ on stage 'prod'\)\.\n/);
    expect(r.stdout).toMatch(/\n {12}fix: Add an AWS::Lambda::Permission with Principal apigateway\.amazonaws\.com.*\/prod\/GET\/\.\n/);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('✖ 1 problem (1 error) in 1 stack');
  });

  test('text: colour on a TTY, never with NO_COLOR or --no-color', () => {
    expect(run(['bad.json'], { tty: true }).stdout).toMatch(/\u001b\[31merror/);
    expect(run(['bad.json'], { tty: true, env: { NO_COLOR: '1' } }).stdout).not.toMatch(/\u001b\[/);
    expect(run(['--no-color', 'bad.json'], { tty: true }).stdout).not.toMatch(/\u001b\[/);
  });

  test('text: a clean run says so', () => {
    const r = run(['good.json']);
    expect(r).toEqual({ code: 0, stdout: 'No API Gateway → Lambda permission problems found.\n', stderr: '' });
  });

  test('json: the documented shape, in a stable order', () => {
    const r = run(['--format', 'json', 'warn.json', 'bad.json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['findings', 'acknowledged']);
    expect(out.acknowledged).toEqual([]);
    expect(out.findings).toEqual([
      {
        ruleId: 'ApiGwLambda-MissingPermission', severity: 'error', message: expect.stringMatching(/^REST method GET \/ of API Api invokes Fn/),
        template: 'bad.json', logicalId: 'Get', propertyPath: 'Integration.Uri',
      },
      {
        ruleId: 'ApiGwLambda-OverBroadPermission', severity: 'warning', message: expect.stringMatching(/^Perm lets API Gateway invoke Fn too broadly/),
        template: 'warn.json', logicalId: 'Perm',
      },
    ]);
    // Order does not depend on argument order.
    expect(run(['--format=json', 'bad.json', 'warn.json']).stdout).toBe(r.stdout);
  });

  test('json on a synthesized cdk.out: templates, logical ids and construct paths as in the app', () => {
    const c = CASES.find((x) => x.name.startsWith('bad: API in a nested stack'))!;
    const app = testApp(path.join(dir, 'cdk.out'));
    c.build(app);
    app.synth();
    const r = run(['-f', 'json', 'cdk.out']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({
      ruleId: 'ApiGwLambda-MissingPermission',
      template: expect.stringMatching(/^cdk\.out\/ParentNested\w+\.nested\.template\.json$/),
      logicalId: 'Create',
      constructPath: 'Parent/Nested/Create',
    })]);
    // manifest.json itself is accepted as the assembly.
    expect(run(['-f', 'json', 'cdk.out/manifest.json']).stdout).toBe(r.stdout);
  });

  test('construct paths come from the metadata file, read only when a finding needs it; a broken one is then an input error', () => {
    const c = CASES.find((x) => x.name.startsWith('bad: L1 method without a permission'))!;
    const app = testApp(path.join(dir, 'meta.out'));
    c.build(app);
    const assembly = app.synth();
    const r = run(['-f', 'json', 'meta.out']);
    expect(r.code).toBe(1);
    const [finding] = JSON.parse(r.stdout).findings;
    expect(finding.constructPath).toBe(`${assembly.stacks[0].displayName}/${finding.logicalId}`);
    // Truncate the stack's metadata file: the finding's construct path can no longer be read.
    const metadataFile = path.join(dir, 'meta.out', assembly.stacks[0].manifest.additionalMetadataFile!);
    fs.writeFileSync(metadataFile, fs.readFileSync(metadataFile, 'utf8').slice(0, 40));
    const broken = run(['-f', 'json', 'meta.out']);
    expect(broken.code).toBe(2);
    expect(broken.stderr.trimEnd()).toMatch(/^cdk-apigw-lambda-permissions: meta\.out\/\S+\.metadata\.json: is not valid JSON \(.+\)$/);
  });

  describe('sarif', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/sarif-schema-2.1.0.json'), 'utf8'));
    // unicodeRegExp off: the official schema's `language` pattern has a stray `]` that only the `u` flag rejects.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);

    test.each([['bad.json'], ['bad.yaml'], ['good.json'], ['warn.json', 'bad.json']])('valid SARIF 2.1.0 for %s', (...files) => {
      const r = run(['--format', 'sarif', ...files]);
      const log = JSON.parse(r.stdout);
      const ok = validate(log);
      expect(ok ? [] : validate.errors).toEqual([]);
      expect(log.version).toBe('2.1.0');
    });

    test('rules carry help text from the rule metadata; results point at the logical id\'s line', () => {
      const log = JSON.parse(run(['--format', 'sarif', 'bad.json', 'bad.yaml']).stdout);
      const driver = log.runs[0].tool.driver;
      expect(driver.name).toBe('cdk-apigw-lambda-permissions');
      expect(driver.rules.map((r: any) => r.id)).toEqual(RULES.map((r) => r.id));
      for (const [i, r] of RULES.entries()) {
        expect(driver.rules[i].shortDescription.text).toBe(r.summary);
        expect(driver.rules[i].help.text).toContain(r.rationale);
      }
      const lineOf = (file: string, key: RegExp) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => key.test(l)) + 1;
      const located = log.runs[0].results.map((res: any) => [res.ruleId, res.level, res.locations[0].physicalLocation.artifactLocation.uri,
        res.locations[0].physicalLocation.region.startLine, res.locations[0].logicalLocations[0].name]);
      expect(located).toEqual([
        ['ApiGwLambda-MissingPermission', 'error', 'bad.json', lineOf('bad.json', /^ {4}"Get": \{/), 'Get'],
        ['ApiGwLambda-MissingPermission', 'error', 'bad.yaml', lineOf('bad.yaml', /^ {2}Get:/), 'Get'],
      ]);
      expect(located[1][3]).toBe(13);
    });

    test('acknowledged findings are kept as suppressed results with their reason', () => {
      write('acked.json', withMetadata(BAD, 'Get', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission', reason: 'granted elsewhere' }] } }));
      const r = run(['--format', 'sarif', 'acked.json']);
      expect(r.code).toBe(0);
      const log = JSON.parse(r.stdout);
      expect(validate(log)).toBe(true);
      expect(log.runs[0].results.map((x: any) => x.suppressions)).toEqual([[{ kind: 'inSource', justification: 'granted elsewhere' }]]);
    });

    test('JSON lists acknowledged findings apart, with their reason', () => {
      write('acked.json', withMetadata(BAD, 'Get', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission', reason: 'granted elsewhere' }] } }));
      const out = JSON.parse(run(['--format', 'json', 'acked.json']).stdout);
      expect(out.findings).toEqual([]);
      expect(out.acknowledged.map((f: any) => [f.ruleId, f.logicalId, f.reason])).toEqual([['ApiGwLambda-MissingPermission', 'Get', 'granted elsewhere']]);
    });
  });

  test('--output writes the report to a file (creating folders) and keeps stdout empty', () => {
    const r = run(['--format', 'sarif', '--output', 'reports/out.sarif', 'bad.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('cdk-apigw-lambda-permissions: 1 finding(s) written to reports/out.sarif\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'reports/out.sarif'), 'utf8')).version).toBe('2.1.0');
  });
});

describe('exit codes', () => {
  test.each([
    [['good.json'], 0],
    [['bad.json'], 1],
    [['bad.yaml'], 1],
    [['warn.json'], 0],
    [['--fail-on', 'warning', 'warn.json'], 1],
    [['--fail-on', 'warning', 'good.json'], 0],
    [['--fail-on', 'none', 'bad.json'], 0],
    [['--fail-on', 'error', 'bad.json'], 1],
    [['--severity', 'ApiGwLambda-MissingPermission=warning', 'bad.json'], 0],
    [['--severity', 'ApiGwLambda-MissingPermission=off', '--fail-on', 'warning', 'bad.json'], 0],
  ] as const)('%j → %i', (argv, code) => {
    expect(run([...argv]).code).toBe(code);
  });
});

describe('unusable input: exit 2 with one line naming the file and the problem', () => {
  test.each([
    ['a missing file', () => 'nope.json', /^cdk-apigw-lambda-permissions: nope\.json: no such file or directory$/],
    ['malformed JSON', () => write('broken.json', '{ "Resources": { '), /^cdk-apigw-lambda-permissions: broken\.json: is not valid JSON \(.+\)$/],
    ['malformed YAML', () => write('broken.yaml', 'Resources:\n  A: [unclosed\n'), /^cdk-apigw-lambda-permissions: broken\.yaml: is not valid YAML \(.+\)$/],
    ['a YAML tag that is no intrinsic (not its plain value, nor a warning of the process)',
      () => write('tag.yaml', 'Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: !Foo Fn\n'),
      /^cdk-apigw-lambda-permissions: tag\.yaml: is not valid YAML \(Unresolved tag: !Foo at line 5, column \d+; not a CloudFormation short-form intrinsic\)$/],
    ['JSON that is not a template', () => write('package.json', { name: 'x', version: '1.0.0' }), /package\.json: is not a CloudFormation template \(no "Resources" section\)$/],
    ['a YAML list', () => write('list.yaml', '- a\n- b\n'), /list\.yaml: is not a CloudFormation template/],
    ['a resource without Type', () => write('notype.json', { Resources: { A: { Properties: {} } } }), /notype\.json: resource 'A' has no "Type"/],
    ['a SAM template', () => write('sam.yaml', 'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n'),
      /sam\.yaml: uses the SAM transform \(AWS::Serverless-2016-10-31\); transform it first/],
    ['a SAM template (Transform list)', () => write('sam2.json', { Transform: ['AWS::LanguageExtensions', 'AWS::Serverless-2016-10-31'], Resources: {} }),
      /sam2\.json: uses the SAM transform/],
    ['a directory that is not a cloud assembly', () => (fs.mkdirSync(path.join(dir, 'empty'), { recursive: true }), 'empty'),
      /empty: is a directory without manifest\.json/],
    ['an acknowledgement without a reason', () => write('noreason.json', withMetadata(BAD, 'Get', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission' }] } })),
      /noreason\.json: resource 'Get': Metadata\.cdk-apigw-lambda-permissions\.acknowledge\[0\] \(ApiGwLambda-MissingPermission\) needs a non-empty "reason"$/],
    ['an acknowledgement of an unknown rule', () => write('typo.json', withMetadata(BAD, 'Get', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermisson', reason: 'x' }] } })),
      /typo\.json: resource 'Get': .*unknown rule id 'ApiGwLambda-MissingPermisson'/],
  ])('%s', (_, file, message) => {
    const r = run([file()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n') && r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });

  test.each([
    [['--format', 'xml', 'bad.json'], /option --format must be one of text, json, sarif, got 'xml'/],
    [['--fail-on', 'sometimes', 'bad.json'], /option --fail-on must be one of error, warning, none/],
    [['--bogus', 'bad.json'], /unknown option --bogus/],
    [['--output'], /option --output needs a value/],
    [['--severity', 'ApiGwLambda-Nope=error', 'bad.json'], /Unknown rule id 'ApiGwLambda-Nope'/],
    [[], /no input; pass a cdk\.out directory or template files/],
  ])('bad arguments %j', (argv, message) => {
    const r = run([...argv]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("Run 'cdk-apigw-lambda-permissions --help' for usage.");
  });
});

describe('acknowledgements in templates', () => {
  test.each([
    ['this tool\'s Metadata', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission', reason: 'granted by the platform team' }] } }],
    ['cdk-nag\'s rules_to_suppress', { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-APIG4', reason: 'not ours' }, { id: 'ApiGwLambda-MissingPermission', reason: 'granted by the platform team' }] } }],
  ])('%s silences the finding on that resource', (_, metadata) => {
    write('ack.json', withMetadata(BAD, 'Get', metadata));
    const r = run(['ack.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No API Gateway → Lambda permission problems found, 1 acknowledged.\n');
  });

  test('an acknowledgement on another resource or for another rule does not', () => {
    write('ack-other.json', withMetadata(BAD, 'Fn', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission', reason: 'wrong place' }] } }));
    write('ack-rule.json', withMetadata(BAD, 'Get', { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-SourceArnMismatch', reason: 'other rule' }] } }));
    expect(run(['ack-other.json']).code).toBe(1);
    expect(run(['ack-rule.json']).code).toBe(1);
  });

  test('template-level Metadata acknowledges for the whole template', () => {
    write('ack-top.json', { ...BAD, Metadata: { 'cdk-apigw-lambda-permissions': { acknowledge: [{ id: 'ApiGwLambda-MissingPermission', reason: 'legacy stack' }] } } });
    expect(run(['ack-top.json']).code).toBe(0);
  });

  test('in cdk.out, Validations.of(x).acknowledge() recorded by the CDK is honoured as by the Aspect', () => {
    const c = CASES.find((x) => x.name.startsWith('acknowledged:'))!;
    const app = testApp(path.join(dir, 'acked.out'));
    c.build(app);
    app.synth();
    expect(run(['acked.out'])).toEqual(expect.objectContaining({ code: 0, stdout: 'No API Gateway → Lambda permission problems found, 1 acknowledged.\n' }));
    // SARIF keeps the user's reason as the suppression's justification, as for template Metadata.
    const log = JSON.parse(run(['--format', 'sarif', 'acked.out']).stdout);
    expect(log.runs[0].results.map((x: any) => x.suppressions)).toEqual([[{ kind: 'inSource', justification: 'granted by another pipeline' }]]);
  });
});

describe('resource Conditions', () => {
  const conditional = (condition: string) => ({
    Parameters: { Env: { Type: 'String', Default: 'prod' } },
    Conditions: { Never: { 'Fn::Equals': ['a', 'b'] }, IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] } },
    Resources: { ...GOOD.Resources, Perm: { ...permission(SCOPED), Condition: condition } },
  });

  test('the only permission under a false condition grants nothing: MissingPermission, exit 1', () => {
    const r = run(['--format', 'json', write('never.json', conditional('Never'))]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => `${f.ruleId} ${f.logicalId}`)).toEqual(['ApiGwLambda-MissingPermission Get']);
  });

  test('the only permission under a parameter-dependent condition: an Unverifiable warning naming it, exit 0', () => {
    const r = run(['--format', 'json', write('isprod.json', conditional('IsProd'))]);
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout).findings;
    expect(findings.map((f: any) => `${f.severity} ${f.ruleId} ${f.logicalId}`)).toEqual(['warning ApiGwLambda-Unverifiable Get']);
    expect(findings[0].message).toContain('Perm covers the path but is created only when its condition IsProd holds');
  });
});

describe('odd input is reported, never an internal error', () => {
  test('intrinsics nested too deep to stringify', () => {
    // Written as text: JSON.stringify itself cannot write it.
    const name = `${'{"Fn::Select":[0,['.repeat(5000)}{"Ref":"Fn"}${']]}'.repeat(5000)}`;
    const perm = `{"Type":"AWS::Lambda::Permission","Properties":{"Action":"lambda:InvokeFunction","Principal":"apigateway.amazonaws.com","FunctionName":${name}}}`;
    const r = run([write('deep.json', `{"Resources":{"Fn":${JSON.stringify(FN)},"Perm":${perm}}}`)]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ApiGwLambda-Unverifiable');
  });

  test('a manifest whose displayName is not a string; metadata whose entries are not lists', () => {
    const asm = path.join(dir, 'odd.out');
    fs.mkdirSync(asm, { recursive: true });
    fs.writeFileSync(path.join(asm, 'S.template.json'), JSON.stringify(BAD));
    fs.writeFileSync(path.join(asm, 'S.metadata.json'), JSON.stringify({ '/S/Get': 5, '/S': [{ type: 'aws:cdk:logicalId', data: 'Get' }] }));
    fs.writeFileSync(path.join(asm, 'manifest.json'), JSON.stringify({
      version: '48.0.0',
      artifacts: { S: { type: 'aws:cloudformation:stack', displayName: 5, environment: 'aws://unknown-account/unknown-region',
        properties: { templateFile: 'S.template.json' }, additionalMetadataFile: 'S.metadata.json' } },
    }));
    const r = run(['odd.out', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => [f.template, f.logicalId, f.ruleId]))
      .toContainEqual(['odd.out/S.template.json', 'Get', 'ApiGwLambda-MissingPermission']);
  });
});

test('--help and --version', () => {
  const help = run(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: cdk-apigw-lambda-permissions \[options\] <cdk\.out directory \| template files…>/);
  for (const opt of ['--format', '--output', '--fail-on', '--help', '--version']) expect(help.stdout).toContain(opt);
  const version = run(['--version']);
  expect(version).toEqual({ code: 0, stdout: `${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
});

describe('as a real process: node bin/cli.js', () => {
  const cli = path.join(ROOT, 'bin/cli.js');
  beforeAll(() => {
    // `npm ci` builds it (prepare → tsc); build here when missing or older than the CLI sources.
    const sources = [path.join(ROOT, 'bin/cli.ts'), ...fs.readdirSync(path.join(ROOT, 'lib/cli')).map((f) => path.join(ROOT, 'lib/cli', f))];
    const stale = !fs.existsSync(cli) || sources.some((s) => fs.statSync(s).mtimeMs > fs.statSync(cli).mtimeMs);
    if (stale) {
      try {
        execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
      } catch (e) {
        // tsc still emits on type errors elsewhere in the tree; only a missing CLI is fatal here.
        if (!fs.existsSync(cli)) throw e;
      }
    }
  }, 300_000);

  const node = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });

  test('exit 1 and a JSON report for a bad template', () => {
    const r = node(['--format', 'json', 'bad.json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.ruleId)).toEqual(['ApiGwLambda-MissingPermission']);
  });

  test('exit 0 for a good template, exit 2 with one line for a missing one', () => {
    expect(node(['good.json']).status).toBe(0);
    const r = node(['missing.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('cdk-apigw-lambda-permissions: missing.yaml: no such file or directory\n');
  });
});
