import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { buildLogRecord } from '../../../../test/factories/log-record.factory';
import { DslEvaluator, type MappingsLike } from '../../../../test/support/opensearch-dsl-evaluator';
import { type LogRecord, storedCategory } from '../log-record';
import { SqlParams, translateQueryToSql } from '../query/postgres-query.translator';
import { parseQuery } from '../query/query-parser';
import { toDocument } from './opensearch-documents';
import { MATCH_ALL, MATCH_NONE, translateQueryToDsl } from './opensearch-query.translator';
import { DEFAULT_OPENSEARCH_SETTINGS } from './opensearch-settings';
import { mappingsComponent } from './opensearch-templates';

const dsl = (query: string): unknown => translateQueryToDsl(parseQuery(query));
const LEX = 'vigil.lexemes';

describe(translateQueryToDsl.name, () => {
  it('matches everything for the empty query and for a bare *', () => {
    expect(dsl('')).toEqual(MATCH_ALL);
    expect(dsl('*')).toEqual(MATCH_ALL);
  });

  it('turns a bare word into term queries on the lexemes, one per lexeme', () => {
    expect(dsl('timeout')).toEqual({ term: { [LEX]: { value: 'timeout' } } });
    expect(dsl('user-42')).toEqual({
      bool: {
        filter: [{ term: { [LEX]: { value: 'user' } } }, { term: { [LEX]: { value: '-42' } } }],
      },
    });
  });

  it('lower-cases words as the index does', () => {
    expect(dsl('TimeOut')).toEqual({ term: { [LEX]: { value: 'timeout' } } });
  });

  it('turns a phrase of several lexemes into match_phrase without slop', () => {
    expect(dsl('"Disk Full"')).toEqual({
      match_phrase: { [LEX]: { query: 'disk full', slop: 0 } },
    });
    expect(dsl('message:"refused"')).toEqual({ term: { [LEX]: { value: 'refused' } } });
  });

  it('turns a body prefix into the exact lexemes plus a prefix query on the last', () => {
    expect(dsl('time*')).toEqual({ prefix: { [LEX]: { value: 'time' } } });
    expect(dsl('user-42*')).toEqual({
      bool: {
        filter: [{ term: { [LEX]: { value: 'user' } } }, { prefix: { [LEX]: { value: '-42' } } }],
      },
    });
  });

  it('matches nothing for text without a searchable lexeme', () => {
    expect(dsl('"!&|"')).toEqual(MATCH_NONE);
    expect(dsl('\\(\\)*')).toEqual(MATCH_NONE);
  });

  it('compares columns exactly, normalizing levels and hex ids', () => {
    expect(dsl('service:api')).toEqual({ term: { 'service.name': { value: 'api' } } });
    expect(dsl('host:db-1')).toEqual({ term: { 'host.name': { value: 'db-1' } } });
    expect(dsl('dataset:nginx format:json')).toEqual({
      bool: {
        filter: [
          { term: { 'event.dataset': { value: 'nginx' } } },
          { term: { 'vigil.format': { value: 'json' } } },
        ],
      },
    });
    expect(dsl('level:WARNING')).toEqual({ term: { 'log.level': { value: 'warn' } } });
    expect(dsl('trace_id:4BF9')).toEqual({ term: { 'trace.id': { value: '4bf9' } } });
    expect(dsl('span.id:00F0')).toEqual({ term: { 'span.id': { value: '00f0' } } });
    expect(dsl('id:ABC')).toEqual({ term: { 'vigil.id': { value: 'abc' } } });
  });

  it('compares the category as a lower-case keyword', () => {
    expect(dsl('category:Security')).toEqual({ term: { 'vigil.category': { value: 'security' } } });
    expect(dsl('vigil.category:dependency_*')).toEqual({
      prefix: { 'vigil.category': { value: 'dependency_' } },
    });
    expect(dsl('attributes.category:x')).toEqual({
      term: { 'vigil.attr.category': { value: 'x' } },
    });
  });

  it('uses a prefix query, not a wildcard pattern, for a field prefix (no escaping needed)', () => {
    expect(dsl('service:node*')).toEqual({ prefix: { 'service.name': { value: 'node' } } });
    expect(dsl('key:user_\\?*')).toEqual({ prefix: { 'vigil.attr.key': { value: 'user_?' } } });
  });

  it('reaches attributes by their escaped key under vigil.attr', () => {
    expect(dsl('http.status:500')).toEqual({
      term: { 'vigil.attr.http%2Estatus': { value: '500' } },
    });
    expect(dsl('attributes.service:x')).toEqual({ term: { 'vigil.attr.service': { value: 'x' } } });
  });

  it('maps AND, OR and NOT onto bool filter, should and must_not', () => {
    expect(dsl('a OR b')).toEqual({
      bool: {
        should: [{ term: { [LEX]: { value: 'a' } } }, { term: { [LEX]: { value: 'b' } } }],
        minimum_should_match: 1,
      },
    });
    expect(dsl('a -service:x')).toEqual({
      bool: {
        filter: [
          { term: { [LEX]: { value: 'a' } } },
          { bool: { must_not: [{ term: { 'service.name': { value: 'x' } } }] } },
        ],
      },
    });
  });

  it('never emits query_string or any query that parses user text as syntax', () => {
    const hostile = 'a:(b OR c) AND d~2 OR e^3 OR /re.\\*/ OR "x" OR f:\\[1 TO 2\\] OR g?h*';
    const text = JSON.stringify(translateQueryToDsl(parseQuery(hostile)));
    expect(text).not.toMatch(/query_string|simple_query_string|regexp|wildcard|fuzzy/);
  });
});

