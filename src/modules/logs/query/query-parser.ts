import type { QueryNode } from './query-ast';

/** Longest query text accepted; search boxes never need more and the parser stays cheap. */
export const MAX_QUERY_LENGTH = 4096;
/** Deepest nesting of parentheses and negations; keeps every recursive walk of the tree shallow. */
export const MAX_QUERY_DEPTH = 32;

export class QuerySyntaxError extends Error {
  /** 1-based line of `offset`. */
  readonly line: number;
  /** 1-based column of `offset`, counted in UTF-16 code units like the offset itself. */
  readonly column: number;

  constructor(
    description: string,
    /** 0-based index into the query text; may equal its length when the text ended too early. */
    readonly offset: number,
    text: string,
  ) {
    const { line, column } = lineAndColumn(text, offset);
    super(`${description} at line ${line}, column ${column}`);
    this.name = 'QuerySyntaxError';
    this.line = line;
    this.column = column;
  }
}

/**
 * Parses Vigil's Lucene-like search syntax into a `QueryNode`.
 *
 * @example
 *   parseQuery('level:error service:(api OR worker) -"health check" timeout*');
 */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(
      `Query is too long (${text.length} characters, the limit is ${MAX_QUERY_LENGTH}); the excess starts`,
      MAX_QUERY_LENGTH,
      text,
    );
  }
  return new QueryParser(text).parseAll();
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT']);
// A field starts with a letter, `_` or `@` so that times like 12:30:05 stay plain terms.
const FIELD_NAME = /[A-Za-z_@][A-Za-z0-9_.@-]*:/y;

function isSpace(ch: string): boolean {
  return /\s/.test(ch);
}

/** Characters that end a bare term unless escaped. */
function isTermBoundary(text: string, at: number): boolean {
  const ch = text[at];
  if (ch === undefined) return true;
  if (isSpace(ch) || ch === '(' || ch === ')' || ch === '"') return true;
  const pair = text.slice(at, at + 2);
  return pair === '&&' || pair === '||';
}

interface RawTerm {
  value: string;
  prefix: boolean;
}

/** A scannerless recursive-descent parser: context decides whether `-` or `:` is an operator. */
class QueryParser {
  #pos = 0;
  #depth = 0;

  constructor(private readonly text: string) {}

