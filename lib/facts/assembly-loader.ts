import * as fs from 'fs';
import * as path from 'path';
import { parseTemplateText } from './cfn-yaml';
import { CfnResourceJson, CfnTemplate, StackTemplate } from './template';

/**
 * Loads what the CLI analyses: a cloud assembly (cdk.out) or CloudFormation template files, as
 * `StackTemplate`s keyed exactly like the Aspect keys them (stack key = stack construct path,
 * constructPaths from `aws:cdk:path`), so the same app gives the same findings either way.
 */

/** Unusable input: the message names the file and the problem (the CLI exits 2 with it). */
export class InputError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

/** One `Validations.of(x).acknowledge({ id, reason })` as the CDK records it. */
export interface PathAcknowledgement {
  /** As recorded, possibly namespaced (`Annotation::…`). */
  readonly id: string;
  /** The user's reason ('' when the record has none). */
  readonly reason: string;
}

export interface LoadedInput {
  readonly stacks: StackTemplate[];
  /**
   * `Validations.of(x).acknowledge()` records found in a cloud assembly's metadata: construct path
   * (no leading slash) → what was acknowledged there.
   */
  readonly pathAcknowledgements: ReadonlyMap<string, readonly PathAcknowledgement[]>;
  /** Display path of each template file → its absolute path (for source locations). */
  readonly files: ReadonlyMap<string, string>;
}

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
const UNKNOWN_ACCOUNT = 'unknown-account';
const UNKNOWN_REGION = 'unknown-region';
const NESTED_RESOURCE_PATH = /^(.*)\.NestedStack\/[^/]*\.NestedStackResource$/;

/**
 * Loads every argument: a cdk.out directory (or its manifest.json) or template files (JSON/YAML),
 * into one analysis, so cross-template Exports/ImportValue resolve. Throws `InputError`.
 */
export function loadInputs(args: readonly string[], cwd: string = process.cwd()): LoadedInput {
  if (args.length === 0) throw new InputError('(arguments)', 'no cdk.out directory or template file given');
  const stacks: StackTemplate[] = [];
  const keys = new Set<string>();
  const acks = new Map<string, PathAcknowledgement[]>();
  const files = new Map<string, string>();
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    const stat = statOrThrow(abs, arg);
    const manifestDir = stat.isDirectory() ? abs : path.basename(abs) === 'manifest.json' ? path.dirname(abs) : undefined;
    const loaded = manifestDir !== undefined
      ? loadCloudAssembly(manifestDir, cwd)
      : { stacks: [loadTemplateFile(abs, cwd)], pathAcknowledgements: new Map<string, PathAcknowledgement[]>(), files: new Map([[display(abs, cwd), abs]]) };
    for (const s of loaded.stacks) {
      if (keys.has(s.key)) throw new InputError(arg, `stack '${s.key}' is given twice`);
      keys.add(s.key);
      stacks.push(s);
    }
    for (const [p, list] of loaded.pathAcknowledgements) acks.set(p, [...(acks.get(p) ?? []), ...list]);
    for (const [d, a] of loaded.files) files.set(d, a);
  }
  return { stacks, pathAcknowledgements: acks, files };
}

/** One plain template file: stack key and display name are its path relative to `cwd`. */
export function loadTemplateFile(file: string, cwd: string = process.cwd()): StackTemplate {
  const shown = display(file, cwd);
  const template = readTemplate(file, shown);
  return {
    key: shown,
    displayName: shown,
    templateFile: shown,
    template,
    constructPaths: pathsFromMetadata(template),
  };
}

/** Every stack of a cloud assembly (including stages' nested assemblies and nested stacks). */
export function loadCloudAssembly(dir: string, cwd: string = process.cwd()): LoadedInput {
  const stacks: StackTemplate[] = [];
  const acks = new Map<string, PathAcknowledgement[]>();
  const files = new Map<string, string>();
  loadAssemblyInto(dir, cwd, stacks, acks, files, new Set());
  return { stacks, pathAcknowledgements: acks, files };
}

