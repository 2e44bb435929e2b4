import type { QueryNode } from './query-ast';
import { prefixLexemes } from './full-text-tokenizer';
import { fieldValue, resolveField, type ResolvedField } from './query-fields';

/** Collects bind parameters; `add` returns the placeholder to splice into the SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** `startAt` is the number of the first placeholder, so a caller's own `$1..$n` come first. */
  constructor(private readonly startAt = 1) {
    if (!Number.isSafeInteger(startAt) || startAt < 1) {
      throw new RangeError(`startAt must be a positive integer, got ${startAt}`);
    }
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.startAt + this.values.length - 1}`;
  }
}

// Written exactly as the GIN index expression on `logs`, or the planner will not use the index.
const BODY_VECTOR = "to_tsvector('simple'::regconfig, body)";

/**
 * Translates a query into a boolean SQL expression over the unaliased `logs` columns. Every user
 * value goes through `params`; none is ever spliced into the SQL text.
 */
export function translateQueryToSql(node: QueryNode, params: SqlParams): string {
  switch (node.kind) {
    case 'all':
      return 'TRUE';
    case 'and':
    case 'or': {
      const operator = node.kind === 'and' ? ' AND ' : ' OR ';
      return `(${node.children.map((child) => translateQueryToSql(child, params)).join(operator)})`;
    }
    case 'not':
      // A missing trace_id or attribute compares as NULL, and NOT NULL would drop the row; the
      // in-memory matcher treats a missing value as a plain non-match, so NOT must too.
      return `(NOT COALESCE(${translateQueryToSql(node.child, params)}, FALSE))`;
    case 'term':
    case 'phrase': {
      const prefix = node.kind === 'term' && node.prefix;
      const field = resolveField(node.field);
      if (field.kind === 'body') return fullText(node.kind, node.value, prefix, params);
      return compareField(field, fieldValue(field, node.value), prefix, params);
    }
  }
}

function fullText(
  kind: 'term' | 'phrase',
  value: string,
  prefix: boolean,
  params: SqlParams,
): string {
  if (!prefix) {
    const parse = kind === 'phrase' ? 'phraseto_tsquery' : 'plainto_tsquery';
    return `${BODY_VECTOR} @@ ${parse}('simple'::regconfig, ${params.add(value)})`;
  }
  if (value === '') return 'TRUE';
  const lexemes = prefixLexemes(value);
  if (lexemes === null) return 'FALSE';
  const operands = [...lexemes.exact.map(quoteLexeme), `${quoteLexeme(lexemes.prefix)}:*`];
  return `${BODY_VECTOR} @@ to_tsquery('simple'::regconfig, ${params.add(operands.join(' & '))})`;
}

/** Quotes a lexeme as a tsquery operand, so that `!`, `&`, `:` or `'` in it stay literal. */
function quoteLexeme(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function compareField(
  field: Exclude<ResolvedField, { kind: 'body' }>,
  value: string,
  prefix: boolean,
  params: SqlParams,
): string {
  const column = fieldSql(field, params);
  if (prefix) return `${column} LIKE ${params.add(`${escapeLike(value)}%`)}`;
  return `${column} = ${params.add(value)}`;
}

function fieldSql(field: Exclude<ResolvedField, { kind: 'body' }>, params: SqlParams): string {
  switch (field.kind) {
    case 'column':
      return field.column;
    case 'level':
      return 'severity_text';
    case 'hex':
      return field.column;
    case 'id':
      return 'id::text';
    case 'pattern':
      return 'pattern_id';
    case 'param':
      // SQL arrays count from 1; the index is a parsed integer, never user text.
      return `pattern_params[${field.index + 1}]`;
    case 'category':
      return 'category';
    case 'attribute':
      // ->> yields text, so the JSON number 500 matches the value '500'.
      return `(attributes ->> ${params.add(field.key)}::text)`;
  }
}

/** Escapes LIKE's wildcards with its default escape character, the backslash. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
