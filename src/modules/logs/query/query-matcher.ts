import type { LogRecord } from '../log-record';
import { tokenizeFullText, prefixLexemes } from './full-text-tokenizer';
import type { QueryNode } from './query-ast';
import { attributeText, fieldValue, resolveField, type ResolvedField } from './query-fields';

/** The body's lexemes, computed at most once per record however many leaves ask. */
class BodyLexemes {
  #list: string[] | undefined;
  #set: Set<string> | undefined;

  constructor(private readonly body: string) {}

  get list(): string[] {
    return (this.#list ??= tokenizeFullText(this.body).map((token) => token.lexeme));
  }

  get set(): Set<string> {
    return (this.#set ??= new Set(this.list));
  }
}

type Predicate = (record: LogRecord, body: BodyLexemes) => boolean;

/**
 * Compiles a query into an in-memory predicate with the same meaning as the Postgres
 * translation, for filtering a live tail.
 */
export function compileQueryMatcher(node: QueryNode): (record: LogRecord) => boolean {
  const predicate = compile(node);
  return (record) => predicate(record, new BodyLexemes(record.body));
}

function compile(node: QueryNode): Predicate {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and': {
      const children = node.children.map(compile);
      return (record, body) => children.every((child) => child(record, body));
    }
    case 'or': {
      const children = node.children.map(compile);
      return (record, body) => children.some((child) => child(record, body));
    }
    case 'not': {
      const child = compile(node.child);
      return (record, body) => !child(record, body);
    }
    case 'term':
    case 'phrase': {
      const prefix = node.kind === 'term' && node.prefix;
      const field = resolveField(node.field);
      if (field.kind === 'body') return compileFullText(node.kind, node.value, prefix);
      const read = fieldReader(field);
      const expected = fieldValue(field, node.value);
      if (prefix) return (record) => read(record)?.startsWith(expected) ?? false;
      return (record) => read(record) === expected;
    }
  }
}

function fieldReader(
  field: Exclude<ResolvedField, { kind: 'body' }>,
): (record: LogRecord) => string | null {
  switch (field.kind) {
    case 'column':
      return (record) => record[field.column];
    case 'level':
      return (record) => record.severityText;
    case 'hex':
      return field.column === 'trace_id' ? (record) => record.traceId : (record) => record.spanId;
    case 'id':
      // uuid::text is lower case.
      return (record) => record.id.toLowerCase();
    case 'pattern':
      return (record) => record.patternId ?? null;
    case 'param':
      return (record) => record.patternParams?.[field.index] ?? null;
    case 'category':
      // An empty category is stored as none (storedCategory).
      return (record) => record.category || null;
    case 'attribute':
      return (record) => attributeText(record.attributes[field.key]);
  }
}

function compileFullText(kind: 'term' | 'phrase', value: string, prefix: boolean): Predicate {
  if (prefix) {
    if (value === '') return () => true;
    const wanted = prefixLexemes(value);
    if (wanted === null) return () => false;
    return (_record, body) =>
      wanted.exact.every((lexeme) => body.set.has(lexeme)) &&
      body.list.some((lexeme) => lexeme.startsWith(wanted.prefix));
  }
  const lexemes = tokenizeFullText(value).map((token) => token.lexeme);
  if (lexemes.length === 0) return () => false;
  if (kind === 'term' || lexemes.length === 1) {
    return (_record, body) => lexemes.every((lexeme) => body.set.has(lexeme));
  }
  return (_record, body) => containsRun(body.list, lexemes);
}

function containsRun(haystack: string[], run: string[]): boolean {
  outer: for (let start = 0; start + run.length <= haystack.length; start++) {
    for (let offset = 0; offset < run.length; offset++) {
      if (haystack[start + offset] !== run[offset]) continue outer;
    }
    return true;
  }
  return false;
}
