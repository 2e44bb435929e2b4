import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const BASE = Date.parse('2026-11-26T06:00:00.000Z');
const MINUTE = 60_000;

describe('GraphQL search over stored logs', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('search');
    // 120 records over 2 hours: every 3rd is an error in "payments", the rest info in "web".
    // The payments ones carry a `category` field of their own, which becomes an attribute.
    const lines: unknown[] = [];
    for (let i = 0; i < 120; i++) {
      lines.push({ create: { _index: i % 2 ? 'app' : 'edge' } });
      lines.push({
        '@timestamp': new Date(BASE + i * MINUTE).toISOString(),
        message:
          i % 3 === 0
            ? `payment declined for order ${i} code=E${i}`
            : `GET /api/items/${i} served in ${i} ms`,
        level: i % 3 === 0 ? 'error' : 'info',
        service: i % 3 === 0 ? 'payments' : 'web',
        host: `host-${i % 4}`,
        region: i % 2 ? 'eu' : 'us',
        http: { status: i % 3 === 0 ? 500 : 200 },
        trace_id: i === 42 ? '4BF92F3577B34DA6A3CE929D0E0E4736' : undefined,
        category: i % 3 === 0 ? 'billing' : undefined,
      });
    }
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.ingestKey}`,
        'content-type': 'application/x-ndjson',
      },
      body: ndjson(lines),
    });
    expect(((await res.json()) as { errors: boolean }).errors).toBe(false);
  });
  afterAll(() => sut.close());

  const gql = <T>(query: string, variables: Record<string, unknown>) =>
    sut.graphql<T>(tenant.adminKey, query, variables);

  const COUNT = `query($f: LogFilter!) { logs(filter: $f, first: 0) { totalCount } }`;
  const count = async (filter: Record<string, unknown>) => {
    const res = await gql<{ logs: { totalCount: number } }>(COUNT, { f: filter });
    expect(res.errors).toBeUndefined();
    return res.data!.logs.totalCount;
  };

  it.each([
    [{ query: 'declined' }, 40],
    [{ query: '"payment declined"' }, 40],
    [{ query: 'declin*' }, 40],
    [{ query: 'service:payments' }, 40],
    [{ query: 'level:error AND region:eu' }, 20],
    [{ query: 'http.status:500' }, 40],
    [{ query: 'served NOT region:us' }, 40],
    [{ query: '(level:ERROR OR host:host-1) AND NOT service:payments' }, 20],
    [{ query: 'dataset:edge' }, 60],
    [{ services: ['web'], levels: ['INFO'] }, 80],
    [{ levels: ['err', 'warning'] }, 40],
    [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, 1],
    [
      {
        from: new Date(BASE + 60 * MINUTE).toISOString(),
        to: new Date(BASE + 90 * MINUTE).toISOString(),
      },
      30,
    ],
    [{ query: 'nothing-matches-this' }, 0],
  ])('counts %j', async (filter, expected) => {
    expect(await count(filter)).toBe(expected);
  });

  it('pages newest first to the end with no duplicates or gaps', async () => {
    const PAGE = `query($f: LogFilter!, $after: String) {
      logs(filter: $f, first: 7, after: $after) { edges { cursor node { id timestamp } } pageInfo { hasNextPage endCursor } }
    }`;
    type Page = {
      logs: {
        edges: Array<{ cursor: string; node: { id: string; timestamp: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 30; pages++) {
      const res: { data?: Page; errors?: unknown } = await gql<Page>(PAGE, { f: {}, after });
      expect(res.errors).toBeUndefined();
      const { edges, pageInfo } = res.data!.logs;
      seen.push(...edges.map((e) => e.node.timestamp));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    const expected = Array.from({ length: 120 }, (_, i) =>
      new Date(BASE + (119 - i) * MINUTE).toISOString(),
    );
    expect(seen).toEqual(expected);
  });

  it('buckets counts by interval, with empty buckets filled', async () => {
    const res = await gql<{ logHistogram: Array<{ start: string; count: number }> }>(
      `query($f: LogFilter!) { logHistogram(filter: $f, interval: "30m") { start count } }`,
      {
        f: {
          from: new Date(BASE - 60 * MINUTE).toISOString(),
          to: new Date(BASE + 120 * MINUTE).toISOString(),
        },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.logHistogram).toEqual([
      { start: '2026-11-26T05:00:00.000Z', count: 0 },
      { start: '2026-11-26T05:30:00.000Z', count: 0 },
      { start: '2026-11-26T06:00:00.000Z', count: 30 },
      { start: '2026-11-26T06:30:00.000Z', count: 30 },
      { start: '2026-11-26T07:00:00.000Z', count: 30 },
      { start: '2026-11-26T07:30:00.000Z', count: 30 },
    ]);
  });

  it('counts the top values of columns and attributes', async () => {
    const FACETS = `query($f: LogFilter!, $field: String!) { logFacets(filter: $f, field: $field, size: 3) { value count } }`;
    const facets = async (field: string, filter = {}) =>
      (
        await gql<{ logFacets: Array<{ value: string; count: number }> }>(FACETS, {
          f: filter,
          field,
        })
      ).data!.logFacets;
    expect(await facets('service')).toEqual([
      { value: 'web', count: 80 },
      { value: 'payments', count: 40 },
    ]);
    expect(await facets('level')).toEqual([
      { value: 'info', count: 80 },
      { value: 'error', count: 40 },
    ]);
    expect(await facets('region', { query: 'service:payments' })).toEqual([
      { value: 'eu', count: 20 },
      { value: 'us', count: 20 },
    ]);
    expect(await facets('http.status')).toEqual([
      { value: '200', count: 80 },
      { value: '500', count: 40 },
    ]);
    expect(await facets('host')).toHaveLength(3);
  });

  // Every record gets a category at ingest (the taxonomy's rules: no model is trained here);
  // `category:` and the category facet see the record's category, never the `category` attribute.
  it('reads, searches and facets the record category apart from a category attribute', async () => {
    const res = await gql<{
      logs: {
        edges: Array<{
          node: {
            category: string | null;
            categoryConfidence: number | null;
            attributes: Record<string, unknown>;
          };
        }>;
      };
    }>(
      `query($f: LogFilter!) { logs(filter: $f, first: 5) { edges { node { category categoryConfidence attributes } } } }`,
      { f: { query: 'service:payments' } },
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.logs.edges.map((e) => e.node);
    expect(nodes).toHaveLength(5);
    for (const node of nodes) {
      expect(node.category).toMatch(/^[a-z_]+$/);
      expect(node.category).not.toBe('billing');
      expect(node.categoryConfidence).toBeGreaterThanOrEqual(0);
      expect(node.categoryConfidence).toBeLessThanOrEqual(1);
      expect(node.attributes.category).toBe('billing');
    }
    const payments = nodes[0]!.category as string;

    expect(await count({ query: 'category:*' })).toBe(120);
    expect(await count({ query: 'category:billing' })).toBe(0);
    expect(await count({ query: `service:payments AND category:${payments}` })).toBe(40);
    expect(await count({ query: `service:payments AND NOT category:${payments}` })).toBe(0);
    expect(await count({ query: 'attributes.category:billing' })).toBe(40);
    expect(await count({ query: 'attributes.category:BILL*' })).toBe(0);

    const FACETS = `query($f: LogFilter!, $field: String!) { logFacets(filter: $f, field: $field) { value count } }`;
    const facets = async (field: string) =>
      (
        await gql<{ logFacets: Array<{ value: string; count: number }> }>(FACETS, {
          f: {},
          field,
        })
      ).data!.logFacets;
    const categories = await facets('category');
    expect(categories.reduce((n, f) => n + f.count, 0)).toBe(120);
    expect(categories.map((f) => f.value)).not.toContain('billing');
    expect(await facets('attributes.category')).toEqual([{ value: 'billing', count: 40 }]);
  });

  it('points at the position of a query syntax error', async () => {
    const res = await gql(COUNT, { f: { query: 'service:web AND (level:error' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_SYNTAX_ERROR',
      position: { line: 1, column: expect.any(Number) },
    });
    expect(res.errors?.[0]?.message).toMatch(/\(|parenthes/i);
  });

  it('rejects bad intervals and cursors with clear errors', async () => {
    const hist = await gql(
      `query { logHistogram(filter: {}, interval: "5 parsecs") { count } }`,
      {},
    );
    expect(hist.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const page = await gql(`query { logs(filter: {}, after: "bogus") { totalCount } }`, {});
    expect(page.errors?.[0]?.extensions?.code).toBe('BAD_CURSOR');
  });

  it('refuses callers without a key or without the read scope', async () => {
    const anonymous = await sut.graphql(null, COUNT, { f: {} });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const ingestOnly = await sut.graphql(tenant.ingestKey, COUNT, { f: {} });
    expect(ingestOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
