import { prefixLexemes, tokenizeFullText } from '../query/full-text-tokenizer';
import type { QueryNode } from '../query/query-ast';
import { fieldValue, resolveField, type ResolvedField } from '../query/query-fields';
import { FIELDS, attributeField } from './opensearch-documents';

/** A node of the OpenSearch query DSL. */
export type DslQuery = Record<string, unknown>;

export const MATCH_ALL: DslQuery = { match_all: {} };
export const MATCH_NONE: DslQuery = { match_none: {} };

/**
 * Translates a search-language tree into an OpenSearch bool query with the meaning the Postgres
 * translation has (and the live-tail matcher): full text is matched on `vigil.lexemes`, the body
 * cut by the same tokenizer the Postgres semantics are modelled on, with term, prefix and
 * match_phrase queries; fields are exact keyword terms or prefixes. User text only ever becomes a
 * term value, never `query_string` syntax.
 */
export function translateQueryToDsl(node: QueryNode): DslQuery {
  switch (node.kind) {
    case 'all':
      return MATCH_ALL;
    case 'and':
      return { bool: { filter: node.children.map(translateQueryToDsl) } };
    case 'or':
      return { bool: { should: node.children.map(translateQueryToDsl), minimum_should_match: 1 } };
    case 'not':
      // A document without the field does not match the child, so NOT keeps it: the meaning
      // Postgres gets from COALESCE(…, FALSE).
      return { bool: { must_not: [translateQueryToDsl(node.child)] } };
    case 'term':
    case 'phrase': {
      const prefix = node.kind === 'term' && node.prefix;
      const field = resolveField(node.field);
      if (field.kind === 'body') return fullText(node.kind, node.value, prefix);
      const name = fieldName(field);
      const value = fieldValue(field, node.value);
      return prefix ? { prefix: { [name]: { value } } } : { term: { [name]: { value } } };
    }
  }
}

function fullText(kind: 'term' | 'phrase', value: string, prefix: boolean): DslQuery {
  if (prefix) {
    if (value === '') return MATCH_ALL;
    const wanted = prefixLexemes(value);
    if (wanted === null) return MATCH_NONE;
    return allOf([
      ...wanted.exact.map(lexemeTerm),
      { prefix: { [FIELDS.lexemes]: { value: wanted.prefix } } },
    ]);
  }
  const lexemes = tokenizeFullText(value).map((token) => token.lexeme);
  if (lexemes.length === 0) return MATCH_NONE;
  if (kind === 'term' || lexemes.length === 1) return allOf([...new Set(lexemes)].map(lexemeTerm));
  // The analyzer of the field splits on single spaces only, so each lexeme is one position.
  return { match_phrase: { [FIELDS.lexemes]: { query: lexemes.join(' '), slop: 0 } } };
}

function lexemeTerm(lexeme: string): DslQuery {
  return { term: { [FIELDS.lexemes]: { value: lexeme } } };
}

function allOf(queries: DslQuery[]): DslQuery {
  return queries.length === 1 ? (queries[0] as DslQuery) : { bool: { filter: queries } };
}

export function fieldName(field: Exclude<ResolvedField, { kind: 'body' }>): string {
  switch (field.kind) {
    case 'column':
      return FIELDS[field.column];
    case 'level':
      return FIELDS.level;
    case 'hex':
      return field.column === 'trace_id' ? FIELDS.traceId : FIELDS.spanId;
    case 'id':
      return FIELDS.id;
    case 'pattern':
      return FIELDS.patternId;
    case 'param':
      return `${FIELDS.params}.${field.index}`;
    case 'category':
      return FIELDS.category;
    case 'attribute':
      return attributeField(field.key);
  }
}
