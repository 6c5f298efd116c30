import * as fs from 'fs';
import type * as Yaml from 'yaml';
import { CFN_YAML_TAGS } from '../facts/cfn-yaml';

/**
 * Finds the line of a resource's logical id (the key under `Resources`) in a template file, for
 * SARIF locations. JSON is YAML, so one position-aware parse covers both. Each file is parsed once,
 * and only when a finding needs it.
 */
export function resourceLineFinder(files: ReadonlyMap<string, string>): (templateFile: string, logicalId: string) => number | undefined {
  const cache = new Map<string, Map<string, number>>();
  return (templateFile, logicalId) => {
    let lines = cache.get(templateFile);
    if (!lines) {
      lines = resourceLines(files.get(templateFile) ?? templateFile);
      cache.set(templateFile, lines);
    }
    return lines.get(logicalId);
  };
}

/** logical id → 1-based line of its key; empty when the file cannot be read or parsed. */
export function resourceLines(file: string): Map<string, number> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  // Loaded on first use (only SARIF output asks for lines): the parser takes a while to load.
  const { LineCounter, isMap, isScalar, parseDocument }: typeof Yaml = require('yaml');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, customTags: CFN_YAML_TAGS, keepSourceTokens: false, uniqueKeys: false });
  const root = doc.contents;
  if (!isMap(root)) return out;
  const resources = root.items.find((p) => isScalar(p.key) && p.key.value === 'Resources')?.value;
  if (!isMap(resources)) return out;
  for (const pair of resources.items) {
    if (isScalar(pair.key) && pair.key.range) out.set(String(pair.key.value), counter.linePos(pair.key.range[0]).line);
  }
  return out;
}
