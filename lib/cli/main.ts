import * as fs from 'fs';
import * as path from 'path';
import { Finding, analyze, validateSeverities } from '../engine';
import { InputError, loadInputs } from '../facts/assembly-loader';
import { renderJson } from '../report/json';
import { SuppressedFinding, renderSarif } from '../report/sarif';
import { renderText } from '../report/text';
import { PACKAGE_NAME, packageVersion } from '../version';
import { acknowledgements } from './acknowledgements';
import { CliOptions, USAGE, parseArgs } from './args';
import { resourceLineFinder } from './source-lines';

/** Exit codes (documented in --help). */
export enum ExitCode {
  /** Nothing reaches `--fail-on`. */
  OK = 0,
  /** A finding reaches `--fail-on`. */
  FINDINGS = 1,
  /** Unusable input or arguments: missing file, not a template, malformed JSON/YAML, SAM transform, bad option. */
  INPUT = 2,
}

/** Where the CLI reads and writes: injected so tests run it in-process. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown };
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
}

/**
 * `cdk-apigw-lambda-permissions [options] <cdk.out | templates…>`: load → engine → reporter.
 * Never throws: every failure becomes a one-line message on stderr and an exit code.
 */
export function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): number {
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
    validateSeverities(opts.ruleSeverities);
  } catch (e) {
    io.stderr.write(`${PACKAGE_NAME}: ${message(e)}\nRun '${PACKAGE_NAME} --help' for usage.\n`);
    return ExitCode.INPUT;
  }
  if (opts.help) {
    io.stdout.write(USAGE);
    return ExitCode.OK;
  }
  if (opts.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  if (opts.inputs.length === 0) {
    io.stderr.write(`${PACKAGE_NAME}: no input; pass a cdk.out directory or template files\nRun '${PACKAGE_NAME} --help' for usage.\n`);
    return ExitCode.INPUT;
  }
  try {
    const input = loadInputs(opts.inputs, cwd);
    const ackOf = acknowledgements(input);
    const { facts, findings: all } = analyze(input.stacks, validateSeverities(opts.ruleSeverities));
    const findings: Finding[] = [];
    const suppressed: SuppressedFinding[] = [];
    for (const f of all) {
      const reason = ackOf(f);
      if (reason === undefined) findings.push(f);
      else suppressed.push({ finding: f, reason });
    }
    const toFile = opts.output !== undefined;
    // Colour only for people: a TTY, not a file, and never with NO_COLOR (https://no-color.org).
    const color = !env.NO_COLOR && (opts.color ?? (!toFile && !!io.stdout.isTTY));
    const report = opts.format === 'json' ? renderJson(findings, suppressed)
      : opts.format === 'sarif' ? renderSarif(findings, { lineOf: resourceLineFinder(input.files), suppressed })
        : renderText(findings, facts, { color, acknowledged: suppressed.length });
    if (toFile) {
      const out = path.resolve(cwd, opts.output!);
      try {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, report);
      } catch (e) {
        io.stderr.write(`${PACKAGE_NAME}: ${opts.output}: cannot be written (${message(e)})\n`);
        return ExitCode.INPUT;
      }
      io.stderr.write(`${PACKAGE_NAME}: ${findings.length} finding(s) written to ${opts.output}\n`);
    } else {
      io.stdout.write(report);
    }
    return failing(findings, opts.failOn) ? ExitCode.FINDINGS : ExitCode.OK;
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr.write(`${PACKAGE_NAME}: ${e.message}\n`);
    } else {
      // Not the user's fault, but still one line and a non-zero exit: CI must not pass silently.
      io.stderr.write(`${PACKAGE_NAME}: internal error: ${message(e)}\n`);
    }
    return ExitCode.INPUT;
  }
}

function failing(findings: readonly Finding[], failOn: CliOptions['failOn']): boolean {
  if (failOn === 'none') return false;
  return findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
