import type { QueryNode } from './query-ast';
import { MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, parseQuery, QuerySyntaxError } from './query-parser';

const term = (value: string, field: string | null = null, prefix = false): QueryNode => ({
  kind: 'term',
  field,
  value,
  prefix,
});
const phrase = (value: string, field: string | null = null): QueryNode => ({
  kind: 'phrase',
  field,
  value,
});
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ kind: 'or', children });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });

function syntaxErrorOf(text: string): QuerySyntaxError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe(parseQuery.name, () => {
  describe('terms and phrases', () => {
    it.each(['', '   ', '\n\t', '*', ' * '])('reads %j as match-all', (text) => {
      expect(parseQuery(text)).toEqual({ kind: 'all' });
    });

    it('reads a bare word as a body term', () => {
      expect(parseQuery('timeout')).toEqual(term('timeout'));
    });

    it('keeps punctuation inside a term', () => {
      expect(parseQuery("user-42 10.0.0.1 /api/v1 it's a&b status!=500")).toEqual(
        and(
          term('user-42'),
          term('10.0.0.1'),
          term('/api/v1'),
          term("it's"),
          term('a&b'),
          term('status!=500'),
        ),
      );
    });

    it('reads a trailing * as a prefix', () => {
      expect(parseQuery('time*')).toEqual(term('time', null, true));
    });

    it('reads a quoted phrase with escaped quotes and backslashes', () => {
      expect(parseQuery(String.raw`"say \"hi\" to C:\\temp"`)).toEqual(
        phrase(String.raw`say "hi" to C:\temp`),
      );
    });

    it('keeps a backslash that escapes nothing inside a phrase', () => {
      expect(parseQuery(String.raw`"C:\temp"`)).toEqual(phrase(String.raw`C:\temp`));
    });

    it('unescapes special characters in a term', () => {
      expect(parseQuery(String.raw`a\:b a\* \-x \(y\) \AND a\ b`)).toEqual(
        and(term('a:b'), term('a*'), term('-x'), term('(y)'), term('AND'), term('a b')),
      );
    });

    it('treats an escaped star before a real one as literal', () => {
      expect(parseQuery(String.raw`a\**`)).toEqual(term('a*', null, true));
    });

    it('treats lower-case keywords and keyword prefixes as terms', () => {
      expect(parseQuery('error and NOTICE ORACLE')).toEqual(
        and(term('error'), term('and'), term('NOTICE'), term('ORACLE')),
      );
    });
  });

  describe('fields', () => {
    it('reads field:value, field:"phrase" and field:prefix*', () => {
      expect(parseQuery('service:api message:"disk full" host:web-*')).toEqual(
        and(term('api', 'service'), phrase('disk full', 'message'), term('web-', 'host', true)),
      );
    });

    it.each([
      'http.status',
      '@timestamp',
      'kubernetes.pod.name',
      'user_id',
      'x-request-id',
      'k8s.v2',
    ])('accepts the field name %s', (field) => {
      expect(parseQuery(`${field}:1`)).toEqual(term('1', field));
    });

    it('reads a snake_case value and its prefix as plain field terms', () => {
      expect(parseQuery('category:dependency_failure OR category:auth*')).toEqual(
        or(term('dependency_failure', 'category'), term('auth', 'category', true)),
      );
    });

    it('keeps colons after the first in the value', () => {
      expect(parseQuery('url:http://x/y')).toEqual(term('http://x/y', 'url'));
    });

    it('does not read a time as a field', () => {
      expect(parseQuery('12:30:45')).toEqual(term('12:30:45'));
    });

    it('takes - and ! after the colon literally', () => {
      expect(parseQuery('status:-1 flag:!x')).toEqual(
        and(term('-1', 'status'), term('!x', 'flag')),
      );
    });

    it('reads field:* as an existence test', () => {
      expect(parseQuery('trace_id:*')).toEqual(term('', 'trace_id', true));
    });

    it('expands field:(a OR b) into field terms', () => {
      expect(parseQuery('level:(error OR fatal)')).toEqual(
        or(term('error', 'level'), term('fatal', 'level')),
      );
    });

    it('applies the field to everything inside its group', () => {
      expect(parseQuery('service:(api "web ui" -worker* OR (a b))')).toEqual(
        or(
          and(
            term('api', 'service'),
            phrase('web ui', 'service'),
            not(term('worker', 'service', true)),
          ),
          and(term('a', 'service'), term('b', 'service')),
        ),
      );
    });

    it('lets an explicit field inside a group win', () => {
      expect(parseQuery('service:(api OR host:x)')).toEqual(
        or(term('api', 'service'), term('x', 'host')),
      );
    });
  });

  describe('operators', () => {
    it('reads adjacent clauses as AND', () => {
      expect(parseQuery('a b  c')).toEqual(and(term('a'), term('b'), term('c')));
    });

    it('binds NOT tighter than AND, and AND tighter than OR', () => {
      expect(parseQuery('a OR NOT b AND c OR d')).toEqual(
        or(term('a'), and(not(term('b')), term('c')), term('d')),
      );
    });

    it('accepts &&, || and ! as AND, OR and NOT', () => {
      expect(parseQuery('a && !b || c')).toEqual(or(and(term('a'), not(term('b'))), term('c')));
    });

    it('splits terms at && and ||', () => {
      expect(parseQuery('a&&b||c')).toEqual(or(and(term('a'), term('b')), term('c')));
    });

    it('reads a leading - as NOT', () => {
      expect(parseQuery('error -level:debug -"health check"')).toEqual(
        and(term('error'), not(term('debug', 'level')), not(phrase('health check'))),
      );
    });

    it('honours parentheses', () => {
      expect(parseQuery('(a OR b) c')).toEqual(and(or(term('a'), term('b')), term('c')));
    });

    it('flattens nested groups of the same kind', () => {
      expect(parseQuery('a AND (b AND (c d)) OR (e OR f)')).toEqual(
        or(and(term('a'), term('b'), term('c'), term('d')), term('e'), term('f')),
      );
    });

    it('unwraps a group with one clause', () => {
      expect(parseQuery('((a))')).toEqual(term('a'));
    });

    it('drops * from an AND and lets it absorb an OR', () => {
      expect(parseQuery('* a')).toEqual(term('a'));
      expect(parseQuery('a OR *')).toEqual({ kind: 'all' });
    });

    it('nests NOT', () => {
      expect(parseQuery('NOT -!a')).toEqual(not(not(not(term('a')))));
    });

    it('accepts a keyword right before a parenthesis or phrase', () => {
      expect(parseQuery('NOT(a)AND"b"')).toEqual(and(not(term('a')), phrase('b')));
    });
  });

  describe('errors', () => {
    it.each([
      ['level:error "disk full', 'Unterminated phrase starting', 12],
      ['say "a \\" b', 'Unterminated phrase starting', 4],
      ['(a OR b', "Unclosed '('", 0],
      ['a (b (c)', "Unclosed '('", 2],
      ['a) b', "Unexpected ')'", 1],
      [')', "Unexpected ')'", 0],
      ['service: api', "Expected a value after 'service:'", 8],
      ['service:', "Expected a value after 'service:'", 8],
      ['(service:)', "Expected a value after 'service:'", 9],
      ['service:&&x', "Expected a value after 'service:'", 8],
      ['a AND', "Expected a clause after 'AND'", 2],
      ['a OR ', "Expected a clause after 'OR'", 2],
      ['a ||', "Expected a clause after '||'", 2],
      ['a NOT', "Expected a clause after 'NOT'", 2],
      ['(a AND)', "Expected a clause after 'AND'", 3],
      ['AND a', "Unexpected 'AND': expected a clause before it", 0],
      ['OR a', "Unexpected 'OR': expected a clause before it", 0],
      ['a AND OR b', "Unexpected 'OR': expected a clause after 'AND'", 6],
      ['a - b', "Expected a clause right after '-'", 2],
      ['a ()', "Empty parentheses '()'", 2],
      ['service:( )', "Empty parentheses '()'", 8],
      ['*foo', "Wildcard '*' is only allowed at the end of a term", 0],
      ['fo*o', "Wildcard '*' is only allowed at the end of a term", 2],
      ['a**', "Wildcard '*' is only allowed at the end of a term", 1],
      ['service:*api', "Wildcard '*' is only allowed at the end of a term", 8],
      ['"a b"*', "Wildcard '*' cannot follow a phrase", 5],
      ['trailing\\', "Expected a character after '\\'", 8],
    ])('rejects %j: %s (offset %d)', (text, message, offset) => {
      const error = syntaxErrorOf(text);
      expect(error.message).toContain(message);
      expect(error.offset).toBe(offset);
    });

    it('says where the problem is in lines and columns', () => {
      const sut = syntaxErrorOf('level:error\n  AND "disk full');
      expect(sut).toMatchObject({ offset: 18, line: 2, column: 7 });
      expect(sut.message).toBe('Unterminated phrase starting at line 2, column 7');
      expect(sut.name).toBe('QuerySyntaxError');
      expect(sut).toBeInstanceOf(Error);
    });

    it('reports the end of the text when it ended too early', () => {
      expect(syntaxErrorOf('a b:')).toMatchObject({ offset: 4, line: 1, column: 5 });
    });

    it(`rejects text longer than ${MAX_QUERY_LENGTH} characters`, () => {
      expect(parseQuery('a'.repeat(MAX_QUERY_LENGTH))).toEqual(term('a'.repeat(MAX_QUERY_LENGTH)));
      const error = syntaxErrorOf('a'.repeat(MAX_QUERY_LENGTH + 1));
      expect(error.message).toContain('too long');
      expect(error.offset).toBe(MAX_QUERY_LENGTH);
    });

    it(`rejects nesting deeper than ${MAX_QUERY_DEPTH}`, () => {
      const nested = (depth: number): string => `${'('.repeat(depth)}a${')'.repeat(depth)}`;
      expect(parseQuery(nested(MAX_QUERY_DEPTH))).toEqual(term('a'));
      const error = syntaxErrorOf(nested(MAX_QUERY_DEPTH + 1));
      expect(error.message).toContain('deeper than 32');
      expect(error.offset).toBe(MAX_QUERY_DEPTH);
    });

    it('counts negations as nesting so a long chain cannot exhaust the stack', () => {
      expect(syntaxErrorOf(`${'!'.repeat(4000)}a`).message).toContain('deeper than 32');
    });

    it('never throws anything but QuerySyntaxError on odd input', () => {
      const pieces = [
        'a',
        ' ',
        '(',
        ')',
        '"',
        '\\',
        '*',
        ':',
        '-',
        '!',
        '&&',
        '||',
        'AND',
        'OR',
        'NOT',
        'f:',
      ];
      let seed = 42;
      const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
      for (let run = 0; run < 2000; run++) {
        let text = '';
        for (let count = next() % 8; count >= 0; count--) text += pieces[next() % pieces.length];
        try {
          parseQuery(text);
        } catch (error) {
          expect(error).toBeInstanceOf(QuerySyntaxError);
          expect((error as QuerySyntaxError).offset).toBeLessThanOrEqual(text.length);
        }
      }
    });
  });
});
