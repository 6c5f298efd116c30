import { Finding } from '../engine';
import { Facts } from '../facts/build';

export interface TextOptions {
  /** ANSI colours (the CLI enables them only on a TTY and never when NO_COLOR is set). */
  readonly color?: boolean;
  /** How many findings acknowledgements silenced (mentioned in the summary). */
  readonly acknowledged?: number;
}

const OTHER = 'permissions and other resources';

/**
 * The report for people: findings grouped by stack (with its template file) and by API, each
 * finding as a header line (severity, rule id, construct path or logical id) and its message, with
 * the fix sentence on a line of its own; then a summary count.
 */
export function renderText(findings: readonly Finding[], facts: Facts | undefined, opts: TextOptions = {}): string {
  const c = palette(opts.color ?? false);
  const apiOf = apiLabels(facts);
  const lines: string[] = [];
  const byStack = groupBy(findings, (f) => f.stackKey);
  for (const [stackKey, inStack] of byStack) {
    const file = inStack[0].templateFile;
    lines.push(`${c.bold(stackKey)}${file && file !== stackKey ? c.dim(`  (${file})`) : ''}`);
    const byApi = groupBy(inStack, (f) => apiOf.get(`${f.stackKey}|${f.logicalId}`) ?? OTHER);
    // APIs first (alphabetical), the catch-all group last.
    const groups = [...byApi].sort(([a], [b]) => (a === OTHER ? 1 : b === OTHER ? -1 : a < b ? -1 : a > b ? 1 : 0));
    for (const [api, inApi] of groups) {
      lines.push(`  ${c.cyan(api)}`);
      for (const f of inApi) {
        const sev = f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info   ');
        lines.push(`    ${sev} ${c.bold(f.ruleId)}  ${c.dim(f.constructPath ?? f.logicalId)}${f.propertyPath ? c.dim(` (${f.propertyPath})`) : ''}`);
        const { problem, fix } = splitFix(f.message);
        lines.push(`            ${problem}`);
        if (fix) lines.push(`            ${c.green('fix:')} ${fix}`);
      }
    }
    lines.push('');
  }
  lines.push(summary(findings, byStack.size, opts.acknowledged ?? 0, c));
  return `${lines.join('\n')}\n`;
}

function summary(findings: readonly Finding[], stacks: number, acknowledged: number, c: Palette): string {
  const ack = acknowledged ? `, ${acknowledged} acknowledged` : '';
  if (findings.length === 0) return c.green(`No API Gateway → Lambda permission problems found${ack}.`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), plural(count('info'), 'info')].filter((p) => !p.startsWith('0 '));
  const text = `${plural(findings.length, 'problem')} (${parts.join(', ')}) in ${plural(stacks, 'stack')}${ack}`;
  return count('error') ? c.red(c.bold(`✖ ${text}`)) : c.yellow(c.bold(`! ${text}`));
}

/**
 * Splits a rule message into the problem and the fix: rule messages end with one imperative
 * sentence saying what to do (rules.md habit 3). When there is none, the message stays whole.
 */
export function splitFix(message: string): { problem: string; fix?: string } {
  const re = /\. ((?:Add|Set|Use|Remove|Change|Check|Grant|Give|Move|Replace|Make|Scope|Point|Deploy|Keep|Delete|Attach|Either|Drop|Pass|Allow|Narrow|Restrict|Merge|Rename|Publish|Create|Import)\b[^]*)$/;
  const m = re.exec(message);
  if (!m) return { problem: message };
  return { problem: message.slice(0, m.index + 1), fix: m[1] };
}

/** `stack|logicalId` of every invocation site and API resource → `REST API <label>` etc. */
function apiLabels(facts: Facts | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!facts) return out;
  const label = (kind: string, name: string) => `${kind === 'WEBSOCKET' ? 'WebSocket' : kind} API ${name}`;
  for (const api of facts.apis.values()) if (api.site) out.set(`${api.site.stack}|${api.site.logicalId}`, label(api.kind, api.label));
  for (const inv of facts.invocations) out.set(`${inv.site.stack}|${inv.site.logicalId}`, label(inv.api.kind, inv.api.label));
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`;
}

type Paint = (s: string) => string;
interface Palette { readonly bold: Paint; readonly dim: Paint; readonly red: Paint; readonly yellow: Paint; readonly blue: Paint; readonly cyan: Paint; readonly green: Paint }

function palette(on: boolean): Palette {
  const sgr = (open: number, close: number): Paint => (on ? (s) => `\u001b[${open}m${s}\u001b[${close}m` : (s) => s);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), blue: sgr(34, 39), cyan: sgr(36, 39), green: sgr(32, 39) };
}