  parseAll(): QueryNode {
    this.#skipSpace();
    if (this.#atEnd()) return { kind: 'all' };
    const node = this.#parseOr(null);
    this.#skipSpace();
    if (!this.#atEnd()) {
      // parseOr stops early only at a ')'.
      throw this.#error("Unexpected ')' without a matching '('", this.#pos);
    }
    return node;
  }

  #parseOr(field: string | null): QueryNode {
    const children = [this.#parseAnd(field)];
    for (;;) {
      this.#skipSpace();
      const operatorAt = this.#pos;
      const operator = this.#peekOperator();
      if (operator !== 'OR' && operator !== '||') break;
      this.#pos += operator.length;
      children.push(this.#parseAnd(field, { operator, at: operatorAt }));
    }
    return combine('or', children);
  }

  #parseAnd(field: string | null, after?: { operator: string; at: number }): QueryNode {
    const children = [this.#parseUnary(field, after)];
    for (;;) {
      this.#skipSpace();
      if (this.#atEnd() || this.#peek() === ')') break;
      const operatorAt = this.#pos;
      const operator = this.#peekOperator();
      if (operator === 'OR' || operator === '||') break;
      if (operator === 'AND' || operator === '&&') {
        this.#pos += operator.length;
        children.push(this.#parseUnary(field, { operator, at: operatorAt }));
      } else {
        // Adjacent clauses mean AND.
        children.push(this.#parseUnary(field));
      }
    }
    return combine('and', children);
  }

  /** `after` names the operator that demanded this clause, for a precise error when it is missing. */
  #parseUnary(field: string | null, after?: { operator: string; at: number }): QueryNode {
    this.#skipSpace();
    const start = this.#pos;
    if (this.#atEnd() || this.#peek() === ')') {
      if (after) throw this.#error(`Expected a clause after '${after.operator}'`, after.at);
      if (this.#atEnd()) throw this.#error('Expected a clause', start);
      throw this.#error("Unexpected ')' without a matching '('", start);
    }
    const operator = this.#peekOperator();
    if (operator === 'AND' || operator === 'OR' || operator === '&&' || operator === '||') {
      const context = after ? `after '${after.operator}'` : 'before it';
      throw this.#error(`Unexpected '${operator}': expected a clause ${context}`, start);
    }
    if (operator === 'NOT' || operator === '!' || operator === '-') {
      this.#pos += operator.length;
      if (operator === '-' && (this.#atEnd() || isSpace(this.#peek()))) {
        throw this.#error("Expected a clause right after '-'", start);
      }
      const child = this.#nested(start, () => this.#parseUnary(field, { operator, at: start }));
      return { kind: 'not', child };
    }
    return this.#parsePrimary(field);
  }

  #parsePrimary(field: string | null): QueryNode {
    const start = this.#pos;
    if (this.#peek() === '(') return this.#parseGroup(field);
    if (this.#peek() === '"') return { kind: 'phrase', field, value: this.#readPhrase() };

    FIELD_NAME.lastIndex = start;
    const fieldMatch = FIELD_NAME.exec(this.text);
    if (fieldMatch) {
      const name = fieldMatch[0].slice(0, -1);
      this.#pos = start + fieldMatch[0].length;
      const next = this.#peek();
      if (next === '(') return this.#parseGroup(name);
      if (next === '"') return { kind: 'phrase', field: name, value: this.#readPhrase() };
      if (isTermBoundary(this.text, this.#pos)) {
        throw this.#error(`Expected a value after '${name}:'`, this.#pos);
      }
      return this.#termNode(name, this.#readTerm());
    }
    return this.#termNode(field, this.#readTerm());
  }

  #parseGroup(field: string | null): QueryNode {
    const open = this.#pos;
    this.#pos++;
    this.#skipSpace();
    if (this.#peek() === ')') throw this.#error("Empty parentheses '()'", open);
    if (this.#atEnd()) throw this.#error("Unclosed '('", open);
    const node = this.#nested(open, () => this.#parseOr(field));
    this.#skipSpace();
    if (this.#atEnd()) throw this.#error("Unclosed '('", open);
    this.#pos++;
    return node;
  }

  #nested<T>(at: number, parse: () => T): T {
    if (++this.#depth > MAX_QUERY_DEPTH) {
      throw this.#error(`Query nests deeper than ${MAX_QUERY_DEPTH} levels`, at);
    }
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }

  #readPhrase(): string {
    const open = this.#pos;
    let value = '';
    for (let at = open + 1; at < this.text.length; at++) {
      const ch = this.text[at] as string;
      if (ch === '"') {
        this.#pos = at + 1;
        if (this.text[this.#pos] === '*') {
          throw this.#error("Wildcard '*' cannot follow a phrase", this.#pos);
        }
        return value;
      }
      const escaped = this.text[at + 1];
      if (ch === '\\' && (escaped === '"' || escaped === '\\')) {
        value += escaped;
        at++;
      } else {
        value += ch;
      }
    }
    throw this.#error('Unterminated phrase starting', open);
  }

  #readTerm(): RawTerm {
    let value = '';
    let prefix = false;
    while (!isTermBoundary(this.text, this.#pos)) {
      const at = this.#pos;
      const ch = this.text[at] as string;
      if (ch === '\\') {
        const escaped = this.text[at + 1];
        if (escaped === undefined) throw this.#error("Expected a character after '\\'", at);
        value += escaped;
        this.#pos += 2;
        continue;
      }
      if (ch === '*') {
        if (!isTermBoundary(this.text, at + 1)) {
          throw this.#error(
            "Wildcard '*' is only allowed at the end of a term (escape it as '\\*')",
            at,
          );
        }
        prefix = true;
      } else {
        value += ch;
      }
      this.#pos++;
    }
    return { value, prefix };
  }

  #termNode(field: string | null, term: RawTerm): QueryNode {
    if (term.prefix && term.value === '' && field === null) return { kind: 'all' };
    return { kind: 'term', field, value: term.value, prefix: term.prefix };
  }

  /** The operator starting at the cursor, if any; keywords count only as whole words. */
  #peekOperator(): string | null {
    const pair = this.text.slice(this.#pos, this.#pos + 2);
    if (pair === '&&' || pair === '||') return pair;
    const ch = this.#peek();
    if (ch === '!' || ch === '-') return ch;
    for (const keyword of KEYWORDS) {
      if (
        this.text.startsWith(keyword, this.#pos) &&
        isTermBoundary(this.text, this.#pos + keyword.length)
      ) {
        return keyword;
      }
    }
    return null;
  }

  #skipSpace(): void {
    while (!this.#atEnd() && isSpace(this.#peek())) this.#pos++;
  }

  #peek(): string {
    return this.text[this.#pos] ?? '';
  }

  #atEnd(): boolean {
    return this.#pos >= this.text.length;
  }

  #error(description: string, offset: number): QuerySyntaxError {
    return new QuerySyntaxError(description, offset, this.text);
  }
}

/** Builds an and/or node, flattening same-kind children and unwrapping a single child. */
function combine(kind: 'and' | 'or', parts: QueryNode[]): QueryNode {
  const children: QueryNode[] = [];
  for (const part of parts) {
    if (part.kind === 'all') {
      // `*` is neutral in an AND and absorbs an OR.
      if (kind === 'or') return part;
      continue;
    }
    if (part.kind === kind) children.push(...part.children);
    else children.push(part);
  }
  if (children.length === 0) return { kind: 'all' };
  if (children.length === 1) return children[0] as QueryNode;
  return { kind, children };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = 0; at < offset && at < text.length; at++) {
    if (text[at] === '\n') {
      line++;
      lineStart = at + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
