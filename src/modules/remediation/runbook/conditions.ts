import { isForbiddenSegment, lookupPath, parsePath } from './paths';
import { RunbookLanguageError } from './runbook.errors';

/**
 * The condition language of `when` and `verify`: comparisons of dotted paths and literals joined
 * by `and`/`or`/`not` with parentheses. Precedence, loosest first: `or`, `and`, `not`, comparison.
 * Parsed by hand (recursive descent) and evaluated over plain data; nothing is ever `eval`ed.
 *
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | '(' expr ')' | operand (cmp operand)?
 *   operand := path | number | 'string' | "string" | true | false
 */

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type ConditionOperand =
  { kind: 'path'; path: string[] } | { kind: 'literal'; value: string | number | boolean };

export type ConditionNode =
  | { kind: 'or' | 'and'; left: ConditionNode; right: ConditionNode }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'compare'; op: ComparisonOp; left: ConditionOperand; right: ConditionOperand }
  /** A bare operand: true only when it is the boolean `true`. */
  | { kind: 'truthy'; operand: ConditionOperand };

const MAX_LENGTH = 1_024;
const MAX_DEPTH = 32;

type Token =
  | { t: 'op'; v: ComparisonOp; at: number }
  | { t: '(' | ')'; at: number }
  | { t: 'word'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'string'; v: string; at: number }
  | { t: 'end'; at: number };

