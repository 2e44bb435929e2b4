import { buildLogRecord } from '../../../../test/factories/log-record.factory';
import type { LogRecord } from '../log-record';
import { parseQuery } from './query-parser';
import { prefixLexemes, tokenizeFullText } from './full-text-tokenizer';
import { attributeText, normalizeLevel, normalizeLevelName, resolveField } from './query-fields';
import { compileQueryMatcher } from './query-matcher';

const buildRecord = (overrides: Partial<LogRecord> = {}): LogRecord =>
  buildLogRecord({
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    body: '',
    format: 'text',
    host: 'web-1',
    ...overrides,
  });

function matches(query: string, record: LogRecord): boolean {
  return compileQueryMatcher(parseQuery(query))(record);
}

const lexemes = (text: string): string[] => tokenizeFullText(text).map((token) => token.lexeme);

describe(tokenizeFullText.name, () => {
  // Expected lexemes are what PostgreSQL 15's to_tsvector('simple', …) produces for the text.
  it.each([
    ['Connection REFUSED, retrying', ['connection', 'refused', 'retrying']],
    ['userId=42 camelCase', ['userid', '42', 'camelcase']],
    ["it's", ['it', 's']],
    ['user-42', ['user', '-42']],
    ['e-mail us-east-1', ['e-mail', 'e', 'mail', 'us-east', 'us', 'east', '1']],
    ['GET /api/v1/users?id=3', ['get', '/api/v1/users', 'id', '3']],
    ['from 10.0.0.17:5432', ['from', '10.0.0.17', '5432']],
    ['db-1.prod.internal:5432', ['db-1.prod.internal:5432']],
    ['java.lang.NullPointerException: x', ['java.lang.nullpointerexception', 'x']],
    ['alice@example.co.uk', ['alice@example.co.uk']],
    ['https://x.io/a?b=1 done', ['x.io/a?b=1', 'x.io', '/a?b=1', 'done']],
    ['12.5ms -3 1.5e3', ['12.5', 'ms', '-3', '1.5e3']],
    ['v1.2.3 a.b foo_bar', ['v1.2.3', 'a.b', 'foo', 'bar']],
    ['value <nil> &amp; more', ['value', 'more']],
    ['Straße ÜBER naïve-test', ['straße', 'über', 'naïve-test', 'naïve', 'test']],
    ['550e8400-e29b-41d4', ['550e8400', 'e29b-41d4', 'e29b', '41d4']],
    ['', []],
    ['... !!! ---', []],
  ])('splits %j', (text, expected) => {
    expect(lexemes(text)).toEqual(expected);
  });

  it('skips words longer than Postgres indexes, without leaving a gap', () => {
    expect(lexemes(`x ${'a'.repeat(2048)} b ${'c'.repeat(2047)}`)).toEqual([
      'x',
      'b',
      'c'.repeat(2047),
    ]);
  });

  it.each(['x_1.', 'a-1.', '1.x_', 'a_', '/.'])('stays linear on a long run of %j', (unit) => {
    const body = unit.repeat(64_000 / unit.length);
    const started = Date.now();
    tokenizeFullText(body);
    // Quadratic scanning took tens of seconds here; linear takes well under one.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports where each lexeme ends', () => {
    expect(tokenizeFullText('a-bc d')).toEqual([
      { lexeme: 'a-bc', end: 4 },
      { lexeme: 'a', end: 1 },
      { lexeme: 'bc', end: 4 },
      { lexeme: 'd', end: 6 },
    ]);
  });
});

describe(prefixLexemes.name, () => {
  it.each([
    ['time', { exact: [], prefix: 'time' }],
    ['user-42', { exact: ['user'], prefix: '-42' }],
    ['10.0.0.', { exact: [], prefix: '10.0.0' }],
    ['/api/v1', { exact: [], prefix: '/api/v1' }],
    ["it's", { exact: ['it'], prefix: 's' }],
    ['e-ma', { exact: ['e'], prefix: 'ma' }],
    ['x.io/pa', { exact: ['x.io'], prefix: '/pa' }],
    ['a b a c', { exact: ['a', 'b'], prefix: 'c' }],
  ])('splits %j', (value, expected) => {
    expect(prefixLexemes(value)).toEqual(expected);
  });

  it('returns null when nothing is searchable', () => {
    expect(prefixLexemes('-.-')).toBeNull();
  });
});

describe(resolveField.name, () => {
  it.each([
    [null, { kind: 'body' }],
    ['message', { kind: 'body' }],
    ['service', { kind: 'column', column: 'service' }],
    ['severity', { kind: 'level' }],
    ['traceId', { kind: 'hex', column: 'trace_id' }],
    ['span.id', { kind: 'hex', column: 'span_id' }],
    ['http.status', { kind: 'attribute', key: 'http.status' }],
    ['attributes.service', { kind: 'attribute', key: 'service' }],
    ['constructor', { kind: 'attribute', key: 'constructor' }],
    ['pattern', { kind: 'pattern' }],
    ['vigil.pattern_id', { kind: 'pattern' }],
    ['param.0', { kind: 'param', index: 0 }],
    ['pattern.params.12', { kind: 'param', index: 12 }],
    ['param.64', { kind: 'attribute', key: 'param.64' }],
    ['param.x', { kind: 'attribute', key: 'param.x' }],
    ['category', { kind: 'category' }],
    ['vigil.category', { kind: 'category' }],
    ['attributes.category', { kind: 'attribute', key: 'category' }],
    ['category_confidence', { kind: 'attribute', key: 'category_confidence' }],
  ])('resolves %s', (field, expected) => {
    expect(resolveField(field)).toEqual(expected);
  });
});

