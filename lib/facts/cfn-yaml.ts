import type * as Yaml from 'yaml';

/**
 * YAML short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …) as their long forms, for the `yaml`
 * package's `customTags`. `!GetAtt A.B` becomes `{ "Fn::GetAtt": ["A", "B"] }` as CloudFormation reads it.
 */
export const CFN_YAML_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'ImportValue', 'FindInMap', 'If', 'Equals', 'Not', 'And', 'Or',
  'Base64', 'Cidr', 'GetAZs', 'Condition', 'Transform', 'ToJsonString', 'Length',
].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (v: any) => {
    if (name === 'GetAtt' && typeof v === 'string') {
      // `!GetAtt Res.Attr.With.Dots`: only the first dot separates the logical id.
      const dot = v.indexOf('.');
      return { [key]: dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)] };
    }
    return { [key]: v };
  };
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (v: any) => wrap(collection === 'scalar' ? v : (v as any).toJSON()),
  } as any));
});

/**
 * Parses a CloudFormation template in JSON or YAML (with short-form intrinsics). Throws the
 * parser's message (first line) on malformed input.
 */
export function parseTemplateText(text: string, fileName = ''): unknown {
  // Editors on Windows like to add a byte-order mark; neither CloudFormation nor we care about it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (fileName.toLowerCase().endsWith('.json') || trimmed.startsWith('{')) {
    return JSON.parse(text);
  }
  // Loaded on first use: a cloud assembly is all JSON, and the parser takes a while to load.
  const yaml: typeof Yaml = require('yaml');
  const doc = yaml.parseDocument(text, { customTags: CFN_YAML_TAGS });
  if (doc.errors.length > 0) throw doc.errors[0];
  // An unknown tag (`!Foo`) would otherwise become its plain value, and a warning on the process's stderr.
  const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unknownTag) throw new Error(`${unknownTag.message.split('\n')[0].replace(/:\s*$/, '')}; not a CloudFormation short-form intrinsic`);
  return doc.toJS({ maxAliasCount: 1000 });
}
