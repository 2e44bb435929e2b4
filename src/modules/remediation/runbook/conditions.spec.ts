import { RunbookLanguageError } from './runbook.errors';
import { conditionPaths, evaluateCondition, parseCondition } from './conditions';

function thrown(fn: () => unknown): RunbookLanguageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RunbookLanguageError) return err;
    throw err;
  }
  throw new Error('expected a RunbookLanguageError');
}

describe('parseCondition', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('not a == 1 or b < 2 and c')).toEqual({
      kind: 'or',
      left: {
        kind: 'not',
        operand: {
          kind: 'compare',
          op: '==',
          left: { kind: 'path', path: ['a'] },
          right: { kind: 'literal', value: 1 },
        },
      },
      right: {
        kind: 'and',
        left: {
          kind: 'compare',
          op: '<',
          left: { kind: 'path', path: ['b'] },
          right: { kind: 'literal', value: 2 },
        },
        right: { kind: 'truthy', operand: { kind: 'path', path: ['c'] } },
      },
    });
  });

  it('lets parentheses override precedence', () => {
    const ctx = { a: true, b: false, c: false };
    expect(evaluateCondition('a or b and c', ctx)).toBe(true);
    expect(evaluateCondition('(a or b) and c', ctx)).toBe(false);
    expect(evaluateCondition('not (a and b)', ctx)).toBe(true);
  });

  it('reads quoted strings with escapes, negative and decimal numbers, booleans', () => {
    expect(parseCondition(`x == 'it\\'s' and y >= -1.5 and z != false`)).toMatchObject({
      kind: 'and',
      left: { left: { right: { value: "it's" } }, right: { right: { value: -1.5 } } },
      right: { right: { value: false } },
    });
  });

  it('lists the paths it reads', () => {
    expect(conditionPaths(parseCondition('steps.check.status == "ok" or params.force'))).toEqual([
      ['steps', 'check', 'status'],
      ['params', 'force'],
    ]);
  });

  it.each([
    ['a ==', 'expected a value, got the end at offset 4'],
    ['(a == 1', "expected ')' at offset 7"],
    ['a = 1', "unexpected '=' (comparisons are == != < <= > >=) at offset 2"],
    ['a == 1 b', 'unexpected token after the condition at offset 7'],
    ['a.__proto__ == 1', "'__proto__' may not appear in a path at offset 0"],
    ['process.exit(1)', 'unexpected token after the condition at offset 12'],
    ["x == 'open", 'unterminated string at offset 5'],
  ])('refuses %j', (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });

  it('bounds nesting depth', () => {
    expect(() => parseCondition(`${'('.repeat(40)}a${')'.repeat(40)}`)).toThrow('nesting deeper');
  });
});

describe('evaluateCondition', () => {
  const ctx = { count: 0, open: false, params: { service: 'api', n: 3 } };

  it('compares without coercion', () => {
    expect(evaluateCondition('count == 0', ctx)).toBe(true);
    expect(evaluateCondition("count == '0'", ctx)).toBe(false);
    expect(evaluateCondition("params.service == 'api' and params.n > 2", ctx)).toBe(true);
    expect(evaluateCondition("params.service < 'b'", ctx)).toBe(true);
    expect(evaluateCondition('not open', ctx)).toBe(true);
  });

  it('throws on ordering across types, non-boolean bare values and missing paths', () => {
    expect(thrown(() => evaluateCondition("count < 'a'", ctx))).toMatchObject({
      code: 'CONDITION_TYPE',
    });
    expect(thrown(() => evaluateCondition('count', ctx))).toMatchObject({
      code: 'CONDITION_TYPE',
      path: 'count',
    });
    expect(thrown(() => evaluateCondition('params.x == 1', ctx))).toMatchObject({
      code: 'CONDITION_MISSING_PATH',
      path: 'params.x',
    });
  });
});