describe(normalizeLevel.name, () => {
  it.each([
    ['WARNING', 'warn'],
    ['Err', 'error'],
    ['crit', 'fatal'],
    ['emerg', 'fatal'],
    ['panic', 'fatal'],
    ['notice', 'info'],
    ['informational', 'info'],
    ['dbg', 'debug'],
    ['trc', 'trace'],
    ['error', 'error'],
    ['verbose', 'verbose'],
  ])('maps %s to %s', (input, expected) => {
    expect(normalizeLevel(input)).toBe(expected);
  });

  it('returns null from normalizeLevelName for a word that is no level', () => {
    expect(normalizeLevelName(' Warning ')).toBe('warn');
    expect(normalizeLevelName('verbose')).toBeNull();
  });
});

describe(attributeText.name, () => {
  it.each([
    ['text', 'text'],
    [500, '500'],
    [42.5, '42.5'],
    [1e-7, '0.0000001'],
    [1.5e21, '1500000000000000000000'],
    [-2.5e-3, '-0.0025'],
    [true, 'true'],
    [[1, 'a', null], '[1, "a", null]'],
    [{ bb: 1, a: [true] }, '{"a": [true], "bb": 1}'],
  ])('renders %j as ->> would', (value, expected) => {
    expect(attributeText(value)).toBe(expected);
  });

  it('has no text for a missing or null attribute', () => {
    expect(attributeText(undefined)).toBeNull();
    expect(attributeText(null)).toBeNull();
  });
});

describe(compileQueryMatcher.name, () => {
  const record = buildRecord({
    body: 'GET /api/v1/users/42 failed for user-42 from 10.0.0.17: upstream timeout',
    service: 'api',
    severityText: 'warn',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    patternId: '9f2c41d07b3e8a15',
    patternParams: ['/api/v1/users/42', 'user-42', '10.0.0.17'],
    category: 'dependency_failure',
    categoryConfidence: 0.93,
    attributes: Object.assign(Object.create(null) as Record<string, unknown>, {
      'http.status': 504,
      'kubernetes.pod.name': 'api-7d9f',
      service: 'shadowed',
      category: 'Shadowed',
    }),
  });

  it.each([
    ['', true],
    ['timeout', true],
    ['TIMEOUT', true],
    ['time', false],
    ['time*', true],
    ['"upstream timeout"', true],
    ['"timeout upstream"', false],
    ['"failed user-42"', false],
    ['"for user-42 from"', true],
    ['user-42', true],
    ['user-4', false],
    ['user-4*', true],
    ['10.0.0.*', true],
    ['10.0.1.*', false],
    ['/api/v1*', true],
    ['/api/v2*', false],
    ['users', false],
    ['message:timeout', true],
    ['body:"upstream timeout"', true],
    ['message:*', true],
    ['service:api', true],
    ['service:API', false],
    ['service:a*', true],
    ['attributes.service:shadowed', true],
    ['level:WARNING', true],
    ['severity:warn*', true],
    ['level:error', false],
    ['trace_id:4BF92F3577B34DA6A3CE929D0E0E4736', true],
    ['traceId:4bf9*', true],
    ['span_id:*', false],
    ['NOT span_id:abc', true],
    ['id:01890A5D-AC96-774B-BCCE-B302099A8057', true],
    ['http.status:504', true],
    ['http.status:"504"', true],
    ['http.status:50*', true],
    ['http.status:(500 OR 503)', false],
    ['NOT http.status:500', true],
    ['missing:*', false],
    ['-missing:x', true],
    ['kubernetes.pod.name:api-7d9f', true],
    ['timeout AND NOT service:api', false],
    ['(nothing OR timeout) service:(web OR api)', true],
    ['"..."', false],
    ['pattern:9f2c41d07b3e8a15', true],
    ['pattern_id:9f2c*', true],
    ['pattern:0000000000000000', false],
    ['param.1:user-42', true],
    ['param.2:10.0.*', true],
    ['param.0:user-42', false],
    ['param.3:*', false],
    ['NOT param.3:x', true],
    ['category:dependency_failure', true],
    ['category:Dependency_Failure', true],
    ['vigil.category:dependency_failure', true],
    ['category:dependency', false],
    ['category:dep*', true],
    ['category:DEPENDENCY_F*', true],
    ['category:dependency%*', false],
    ['category:*', true],
    ['category:(security OR dependency_failure)', true],
    ['NOT category:security', true],
    ['category:shadowed', false],
    ['attributes.category:Shadowed', true],
  ])('%j → %s', (query, expected) => {
    expect(matches(query, record)).toBe(expected);
  });

  it.each([
    [{}, 'category:*', false],
    [{ category: null }, 'NOT category:security', true],
    [{ category: '' }, 'category:*', false],
    [{ category: 'security', categoryConfidence: null }, 'category:security', true],
  ])('reads the category of %j for %j as %s', (fields, query, expected) => {
    expect(matches(query, buildRecord(fields))).toBe(expected);
  });

  it('tokenizes the body once per record however many full-text leaves there are', () => {
    const sut = compileQueryMatcher(parseQuery('a b c d e'));
    let reads = 0;
    const counting = buildRecord();
    Object.defineProperty(counting, 'body', {
      get: () => {
        reads++;
        return 'a b c d e';
      },
    });
    expect(sut(counting)).toBe(true);
    expect(reads).toBe(1);
  });
});