function loadAssemblyInto(
  dir: string, cwd: string, stacks: StackTemplate[], acks: Map<string, PathAcknowledgement[]>, files: Map<string, string>, seen: Set<string>,
): void {
  if (seen.has(dir)) return;
  seen.add(dir);
  const manifestFile = path.join(dir, 'manifest.json');
  const shownManifest = display(manifestFile, cwd);
  if (!fs.existsSync(manifestFile)) {
    throw new InputError(display(dir, cwd), 'is a directory without manifest.json; pass a cdk.out directory (run `cdk synth` first) or template files');
  }
  const manifest = readJson(manifestFile, shownManifest);
  const artifacts = manifest?.artifacts;
  if (!artifacts || typeof artifacts !== 'object') throw new InputError(shownManifest, 'is not a cloud assembly manifest (no "artifacts")');
  // Only a nested stack whose resource cannot be found otherwise needs the asset manifests.
  let assetMap: Map<string, string> | undefined;
  const assets = () => (assetMap ??= assetSources(dir, artifacts));
  for (const [id, artifact] of Object.entries<any>(artifacts)) {
    if (artifact?.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
      loadAssemblyInto(path.join(dir, artifact.properties.directoryName), cwd, stacks, acks, files, seen);
      continue;
    }
    if (artifact?.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile;
    if (typeof templateFile !== 'string') throw new InputError(shownManifest, `stack artifact '${id}' has no properties.templateFile`);
    const env = parseEnvironment(artifact.environment);
    const { templates, logicalIdEntries, acknowledged } = readArtifactMetadata(dir, artifact, cwd);
    // construct path → logical id, built only when asked for (a finding's construct path, a nested stack).
    let logicalIdMap: Map<string, string> | undefined;
    const logicalIds = () => (logicalIdMap ??= logicalIdsByPath(logicalIdEntries()));
    let key: string | undefined;
    for (const [p, f] of templates) {
      if (f === templateFile) {
        key = p;
        break;
      }
    }
    key ??= typeof artifact.displayName === 'string' ? artifact.displayName : id;
    for (const [p, list] of acknowledged) {
      const k = stripSlash(p);
      acks.set(k, [...(acks.get(k) ?? []), ...list]);
    }

    // The stack and its nested stacks: every `aws:cdk:templateFile` at or under the stack's path.
    const own = new Map<string, string>([[key!, templateFile]]);
    const under = `${key}/`;
    for (const [p, f] of templates) if (p.startsWith(under)) own.set(p, f);
    const loaded = new Map<string, StackTemplate>();
    const keys = [...own.keys()].sort((a, b) => a.length - b.length);
    for (const k of keys) {
      const abs = path.join(dir, own.get(k)!);
      const shown = display(abs, cwd);
      files.set(shown, abs);
      const template = readTemplate(abs, shown);
      let parent: StackTemplate['parent'];
      if (k !== key) {
        const parentKey = keys.filter((o) => k.startsWith(`${o}/`)).sort((a, b) => b.length - a.length)[0];
        const parentTemplate = loaded.get(parentKey)!;
        const logicalId = nestedStackResource(parentTemplate, k, own.get(k)!, logicalIds(), assets);
        if (!logicalId) throw new InputError(shown, `no AWS::CloudFormation::Stack resource in ${parentTemplate.templateFile} deploys this nested stack`);
        parent = { stackKey: parentKey, logicalId };
      }
      // Only findings read construct paths: computed on first use (most stacks of a large app have none).
      let constructPaths: Map<string, string> | undefined;
      const st: StackTemplate = {
        key: k, displayName: k, templateFile: shown, template, account: env.account, region: env.region, parent,
        get constructPaths(): ReadonlyMap<string, string> {
          if (!constructPaths) {
            constructPaths = ownLogicalIds(k, keys, logicalIds());
            pathsFromMetadata(template).forEach((p, id) => constructPaths!.set(id, p));
          }
          return constructPaths;
        },
      };
      loaded.set(k, st);
      stacks.push(st);
    }
  }
}

function readTemplate(abs: string, shown: string): CfnTemplate {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(shown, `cannot be read (${errorText(e)})`);
  }
  let parsed: any;
  try {
    parsed = parseTemplateText(text, abs);
  } catch (e) {
    const kind = /\.json$/i.test(abs) || text.trimStart().startsWith('{') ? 'JSON' : 'YAML';
    throw new InputError(shown, `is not valid ${kind} (${errorText(e)})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(shown, 'is not a CloudFormation template (expected an object with a "Resources" section)');
  }
  const transforms = [parsed.Transform].flat().filter((t) => t !== undefined);
  if (transforms.some((t) => t === SAM_TRANSFORM)) {
    throw new InputError(shown, `uses the SAM transform (${SAM_TRANSFORM}); transform it first `
      + '(e.g. `sam validate` / `sam build` and analyse the packaged template, or the CloudFormation console\'s '
      + 'processed template) so every integration and permission is visible');
  }
  if (!parsed.Resources || typeof parsed.Resources !== 'object' || Array.isArray(parsed.Resources)) {
    throw new InputError(shown, 'is not a CloudFormation template (no "Resources" section)');
  }
  const resources = parsed.Resources;
  // Object.keys, not entries: no pair per resource (tens of thousands in a large app).
  const ids = Object.keys(resources);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const r = resources[id];
    if (!r || typeof r !== 'object' || typeof r.Type !== 'string') {
      throw new InputError(shown, `resource '${id}' has no "Type"; is this a CloudFormation template?`);
    }
  }
  return parsed as CfnTemplate;
}

function readJson(abs: string, shown: string): any {
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(shown, `cannot be read (${errorText(e)})`);
  }
  return parseJson(text, shown);
}

function parseJson(text: string, shown: string): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(shown, `is not valid JSON (${errorText(e)})`);
  }
}

function statOrThrow(abs: string, shown: string): fs.Stats {
  try {
    return fs.statSync(abs);
  } catch {
    throw new InputError(shown, 'no such file or directory');
  }
}

/**
 * What the analysis needs from an artifact's construct-path metadata (inline, or in
 * `additionalMetadataFile` since manifest v36+), in one pass over its entries:
 * - `aws:cdk:templateFile`: the construct path of each (nested) stack → its template file;
 * - `aws:cdk:logicalId`: construct path and logical id (covers apps without path metadata), see `logicalIdsByPath`;
 * - `aws:cdk:acknowledged-rules`: construct path (as recorded) → acknowledged ids, in entry order.
 *
 * The metadata file is as large as the template (an entry per resource) but only findings read
 * its logical ids, so a byte search decides: it is parsed up front only when it names a nested
 * stack's template or holds acknowledgements, otherwise on first use (a malformed file then fails
 * that use with InputError).
 */
function readArtifactMetadata(dir: string, artifact: any, cwd: string): {
  templates: Map<string, string>; logicalIdEntries: () => string[]; acknowledged: Array<[string, PathAcknowledgement[]]>;
} {
  const inline: Record<string, any[]> = artifact.metadata ?? {};
  let file: { buffer: Buffer; shown: string } | undefined;
  if (typeof artifact.additionalMetadataFile === 'string') {
    const abs = path.join(dir, artifact.additionalMetadataFile);
    const shown = display(abs, cwd);
    let buffer: Buffer | undefined;
    try {
      buffer = fs.readFileSync(abs);
    } catch (e) {
      // A missing file is tolerated (as before); an unreadable one is not.
      if ((e as NodeJS.ErrnoException)?.code !== 'ENOENT') throw new InputError(shown, `cannot be read (${errorText(e)})`);
    }
    if (buffer) file = { buffer, shown };
  }
  const needsEntries = !file || hasRareEntries(inline) || !onlyOwnTemplateEntry(file.buffer, artifact.properties?.templateFile)
    || file.buffer.includes(ACKNOWLEDGED_MARKER);
  let entries = needsEntries ? metadataEntries(inline, file) : undefined;
  return {
    templates: entries?.templates ?? new Map(),
    acknowledged: entries?.acknowledged ?? [],
    logicalIdEntries: () => (entries ??= metadataEntries(inline, file)).logicalIdEntries,
  };
}

// Entry types as JSON writes them (verbatim: no escapes in these strings).
const TEMPLATE_FILE_MARKER = '"aws:cdk:templateFile"';
const ACKNOWLEDGED_MARKER = '"aws:cdk:acknowledged-rules"';

function hasRareEntries(inline: Record<string, any[]>): boolean {
  return Object.values(inline).some((entries) => Array.isArray(entries)
    && entries.some((e) => e?.type === 'aws:cdk:templateFile' || e?.type === 'aws:cdk:acknowledged-rules'));
}

/**
 * True when the file's only `aws:cdk:templateFile` entry is the stack's own (no nested stacks): then
 * its construct path is the artifact's `displayName` (the CDK writes `stack.node.path` to both).
 */
function onlyOwnTemplateEntry(buffer: Buffer, templateFile: unknown): boolean {
  const first = buffer.indexOf(TEMPLATE_FILE_MARKER);
  if (first < 0) return true;
  return buffer.indexOf(TEMPLATE_FILE_MARKER, first + 1) < 0 && typeof templateFile === 'string'
    && buffer.includes(JSON.stringify(templateFile));
}

function metadataEntries(inline: Record<string, any[]>, file: { buffer: Buffer; shown: string } | undefined): {
  templates: Map<string, string>; logicalIdEntries: string[]; acknowledged: Array<[string, PathAcknowledgement[]]>;
} {
  const templates = new Map<string, string>();
  /** Construct path (as recorded), logical id, path, id, … in entry order. */
  const logicalIdEntries: string[] = [];
  const acknowledged: Array<[string, PathAcknowledgement[]]> = [];
  const fromFile: Record<string, any[]> = file ? parseJson(file.buffer.toString('utf8'), file.shown) ?? {} : {};
  const visit = (p: string, entries: any[] | undefined) => {
    // A hand-edited entry list that is not a list names no template, logical id or acknowledgement.
    if (!Array.isArray(entries)) return;
    for (const e of entries) {
      const type = e?.type;
      if (type === 'aws:cdk:logicalId') {
        if (typeof e.data === 'string') logicalIdEntries.push(p, e.data);
      } else if (type === 'aws:cdk:templateFile') {
        if (typeof e.data === 'string') templates.set(stripSlash(p), e.data);
      } else if (type === 'aws:cdk:acknowledged-rules' && e.data && typeof e.data === 'object') {
        // data: acknowledged id → the user's reason.
        acknowledged.push([p, Object.entries<unknown>(e.data).map(([id, reason]) => ({ id, reason: typeof reason === 'string' ? reason : '' }))]);
      }
    }
  };
  // Inline entries come first for each path, then the file's (the order the merged lists had).
  const inlinePaths = Object.keys(inline);
  const filePaths = Object.keys(fromFile);
  for (const p of inlinePaths) {
    visit(p, inline[p]);
    if (Object.prototype.hasOwnProperty.call(fromFile, p)) visit(p, fromFile[p]);
  }
  const seen = new Set(inlinePaths);
  for (let i = 0; i < filePaths.length; i++) {
    const p = filePaths[i];
    if (seen.size === 0 || !seen.has(p)) visit(p, fromFile[p]);
  }
  return { templates, logicalIdEntries, acknowledged };
}

/** `aws:cdk:logicalId` entries: construct path → logical id. */
function logicalIdsByPath(entries: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < entries.length; i += 2) out.set(stripSlash(entries[i]), entries[i + 1]);
  return out;
}

/** logical id → construct path for the constructs that belong to stack `key` (not to a stack nested under it). */
function ownLogicalIds(key: string, stackKeys: readonly string[], logicalIds: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  const under = `${key}/`;
  // Deeper stacks nested under this one claim their own constructs.
  const deeper = stackKeys.filter((k) => k.length > key.length).map((k) => `${k}/`);
  // forEach, not for…of with destructuring: this runs once per stack, mostly before the JIT warms up.
  logicalIds.forEach((id, p) => {
    if (!p.startsWith(under)) return;
    // The resource that deploys a nested stack lives in the parent: `<scope>/<id>.NestedStack/<id>.NestedStackResource`.
    if (deeper.length === 0 || !deeper.some((k) => p.startsWith(k))) out.set(id, p);
  });
  return out;
}

/** `Metadata['aws:cdk:path']` of each resource (present when the app enables path metadata, as the CDK CLI does). */
export function pathsFromMetadata(template: CfnTemplate): Map<string, string> {
  const out = new Map<string, string>();
  const resources = template.Resources ?? {};
  const ids = Object.keys(resources);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const p = resources[id]?.Metadata?.['aws:cdk:path'];
    if (typeof p === 'string') out.set(id, stripSlash(p));
  }
  return out;
}

/** Logical id of the AWS::CloudFormation::Stack resource (in the parent) that deploys nested stack `key`. */
function nestedStackResource(
  parent: StackTemplate, key: string, file: string, logicalIds: ReadonlyMap<string, string>, assets: () => ReadonlyMap<string, string>,
): string | undefined {
  const candidates = Object.entries<CfnResourceJson>(parent.template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack');
  // 1. Asset metadata (cdk synth with asset metadata on, the CLI default).
  const byAsset = candidates.find(([, r]) => r.Metadata?.['aws:asset:path'] === file);
  if (byAsset) return byAsset[0];
  // 2. The construct path CDK gives the nested stack's resource.
  for (const [p, id] of logicalIds) {
    const m = NESTED_RESOURCE_PATH.exec(p);
    if (m && m[1] === key && candidates.some(([c]) => c === id)) return id;
  }
  // 3. TemplateURL's object key is the asset hash of the nested template.
  return candidates.find(([, r]) => {
    const url = JSON.stringify(r.Properties?.TemplateURL ?? '');
    return [...assets()].some(([hash, source]) => source === file && url.includes(hash));
  })?.[0];
}

/** File asset hash → source path, from every asset manifest of the assembly. */
function assetSources(dir: string, artifacts: Record<string, any>): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of Object.values<any>(artifacts)) {
    if (a?.type !== 'cdk:asset-manifest' || typeof a.properties?.file !== 'string') continue;
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, a.properties.file), 'utf8'));
      for (const [hash, f] of Object.entries<any>(m.files ?? {})) if (typeof f?.source?.path === 'string') out.set(hash, f.source.path);
    } catch {
      // An unreadable asset manifest only loses fallback 3 of nestedStackResource.
    }
  }
  return out;
}

/** `aws://account/region`; `unknown-account`/`unknown-region` (environment-agnostic) → undefined. */
function parseEnvironment(env: unknown): { account?: string; region?: string } {
  const m = typeof env === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(env) : null;
  if (!m) return {};
  return {
    account: m[1] === UNKNOWN_ACCOUNT || !/^\d{12}$/.test(m[1]) ? undefined : m[1],
    region: m[2] === UNKNOWN_REGION ? undefined : m[2],
  };
}

function stripSlash(p: string): string {
  return p.startsWith('/') ? p.slice(1) : p;
}

/** Path relative to `cwd` with forward slashes (stable across machines, as SARIF wants). */
function display(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  const shown = rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  return shown.split(path.sep).join('/');
}

function errorText(e: unknown): string {
  // First line only (the yaml parser adds a code frame after `…line 3, column 1:`).
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/:\s*$/, '');
}
