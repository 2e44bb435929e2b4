import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { buildLogRecord } from '../../../../test/factories/log-record.factory';
import type { LogRecord } from '../log-record';
import { SqlParams, translateQueryToSql } from './postgres-query.translator';
import { tokenizeFullText } from './full-text-tokenizer';
import { compileQueryMatcher } from './query-matcher';
import { parseQuery } from './query-parser';

function translate(query: string, params = new SqlParams()): { sql: string; values: unknown[] } {
  const sql = translateQueryToSql(parseQuery(query), params);
  return { sql, values: params.values };
}

const FTS = "to_tsvector('simple'::regconfig, body)";

describe(SqlParams.name, () => {
  it('numbers placeholders from 1 by default', () => {
    const sut = new SqlParams();
    expect([sut.add('a'), sut.add(2)]).toEqual(['$1', '$2']);
    expect(sut.values).toEqual(['a', 2]);
  });

  it('continues after the placeholders a caller already used', () => {
    const sut = new SqlParams(4);
    expect(sut.add('x')).toBe('$4');
    expect(sut.values).toEqual(['x']);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects startAt %p', (startAt) => {
    expect(() => new SqlParams(startAt)).toThrow(RangeError);
  });
});

describe(translateQueryToSql.name, () => {
  it('matches everything for the empty query', () => {
    expect(translate('')).toEqual({ sql: 'TRUE', values: [] });
  });

  it('searches the body through the full-text index expression', () => {
    expect(translate('timeout')).toEqual({
      sql: `${FTS} @@ plainto_tsquery('simple'::regconfig, $1)`,
      values: ['timeout'],
    });
    expect(translate('message:"disk full"')).toEqual({
      sql: `${FTS} @@ phraseto_tsquery('simple'::regconfig, $1)`,
      values: ['disk full'],
    });
  });

  it.each([
    ['time*', "'time':*"],
    ['user-42*', "'user' & '-42':*"],
    ['10.0.0.*', "'10.0.0':*"],
    ['/api/v1*', "'/api/v1':*"],
    ["it's*", "'it' & 's':*"],
    ["x.io/a\\'b*", "'x.io' & '/a''b':*"],
    ['a\\\\b*', "'a' & 'b':*"],
  ])('builds a quoted tsquery for the prefix %s', (query, tsquery) => {
    expect(translate(query)).toEqual({
      sql: `${FTS} @@ to_tsquery('simple'::regconfig, $1)`,
      values: [tsquery],
    });
  });

  it('needs no tsquery for a prefix with nothing searchable in it', () => {
    expect(translate('\\-\\-*')).toEqual({ sql: 'FALSE', values: [] });
    expect(translate('\\-.*')).toEqual({ sql: 'FALSE', values: [] });
    expect(translate('message:*')).toEqual({ sql: 'TRUE', values: [] });
  });

  it('compares columns, levels and ids exactly', () => {
    expect(translate('service:api host:"web 1" level:WARNING traceId:ABC id:F00')).toEqual({
      sql: '(service = $1 AND host = $2 AND severity_text = $3 AND trace_id = $4 AND id::text = $5)',
      values: ['api', 'web 1', 'warn', 'abc', 'f00'],
    });
  });

  it('compares the pattern id and parameters by position', () => {
    expect(translate('pattern:9f2c param.0:alice params.2:10.*')).toEqual({
      sql: '(pattern_id = $1 AND pattern_params[1] = $2 AND pattern_params[3] LIKE $3)',
      values: ['9f2c', 'alice', '10.%'],
    });
  });

  it('compares the category in lower case, as categories are named', () => {
    expect(translate('category:Security OR vigil.category:dependency_f*')).toEqual({
      sql: '(category = $1 OR category LIKE $2)',
      values: ['security', 'dependency\\_f%'],
    });
  });

  it('escapes LIKE wildcards in a field prefix', () => {
    expect(translate('dataset:a%b_c\\\\d*')).toEqual({
      sql: 'dataset LIKE $1',
      values: ['a\\%b\\_c\\\\d%'],
    });
  });

  it('compares attributes as text, key and value both bound', () => {
    expect(translate('attributes.http.status:500 pod:api-*')).toEqual({
      sql: '((attributes ->> $1::text) = $2 AND (attributes ->> $3::text) LIKE $4)',
      values: ['http.status', '500', 'pod', 'api-%'],
    });
  });

  it('parenthesises boolean structure and treats NULL as false under NOT', () => {
    expect(translate('a OR NOT b c').sql).toBe(
      `(${FTS} @@ plainto_tsquery('simple'::regconfig, $1) OR ` +
        `((NOT COALESCE(${FTS} @@ plainto_tsquery('simple'::regconfig, $2), FALSE)) AND ` +
        `${FTS} @@ plainto_tsquery('simple'::regconfig, $3)))`,
    );
  });

  it('numbers its placeholders after the caller’s', () => {
    expect(translate('service:api', new SqlParams(3)).sql).toBe('service = $3');
  });

  it('never splices user text into the SQL', () => {
    const hostile = `x'); DROP TABLE logs; --`;
    const { sql, values } = translate(
      `${JSON.stringify(hostile)} service:${hostile.replace(/[ ()]/g, '\\$&')} ` +
        `${hostile.replace(/[ ()]/g, '\\$&')}:v`,
    );
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("x'");
    expect(values).toEqual(expect.arrayContaining([hostile]));
  });
});