function syntax(message: string, at: number): RunbookLanguageError {
  return new RunbookLanguageError('CONDITION_SYNTAX', `${message} at offset ${at}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ t: c, at: i++ });
    } else if ('=!<>'.includes(c)) {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ t: 'op', v: two, at: i });
        i += 2;
      } else if (c === '<' || c === '>') {
        tokens.push({ t: 'op', v: c, at: i++ });
      } else {
        throw syntax(`unexpected '${c}' (comparisons are == != < <= > >=)`, i);
      }
    } else if (c === '"' || c === "'") {
      const start = i++;
      let value = '';
      for (;;) {
        if (i >= text.length) throw syntax('unterminated string', start);
        const d = text[i++]!;
        if (d === c) break;
        if (d === '\\') {
          if (i >= text.length) throw syntax('unterminated string', start);
          value += text[i++]!;
        } else {
          value += d;
        }
      }
      tokens.push({ t: 'string', v: value, at: start });
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (m === null) throw syntax(`unexpected '${c}'`, i);
      tokens.push({ t: 'number', v: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z0-9_.-]+/.exec(text.slice(i))!;
      tokens.push({ t: 'word', v: m[0], at: i });
      i += m[0].length;
    } else {
      throw syntax(`unexpected '${c}'`, i);
    }
  }
  tokens.push({ t: 'end', at: text.length });
  return tokens;
}

class Parser {
  #pos = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ConditionNode {
    const node = this.#or(0);
    const next = this.#peek();
    if (next.t !== 'end') throw syntax('unexpected token after the condition', next.at);
    return node;
  }

  #peek(): Token {
    return this.tokens[this.#pos]!;
  }

  #isWord(word: string): boolean {
    const t = this.#peek();
    return t.t === 'word' && t.v === word;
  }

  #or(depth: number): ConditionNode {
    let left = this.#and(depth);
    while (this.#isWord('or')) {
      this.#pos++;
      left = { kind: 'or', left, right: this.#and(depth) };
    }
    return left;
  }

  #and(depth: number): ConditionNode {
    let left = this.#unary(depth);
    while (this.#isWord('and')) {
      this.#pos++;
      left = { kind: 'and', left, right: this.#unary(depth) };
    }
    return left;
  }

  #unary(depth: number): ConditionNode {
    const t = this.#peek();
    if (depth > MAX_DEPTH) throw syntax(`nesting deeper than ${MAX_DEPTH}`, t.at);
    if (this.#isWord('not')) {
      this.#pos++;
      return { kind: 'not', operand: this.#unary(depth + 1) };
    }
    if (t.t === '(') {
      this.#pos++;
      const inner = this.#or(depth + 1);
      const close = this.#peek();
      if (close.t !== ')') throw syntax("expected ')'", close.at);
      this.#pos++;
      return inner;
    }
    const left = this.#operand();
    const op = this.#peek();
    if (op.t !== 'op') return { kind: 'truthy', operand: left };
    this.#pos++;
    return { kind: 'compare', op: op.v, left, right: this.#operand() };
  }

  #operand(): ConditionOperand {
    const t = this.#peek();
    this.#pos++;
    switch (t.t) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: t.v };
      case 'word': {
        if (t.v === 'true' || t.v === 'false') return { kind: 'literal', value: t.v === 'true' };
        if (t.v === 'and' || t.v === 'or' || t.v === 'not') {
          throw syntax(`expected a value, got '${t.v}'`, t.at);
        }
        const path = parsePath(t.v);
        if (path === null) throw syntax(`'${t.v}' is not a dotted path`, t.at);
        const bad = path.find(isForbiddenSegment);
        if (bad !== undefined) throw syntax(`'${bad}' may not appear in a path`, t.at);
        return { kind: 'path', path };
      }
      case 'end':
        throw syntax('expected a value, got the end', t.at);
      case 'op':
      case '(':
      case ')':
        throw syntax(`expected a value, got '${t.t === 'op' ? t.v : t.t}'`, t.at);
    }
  }
}

/**
 * Parses a condition; throws `RunbookLanguageError` (`CONDITION_SYNTAX`) with the offset.
 *
 * @example
 *   parseCondition('not a == 1 or b < 2 and c'); // (not (a == 1)) or ((b < 2) and c)
 */
export function parseCondition(text: string): ConditionNode {
  if (text.length > MAX_LENGTH) throw syntax(`longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
  return new Parser(tokenize(text)).parse();
}

/** Every dotted path a condition reads. */
export function conditionPaths(node: ConditionNode): string[][] {
  switch (node.kind) {
    case 'or':
    case 'and':
      return [...conditionPaths(node.left), ...conditionPaths(node.right)];
    case 'not':
      return conditionPaths(node.operand);
    case 'compare':
      return [node.left, node.right].flatMap((o) => (o.kind === 'path' ? [o.path] : []));
    case 'truthy':
      return node.operand.kind === 'path' ? [node.operand.path] : [];
  }
}

/**
 * Evaluates a condition over plain data. `==`/`!=` compare without coercion (`1 == '1'` is
 * false); ordering needs two numbers or two strings. A missing path throws
 * `CONDITION_MISSING_PATH`, a type mismatch `CONDITION_TYPE`, both naming the path or operator.
 */
export function evaluateCondition(
  condition: string | ConditionNode,
  context: Readonly<Record<string, unknown>>,
): boolean {
  const node = typeof condition === 'string' ? parseCondition(condition) : condition;
  switch (node.kind) {
    case 'or':
      return evaluateCondition(node.left, context) || evaluateCondition(node.right, context);
    case 'and':
      return evaluateCondition(node.left, context) && evaluateCondition(node.right, context);
    case 'not':
      return !evaluateCondition(node.operand, context);
    case 'truthy': {
      const value = operandValue(node.operand, context);
      if (typeof value !== 'boolean') {
        throw new RunbookLanguageError(
          'CONDITION_TYPE',
          `${describe(node.operand)} is not a boolean; compare it explicitly`,
          node.operand.kind === 'path' ? node.operand.path.join('.') : undefined,
        );
      }
      return value;
    }
    case 'compare':
      return compare(node.op, operandValue(node.left, context), operandValue(node.right, context));
  }
}

function operandValue(
  operand: ConditionOperand,
  context: Readonly<Record<string, unknown>>,
): string | number | boolean | null {
  if (operand.kind === 'literal') return operand.value;
  const name = operand.path.join('.');
  const hit = lookupPath(context, operand.path);
  if (!hit.found) {
    throw new RunbookLanguageError('CONDITION_MISSING_PATH', `'${name}' is not defined`, name);
  }
  const v = hit.value;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    return v;
  }
  throw new RunbookLanguageError('CONDITION_TYPE', `'${name}' is not a scalar`, name);
}

function compare(
  op: ComparisonOp,
  a: string | number | boolean | null,
  b: string | number | boolean | null,
): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return order(op, a, b) < 0;
    case '<=':
      return order(op, a, b) <= 0;
    case '>':
      return order(op, a, b) > 0;
    case '>=':
      return order(op, a, b) >= 0;
  }
}

/** -1, 0 or 1; only two numbers or two strings have an order. */
function order(op: ComparisonOp, a: unknown, b: unknown): number {
  if (
    !(typeof a === 'number' && typeof b === 'number') &&
    !(typeof a === 'string' && typeof b === 'string')
  ) {
    throw new RunbookLanguageError(
      'CONDITION_TYPE',
      `'${op}' needs two numbers or two strings, got ${typeName(a)} and ${typeName(b)}`,
    );
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : typeof v;
}

function describe(operand: ConditionOperand): string {
  return operand.kind === 'path' ? `'${operand.path.join('.')}'` : JSON.stringify(operand.value);
}
