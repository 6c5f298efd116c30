import * as fs from 'fs';
import * as path from 'path';
import { RuleId } from '../lib';
import { RULES } from '../lib/rules';
import { docPath, renderDoc, renderReadme } from '../scripts/docs';

/** Every rule has a registry entry, a stable id, a current doc page and a test (eslint-plugin style meta-test). */
describe('rule catalogue', () => {
  const testFiles = listFiles(path.join(__dirname)).filter((f) => f.endsWith('.test.ts') && !f.endsWith('meta.test.ts'));
  const testText = testFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');

  test('ids are unique, prefixed, and listed in the public RuleId enum', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^ApiGwLambda-[A-Z][A-Za-z]+$/);
      expect(Object.values(RuleId)).toContain(id);
    }
  });

  test.each(RULES.map((r) => [r.id, r]))('%s has a current doc page with a hand-written body', (_id, rule) => {
    const file = docPath(rule);
    expect(fs.existsSync(file)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(renderDoc(rule, text)); // header generated from metadata (`npm run docs`)
    expect(text).not.toContain('TODO');
  });

  test.each(RULES.map((r) => [r.id]))('%s is exercised by a test', (id) => {
    expect(testText).toContain(id.replace('ApiGwLambda-', ''));
  });

  test('README rules table is generated from metadata', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toBe(renderReadme(readme));
  });
});

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}
