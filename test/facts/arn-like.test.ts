import { arnLike } from '../../lib/facts/arn-like';
import { Sym, resAtom, sampleAtom, sym } from '../../lib/facts/value';

const API = resAtom('S', 'Api', 'Ref');
const arn = (rest: Sym | string, region: Sym[number] = 'us-east-1') => sym('arn:aws:execute-api:', region, ':123456789012:', API, '/', rest);

/** semantics.md §6.3: ArnLike per colon component, `*` spans `/` and may be empty, case-sensitive. */
describe('arnLike', () => {
  const value = arn(sym('prod/GET/items/', sampleAtom('id')));
  test.each<[string, Sym, boolean]>([
    ['exact stage, wildcard path param', arn('prod/GET/items/*'), true],
    ['any stage and method', arn('*/*/items/*'), true],
    ['api-wide', arn('*'), true],
    ['literal {id} never matches a REST path value (C03)', arn('prod/GET/items/{id}'), false],
    ['wrong stage', arn('dev/GET/items/*'), false],
    ['wrong verb', arn('prod/POST/items/*'), false],
    ['case-sensitive path (C14)', arn('prod/GET/Items/*'), false],
    ['? matches one character only', arn('prod/GE?/items/*'), true],
    ['other API', sym('arn:aws:execute-api:us-east-1:123456789012:', resAtom('S', 'Other', 'Ref'), '/*'), false],
    ['* does not span colons', sym('arn:aws:execute-api:*'), false],
  ])('%s', (_name, pattern, expected) => {
    expect(arnLike(pattern, value)).toBe(expected);
  });

  test('root path needs the trailing slash (C08/C09)', () => {
    const root = arn('prod/GET/');
    expect(arnLike(arn('prod/GET/'), root)).toBe(true);
    expect(arnLike(arn('prod/GET'), root)).toBe(false);
    expect(arnLike(arn('prod/GET/*'), root)).toBe(true);
  });

  test('$default route has two segments after the API id (C40-C42)', () => {
    const v = arn('$default/$default');
    expect(arnLike(arn('*/*'), v)).toBe(true);
    expect(arnLike(arn('*/$default'), v)).toBe(true);
    expect(arnLike(arn('*/*/$default'), v)).toBe(false);
    expect(arnLike(arn('*/*/*'), v)).toBe(false);
  });
});