// The same rows and queries run through Postgres and through the in-memory matcher; the point is
// that both agree, so a live tail shows exactly what a later search would return.
const ROWS: Record<string, Partial<LogRecord>> = {
  apiGet: {
    body: 'GET /api/v1/users/42 200 12.5ms',
    attributes: { 'http.status': 200, 'http.method': 'GET' },
  },
  api500: {
    body: 'POST /api/v1/orders failed with status=500: upstream timeout after 30s',
    severityText: 'error',
    attributes: { 'http.status': 500, 'http.method': 'POST' },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
  },
  login: {
    body: 'user-42 logged in from 10.0.0.17',
    service: 'auth',
    category: 'authentication',
    categoryConfidence: 0.88,
    // An attribute of the same name is not the category; `attributes.category` reaches it.
    attributes: { 'user.id': 'user-42', 'client.ip': '10.0.0.17', category: 'audit' },
  },
  loginFailed: {
    body: 'Login failed for user-421 from 10.0.1.5: invalid password',
    service: 'auth',
    severityText: 'warn',
    category: 'authentication',
    categoryConfidence: 0.97,
    attributes: { 'user.id': 'user-421' },
  },
  dbRefused: {
    body: 'Connection refused: connect to db-1.prod.internal:5432 failed',
    service: 'worker',
    host: 'worker-2',
    severityText: 'error',
    category: 'database',
    categoryConfidence: 0.64,
    attributes: { 'db.system': 'postgresql', retry: 3 },
  },
  npe: {
    body: 'java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null',
    service: 'billing',
    severityText: 'error',
    attributes: { 'exception.type': 'java.lang.NullPointerException' },
  },
  camel: {
    body: 'getUserById returned null for userId=17; falling back to cache',
    severityText: 'debug',
    attributes: { 'cache.hit': false },
  },
  apostrophe: { body: "it's not a bug, it's a feature!", service: 'web' },
  disk: {
    body: 'WARN: disk usage at 91% on /var/lib/postgresql/15/main',
    service: 'node-exporter',
    host: 'db-1',
    severityText: 'warn',
    attributes: { 'disk.used_pct': 91.5 },
  },
  payment: {
    body: '{"level":"error","msg":"payment declined","userId":"u-123","amount":42.50}',
    service: 'billing',
    dataset: 'payments',
    format: 'json',
    severityText: 'error',
    attributes: { amount: 42.5, currency: 'EUR' },
  },
  email: {
    body: 'Sent welcome e-mail to alice.smith@example.co.uk (template=welcome-v2)',
    service: 'mailer',
    attributes: { template: 'welcome-v2' },
  },
  url: {
    body: 'Fetching https://api.github.com/repos/vigil/vigil/pulls?state=open',
    service: 'ci',
    severityText: 'debug',
    attributes: { 'http.url': 'https://api.github.com/repos/vigil/vigil/pulls' },
  },
  panic: {
    body: 'panic: runtime error: index out of range [3] with length 3',
    service: 'scheduler',
    severityText: 'fatal',
    attributes: { goroutine: 1 },
  },
  gatewayTimeout: {
    body: 'upstream request timeout while calling payments service',
    service: 'gateway',
    severityText: 'warn',
    patternId: 'a1b2c3d4e5f60718',
    patternParams: ['payments', 'calling'],
    category: 'dependency_failure',
    categoryConfidence: 0.81,
    attributes: { upstream: 'payments', 'http.status': '504' },
  },
  health: {
    body: 'GET /healthz 200 OK',
    patternId: 'a1b2c3d4e5f60719',
    patternParams: ['/healthz', '200'],
    severityText: 'trace',
    attributes: { 'http.status': 200, 'kubernetes.pod.name': 'api-7d9f-x2' },
  },
  cache: {
    body: 'cache hit ratio 100% for key user_profile:42',
    dataset: 'cache',
    attributes: { key: 'user_profile:42' },
  },
};