// The same rows and queries through Postgres (the reference) and through the DSL, evaluated with
// OpenSearch's documented semantics over the documents the store writes: both must select the
// same rows.
const ROWS: Record<string, Partial<LogRecord>> = {
  get: {
    body: 'GET /api/v1/users/42 200 12.5ms',
    attributes: { 'http.status': 200, 'http.method': 'GET' },
  },
  failed: {
    body: 'POST /api/v1/orders failed with status=500: upstream timeout after 30s',
    severityText: 'error',
    attributes: { 'http.status': 500, http: 'nested-clash' },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
  },
  login: {
    body: 'user-42 logged in from 10.0.0.17',
    service: 'auth',
    attributes: { 'user.id': 'user-42', '': 'empty key', 'a%2Eb': 'percent', category: 'audit' },
    category: 'authentication',
    categoryConfidence: 0.88,
  },
  refused: {
    body: 'Connection refused: connect to db-1.prod.internal:5432 failed',
    service: 'worker',
    host: 'worker-2',
    severityText: 'warn',
    attributes: { retry: 3, flag: true, nothing: null, list: [1, 'a'] },
    category: 'dependency_failure',
    categoryConfidence: 0.7,
  },
  mail: {
    body: 'Sent welcome e-mail to alice.smith@example.co.uk (template=welcome-v2)',
    service: 'mailer',
    dataset: 'mail',
    format: 'text',
    attributes: { template: 'welcome-v2', long: 'y'.repeat(1500), huge: 'z'.repeat(9000) },
  },
  url: {
    body: 'Fetching https://api.github.com/repos/vigil/pulls?state=open — ok',
    service: 'ci',
    severityText: 'debug',
    // Stored as no category by both stores.
    category: '',
  },
  apostrophe: { body: "it's not a bug, it's a feature!", service: 'web' },
};
type RowName = keyof typeof ROWS;
const ALL: RowName[] = Object.keys(ROWS);

