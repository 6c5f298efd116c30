import { PACKAGE_NAME } from '../version';

export type Format = 'text' | 'json' | 'sarif';
export type FailOn = 'error' | 'warning' | 'none';

export interface CliOptions {
  readonly format: Format;
  readonly output?: string;
  readonly failOn: FailOn;
  /** `--severity <ruleId>=<error|warning|info|off>`, repeatable (same as the Aspect's `ruleSeverities`). */
  readonly ruleSeverities: Record<string, string>;
  /** false with `--no-color`; otherwise decided by the terminal and NO_COLOR. */
  readonly color?: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly inputs: string[];
}

/** Bad command line: the CLI prints the message and the usage hint, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const FORMATS: readonly Format[] = ['text', 'json', 'sarif'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'none'];

export const USAGE = `Usage: ${PACKAGE_NAME} [options] <cdk.out directory | template files…>

Checks that API Gateway can invoke every Lambda function it integrates (resource-policy grants,
SourceArns, qualifiers, credentials roles) in a synthesized cloud assembly or CloudFormation
templates (JSON or YAML).

Options:
  -f, --format <text|json|sarif>       output format (default: text)
  -o, --output <file>                  write the report to a file instead of stdout
      --fail-on <error|warning|none>   exit 1 when a finding has this severity or worse (default: error)
      --severity <ruleId>=<level>      override a rule's severity: error, warning, info or off (repeatable)
      --no-color                       no colours in text output (also: NO_COLOR=1; never on a non-TTY)
  -h, --help                           show this help
  -v, --version                        show the version

Exit codes: 0 nothing reaches --fail-on, 1 something does, 2 unusable input or arguments.

Acknowledge a finding in a template with the resource's Metadata:
  "${PACKAGE_NAME}": { "acknowledge": [ { "id": "ApiGwLambda-…", "reason": "…" } ] }
(cdk-nag's "cdk_nag": { "rules_to_suppress": [ … ] } and, in cdk.out, Validations.of(x).acknowledge() are honoured too.)
`;

export function parseArgs(argv: readonly string[]): CliOptions {
  let format: Format = 'text';
  let output: string | undefined;
  let failOn: FailOn = 'error';
  let color: boolean | undefined;
  let help = false;
  let version = false;
  const ruleSeverities: Record<string, string> = {};
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      inputs.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      inputs.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) throw new UsageError(`option ${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '-f':
      case '--format':
        format = oneOf(name, value(), FORMATS);
        break;
      case '-o':
      case '--output':
        output = value();
        break;
      case '--fail-on':
        failOn = oneOf(name, value(), FAIL_ON);
        break;
      case '--severity': {
        const v = value();
        const at = v.indexOf('=');
        if (at <= 0) throw new UsageError(`option --severity expects <ruleId>=<error|warning|info|off>, got '${v}'`);
        ruleSeverities[v.slice(0, at)] = v.slice(at + 1);
        break;
      }
      case '--no-color':
        color = false;
        break;
      case '--color':
        color = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      case '-v':
      case '--version':
        version = true;
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  return { format, output, failOn, ruleSeverities, color, help, version, inputs };
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`option ${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}