type RowName = keyof typeof ROWS;
const ALL: RowName[] = Object.keys(ROWS);
const except = (...names: RowName[]): RowName[] => ALL.filter((name) => !names.includes(name));

const CASES: [query: string, expected: RowName[]][] = [
  ['', ALL],
  ['pattern:a1b2c3d4e5f60718', ['gatewayTimeout']],
  ['pattern:a1b2c3d4e5f6071*', ['gatewayTimeout', 'health']],
  ['param.0:/healthz', ['health']],
  ['param.1:2*', ['health']],
  ['param.0:payments OR param.0:/healthz', ['gatewayTimeout', 'health']],
  ['NOT param.1:*', except('health', 'gatewayTimeout')],
  ['category:authentication', ['login', 'loginFailed']],
  ['category:DATABASE', ['dbRefused']],
  ['category:d*', ['dbRefused', 'gatewayTimeout']],
  ['category:dependency_*', ['gatewayTimeout']],
  ['category:dependency%*', []],
  ['category:*', ['login', 'loginFailed', 'dbRefused', 'gatewayTimeout']],
  ['NOT category:authentication', except('login', 'loginFailed')],
  ['category:audit', []],
  ['attributes.category:audit', ['login']],
  ['category:authentication AND level:warn', ['loginFailed']],
  ['timeout', ['api500', 'gatewayTimeout']],
  ['"upstream timeout"', ['api500']],
  ['user-42', ['login']],
  ['user-42*', ['login', 'loginFailed']],
  ['10.0.0.*', ['login']],
  ['/api/v1*', ['apiGet', 'api500']],
  ["it's*", ['apostrophe']],
  ['"it\'s a feature"', ['apostrophe']],
  ['getUserById', ['camel']],
  ['userId', ['camel', 'payment']],
  ['12.5ms', ['apiGet']],
  ['100%', ['cache']],
  ['"db-1.prod.internal:5432"', ['dbRefused']],
  // A host keeps its port in its lexeme, so only a prefix finds it without one.
  ['db-1.prod.internal', []],
  ['db-1.prod*', ['dbRefused']],
  ['alice.smith@example.co.uk', ['email']],
  ['e-mail', ['email']],
  ['welcome*', ['email']],
  ['api.github.com', ['url']],
  ['/var/lib/postgresql*', ['disk']],
  ['java.lang.NullPointerException', ['npe']],
  // The parser keeps dotted names whole, so the bare class name is not a word of its own.
  ['NullPointerException', []],
  ['"index out of range"', ['panic']],
  ['"payment declined"', ['payment']],
  ['message:refused', ['dbRefused']],
  ['http.status:500', ['api500']],
  ['http.status:(500 OR 504)', ['api500', 'gatewayTimeout']],
  ['NOT http.status:200', except('apiGet', 'health')],
  ['amount:42.5 format:json dataset:payments', ['payment']],
  ['disk.used_pct:91.5', ['disk']],
  ['cache.hit:false', ['camel']],
  ['attributes.retry:3', ['dbRefused']],
  ['kubernetes.pod.name:api-7d9f*', ['health']],
  ['key:user_*', ['cache']],
  ['key:user%*', []],
  [
    'level:ERR OR level:warning',
    ['api500', 'dbRefused', 'npe', 'payment', 'loginFailed', 'disk', 'gatewayTimeout'],
  ],
  ['level:critical', ['panic']],
  ['service:api -level:info', ['api500', 'camel', 'health']],
  ['service:node*', ['disk']],
  [
    '-level:(info OR debug OR trace) -service:billing',
    ['api500', 'loginFailed', 'dbRefused', 'disk', 'panic', 'gatewayTimeout'],
  ],
  ['(timeout OR refused) AND service:(api OR worker)', ['api500', 'dbRefused']],
  ['trace_id:4BF92F3577B34DA6A3CE929D0E0E4736', ['api500']],
  ['NOT trace_id:4bf92f3577b34da6a3ce929d0e0e4736', except('api500')],
  ['span.id:00f067aa0ba902b7 OR host:worker-2', ['api500', 'dbRefused']],
  ['trace_id:*', ['api500']],
  ['GET 200 -/healthz', ['apiGet']],
  ['"!&|" OR o\'neil* OR \\(\\)* OR x:* OR a\\\\b\\:c*', []],
];

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe(`${translateQueryToSql.name} against PostgreSQL`, () => {
  const schema = `vigil_query_spec_${randomUUID().replace(/-/g, '')}`;
  const tenantId = randomUUID();
  const records = new Map<RowName, LogRecord>();
  const client = new Client({ connectionString: DATABASE_URL });

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path TO ${schema}`);
    await client.query(`
      CREATE TABLE logs (
        tenant_id uuid NOT NULL, ts timestamptz NOT NULL, id uuid NOT NULL, observed_ts timestamptz NOT NULL,
        severity_number smallint NOT NULL, severity_text text NOT NULL, body text NOT NULL,
        service text NOT NULL, host text NOT NULL, dataset text NOT NULL, format text NOT NULL,
        trace_id text, span_id text, attributes jsonb NOT NULL, pattern_id text, pattern_params text[],
        category text, category_confidence real
      ) PARTITION BY RANGE (ts)`);
    await client.query('CREATE TABLE logs_default PARTITION OF logs DEFAULT');
    await client.query(
      "CREATE INDEX logs_body_fts ON logs USING gin (to_tsvector('simple'::regconfig, body))",
    );
    let n = 0;
    for (const [name, overrides] of Object.entries(ROWS)) {
      const record = buildRecord(tenantId, n++, overrides);
      records.set(name, record);
      await client.query(
        `INSERT INTO logs VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
        [
          record.tenantId,
          new Date(record.timestamp),
          record.id,
          new Date(record.observedTimestamp),
          record.severityNumber,
          record.severityText,
          record.body,
          record.service,
          record.host,
          record.dataset,
          record.format,
          record.traceId,
          record.spanId,
          JSON.stringify(record.attributes),
          record.patternId ?? null,
          record.patternParams ?? null,
          record.category ?? null,
          record.categoryConfidence ?? null,
        ],
      );
    }
  });

  afterAll(async () => {
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  async function selectWithPostgres(query: string): Promise<RowName[]> {
    const params = new SqlParams(2);
    const where = translateQueryToSql(parseQuery(query), params);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM logs WHERE tenant_id = $1 AND (${where})`,
      [tenantId, ...params.values],
    );
    const ids = new Set(rows.map((row) => row.id));
    return ALL.filter((name) => ids.has(records.get(name)?.id ?? ''));
  }

  function selectInMemory(query: string): RowName[] {
    const sut = compileQueryMatcher(parseQuery(query));
    return ALL.filter((name) => {
      const record = records.get(name);
      return record !== undefined && sut(record);
    });
  }

  it.each(CASES)('Postgres returns the expected rows for %j', async (query, expected) => {
    expect(await selectWithPostgres(query)).toEqual(ALL.filter((name) => expected.includes(name)));
  });

  it('has the in-memory matcher agree with Postgres on every query', async () => {
    const disagreements: string[] = [];
    for (const [query] of CASES) {
      const inPostgres = await selectWithPostgres(query);
      const inMemory = selectInMemory(query);
      if (JSON.stringify(inPostgres) !== JSON.stringify(inMemory)) {
        disagreements.push(
          `${query}: postgres=${inPostgres.join(',')} matcher=${inMemory.join(',')}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('tokenizes every body into the lexemes Postgres indexes', async () => {
    for (const record of records.values()) {
      const { rows } = await client.query<{ lexemes: string[] }>(
        "SELECT tsvector_to_array(to_tsvector('simple'::regconfig, $1)) AS lexemes",
        [record.body],
      );
      const ours = [...new Set(tokenizeFullText(record.body).map((token) => token.lexeme))];
      expect(ours.sort()).toEqual([...(rows[0]?.lexemes ?? [])].sort());
    }
  });

  it.each(['timeout', '"upstream timeout"', 'user-42*'])(
    'lets the planner use the GIN index for %j',
    async (query) => {
      const params = new SqlParams();
      const where = translateQueryToSql(parseQuery(query), params);
      await client.query('SET enable_seqscan = off');
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM logs WHERE ${where}`,
          params.values,
        );
        expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(
          /Bitmap Index Scan on logs_default_/,
        );
      } finally {
        await client.query('RESET enable_seqscan');
      }
    },
  );

  it('never makes Postgres reject a prefix, whatever the input', async () => {
    const odd = [
      "'",
      "\\'",
      '\\\\',
      '!',
      '&|',
      ':*',
      "a'b:c",
      'x\\!y',
      'ä-ö',
      '<b>',
      '"',
      '((',
      'é.',
    ];
    for (const value of odd) {
      const escaped = value.replace(/[\\\s()"*:]/g, '\\$&');
      await expect(selectWithPostgres(`${escaped}*`)).resolves.toBeDefined();
    }
  });
});

function buildRecord(tenantId: string, n: number, overrides: Partial<LogRecord>): LogRecord {
  const timestamp = Date.UTC(2024, 4, 1, 12, 0, n);
  return buildLogRecord({
    id: randomUUID(),
    tenantId,
    timestamp,
    observedTimestamp: timestamp + 5,
    body: '',
    format: 'text',
    host: 'web-1',
    dataset: 'default',
    ...overrides,
  });
}