const CASES: [string, RowName[]][] = [
  ['', ALL],
  ['timeout', ['failed']],
  ['"upstream timeout"', ['failed']],
  ['"timeout upstream"', []],
  ['user-42', ['login']],
  ['user-4*', ['login']],
  ['10.0.0.*', ['login']],
  ['/api/v1*', ['get', 'failed']],
  ["it's*", ['apostrophe']],
  ['"it\'s a feature"', ['apostrophe']],
  ['"db-1.prod.internal:5432"', ['refused']],
  ['db-1.prod*', ['refused']],
  ['alice.smith@example.co.uk', ['mail']],
  ['e-mail', ['mail']],
  ['api.github.com', ['url']],
  ['message:refused', ['refused']],
  ['http.status:500', ['failed']],
  ['http:nested-clash', ['failed']],
  ['http.status:(500 OR 200)', ['get', 'failed']],
  ['NOT http.status:200', ALL.filter((r) => r !== 'get')],
  ['retry:3 flag:true', ['refused']],
  ['list:*', ['refused']],
  ['nothing:*', []],
  ['template:welcome*', ['mail']],
  [`long:${'y'.repeat(10)}*`, ['mail']],
  ['level:warning OR level:ERR', ['failed', 'refused']],
  ['service:w* -host:worker-2', ['apostrophe']],
  ['format:text dataset:mail', ['mail']],
  ['trace_id:4BF92F3577B34DA6A3CE929D0E0E4736', ['failed']],
  ['NOT trace_id:4bf92f3577b34da6a3ce929d0e0e4736', ALL.filter((r) => r !== 'failed')],
  ['span.id:00f067aa0ba902b7 OR host:worker-2', ['failed', 'refused']],
  ['trace_id:*', ['failed']],
  ['(timeout OR refused) AND service:(api OR worker)', ['failed', 'refused']],
  ['"!&|" OR \\(\\)* OR x:*', []],
  ['category:authentication', ['login']],
  ['category:Dependency_Failure', ['refused']],
  ['category:de*', ['refused']],
  ['category:dependency%*', []],
  ['category:*', ['login', 'refused']],
  ['NOT category:authentication', ALL.filter((r) => r !== 'login')],
  ['category:audit', []],
  ['attributes.category:audit', ['login']],
];

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe(`${translateQueryToDsl.name} compared with Postgres`, () => {
  const mappings = (
    mappingsComponent(DEFAULT_OPENSEARCH_SETTINGS) as {
      template: { mappings: MappingsLike };
    }
  ).template.mappings;
  const evaluator = new DslEvaluator(mappings);
  const schema = `vigil_os_query_spec_${randomUUID().replace(/-/g, '')}`;
  const tenantId = randomUUID();
  const records = new Map<RowName, LogRecord>();
  const client = new Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(`
      CREATE TABLE logs (id uuid NOT NULL, body text NOT NULL, service text NOT NULL,
        host text NOT NULL, dataset text NOT NULL, format text NOT NULL, severity_text text NOT NULL,
        trace_id text, span_id text, attributes jsonb NOT NULL, category text)`);
    let n = 0;
    for (const [name, overrides] of Object.entries(ROWS)) {
      const record = buildLogRecord({ tenantId, timestamp: 1_764_000_000_000 + n++, ...overrides });
      records.set(name, record);
      await client.query(`INSERT INTO logs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
        record.id,
        record.body,
        record.service,
        record.host,
        record.dataset,
        record.format,
        record.severityText,
        record.traceId,
        record.spanId,
        JSON.stringify(record.attributes),
        storedCategory(record).category,
      ]);
    }
  });

  afterAll(async () => {
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  async function inPostgres(query: string): Promise<RowName[]> {
    const params = new SqlParams();
    const where = translateQueryToSql(parseQuery(query), params);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM logs WHERE ${where}`,
      params.values,
    );
    const ids = new Set(rows.map((row) => row.id));
    return ALL.filter((name) => ids.has(records.get(name)?.id ?? ''));
  }

  function inOpenSearch(query: string): RowName[] {
    const translated = translateQueryToDsl(parseQuery(query));
    return ALL.filter((name) => {
      const record = records.get(name) as LogRecord;
      const doc = { _id: record.id, ...(toDocument(record) as unknown as Record<string, unknown>) };
      return evaluator.matches(translated, doc);
    });
  }

  it.each(CASES)('selects the expected rows for %j in both stores', async (query, expected) => {
    const want = ALL.filter((name) => expected.includes(name));
    expect(await inPostgres(query)).toEqual(want);
    expect(inOpenSearch(query)).toEqual(want);
  });

  it('differs in one documented place: a keyword value past ignore_above is kept, not indexed', async () => {
    expect(await inPostgres('huge:zzz*')).toEqual(['mail']);
    expect(inOpenSearch('huge:zzz*')).toEqual([]);
  });
});
