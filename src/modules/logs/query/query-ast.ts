/**
 * The AST of Vigil's search language (a small Lucene-like syntax). Every LogStore adapter
 * translates this tree; user text never reaches a store as raw query text.
 */
export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  /** A bare word in the body (field null) or a field comparison; `prefix` for a trailing `*`. */
  | { kind: 'term'; field: string | null; value: string; prefix: boolean }
  /** A quoted phrase: the words in this order, adjacent. */
  | { kind: 'phrase'; field: string | null; value: string }
  /** Matches every record (the empty query). */
  | { kind: 'all' };
