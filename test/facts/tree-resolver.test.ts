/**
 * StackAwareResolver.render walks plain data and renders references itself: it must give what the
 * CDK's own walk gives, with the same resolver (`Tokenization.resolve`) and, but for cross-stack
 * markers, with the CDK's plain resolver.
 */
import {
  App, CfnElement, CfnResource, DefaultTokenResolver, Fn, Intrinsic, Lazy, Stack, Token, Tokenization,
} from 'aws-cdk-lib';
import { CROSS_STACK_REF } from '../../lib/facts/template';
import { JoinConcat, LoadKeys, StackAwareResolver } from '../../lib/facts/tree-resolver';

/** Keys as the CDK allocates them (the loader's RenderKeys differ only for REST deployments). */
const id = (el: CfnElement) => el.stack.resolve(el.logicalId);
const KEYS: LoadKeys = { of: id, known: id, stackKey: (s: Stack) => s.node.path };

function setup() {
  const app = new App();
  const stack = new Stack(app, 'Consumer');
  const other = new Stack(app, 'Producer');
  const topic = new CfnResource(stack, 'Topic', { type: 'AWS::SNS::Topic' });
  const queue = new CfnResource(other, 'Queue', { type: 'AWS::SQS::Queue' });
  const both = (value: unknown) => ({
    walked: new StackAwareResolver(stack, KEYS).render(value),
    cdk: Tokenization.resolve(value, { scope: stack, resolver: new StackAwareResolver(stack, KEYS), preparing: false }),
    plain: Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new JoinConcat()), preparing: false }),
  });
  return { stack, topic, queue, both };
}

describe('StackAwareResolver.render', () => {
  const { stack, topic, queue, both } = setup();
  const date = new Date(0);
  test.each<[string, unknown]>([
    ['literals and nesting, undefined dropped', { a: 'x', b: 1, c: true, d: null, e: undefined, f: [1, undefined, 'y'], g: { h: {} }, date }],
    ['a same-stack Ref and GetAtt', { r: topic.ref, g: topic.getAtt('TopicName'), s: `name-${topic.ref}` }],
    ['a reference to another stack (marker)', { r: queue.ref, s: `arn:${queue.getAtt('Arn')}/x` }],
    ['pseudo parameters, scoped and not', { scoped: stack.region, arn: stack.formatArn({ service: 'sns', resource: 't' }), plain: `${Token.asString({ Ref: 'AWS::Region' })}` }],
    ['intrinsics and their subclasses', { i: new Intrinsic({ 'Fn::Base64': topic.ref }), sel: Fn.select(0, Fn.split(',', 'a,b')), join: Fn.join('-', [topic.ref, 'x']) }],
    ['Lazy values, strings and objects', { s: Lazy.string({ produce: () => `${topic.ref}!` }), a: Lazy.any({ produce: () => ({ k: [topic.ref] }) }) }],
    ['a token as a key', { [Lazy.string({ produce: () => 'key' })]: 'v', plain: 'w' }],
    ['list tokens', { split: Fn.split(',', `a,${topic.ref}`), lazy: Token.asList(Lazy.list({ produce: () => ['b', topic.ref] })) }],
    ['a number token', { n: Token.asNumber(Lazy.number({ produce: () => 42 })), s: `${Token.asNumber(Lazy.number({ produce: () => 7 }))}` }],
  ])('%s: as the CDK walks it', (what, value) => {
    const { walked, cdk, plain } = both(value);
    expect(walked).toEqual(cdk);
    if (!what.includes('another stack')) expect(walked).toEqual(plain);
  });

  test('renders references itself, and records the stacks they name', () => {
    const app = new App();
    const s = new Stack(app, 'S');
    const p = new Stack(app, 'P');
    const t = new CfnResource(s, 'T', { type: 'AWS::SNS::Topic' });
    const q = new CfnResource(p, 'Q', { type: 'AWS::SQS::Queue' });
    const resolver = new StackAwareResolver(s, KEYS);
    expect(resolver.render({ a: t.ref, b: q.getAtt('Arn'), c: s.account })).toEqual({
      a: { Ref: 'T' }, b: { [CROSS_STACK_REF]: ['P', 'Q', 'Arn'] }, c: { Ref: 'AWS::AccountId' },
    });
    expect([...resolver.producers]).toEqual([p]);
  });

  test('fails as the CDK fails: a list token in a scalar, a token key that is no string, a construct, a function', () => {
    const outcome = (f: () => unknown) => {
      try {
        return JSON.stringify(f());
      } catch (e) {
        return `throws: ${(e as Error).message.split('\n')[0].replace(/Path: \S+/, '')}`;
      }
    };
    const list = Token.asList(Lazy.list({ produce: () => ['a'] }));
    for (const bad of [{ s: `x${list}` }, { [topic.ref]: 'v' }, { c: stack }, { f: () => 1 }]) {
      const walked = outcome(() => new StackAwareResolver(stack, KEYS).render(bad));
      expect(walked).toMatch(/^throws: /);
      expect(walked).toBe(outcome(() => Tokenization.resolve(bad, { scope: stack, resolver: new StackAwareResolver(stack, KEYS), preparing: false })));
    }
  });

  test('reports a cycle through a Lazy and an intrinsic as the CDK does, not with a stack overflow', () => {
    const value: any = { x: 'a' };
    const cyclic = new Intrinsic(value);
    value.x = Token.asString(Lazy.any({ produce: () => ({ y: Token.asString(cyclic) }) }));
    const cause = (f: () => unknown) => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as Error).message.replace(/^(Resolution error: )+/, '').replace(/ Path: .*/s, '');
      }
    };
    const walked = cause(() => new StackAwareResolver(stack, KEYS).render({ p: cyclic }));
    expect(walked).toBe('Unable to resolve object tree with circular reference.');
    expect(walked).toBe(cause(() => stack.resolve({ p: cyclic })));
  });
});
