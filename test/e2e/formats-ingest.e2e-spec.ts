import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const LOGS = `query($filter: LogFilter!) {
  logs(filter: $filter, first: 100) {
    edges { node { id body format service host severityText attributes timestamp } }
  }
}`;

interface Node {
  id: string;
  body: string;
  format: string;
  service: string;
  host: string;
  severityText: string;
  attributes: Record<string, unknown>;
  timestamp: string;
}

const JAVA_TRACE = [
  'Exception in thread "main" java.lang.IllegalStateException: order 991 has no lines',
  '\tat com.shop.orders.OrderService.place(OrderService.java:57)',
  '\tat com.shop.orders.OrderController.post(OrderController.java:31)',
  'Caused by: java.lang.IndexOutOfBoundsException: Index 0 out of bounds for length 0',
  '\tat java.base/java.util.ArrayList.get(ArrayList.java:427)',
  '\t... 2 more',
];

describe('format detection in the ingest pipeline', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('formats');
  });
  afterAll(() => sut.close());

  const post = async (path: string, body: string, contentType: string) => {
    const res = await fetch(`${sut.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const find = async (filter: Record<string, unknown>): Promise<Node[]> => {
    const res = await sut.graphql<{ logs: { edges: Array<{ node: Node }> } }>(
      tenant.adminKey,
      LOGS,
      { filter },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.logs.edges.map((e) => e.node);
  };

  it('joins a Java stack trace in raw text lines into one record; other lines stay text', async () => {
    const body = [
      'mixed-a starting order worker',
      ...JAVA_TRACE,
      '{"level":"warn","msg":"mixed-a slow payment provider","provider":"acme","ms":1200}',
      'mixed-a worker stopped',
    ].join('\n');
    const res = await post('/api/v1/logs?service=orders&dataset=files', body, 'text/plain');
    // Every line is accounted for, the trace's lines with their record.
    expect(res).toEqual({ status: 200, body: { accepted: 9, rejected: 0, errors: [] } });

    const trace = await find({ query: '"order 991"' });
    expect(trace).toEqual([
      expect.objectContaining({ body: JAVA_TRACE.join('\n'), format: 'text', service: 'orders' }),
    ]);
    const json = await find({ query: 'mixed-a', formats: ['json'] });
    expect(json).toEqual([
      expect.objectContaining({
        body: 'mixed-a slow payment provider',
        severityText: 'warn',
        attributes: expect.objectContaining({ provider: 'acme', ms: 1200 }) as unknown,
      }),
    ]);
    expect((await find({ query: 'mixed-a', formats: ['text'] })).map((n) => n.body).sort()).toEqual(
      ['mixed-a starting order worker', 'mixed-a worker stopped'],
    );
  });

  it('pins a format with ?format= and refuses an unknown one', async () => {
    const pinned = await post(
      '/api/v1/logs?format=text',
      '{"msg":"pinned-b stays a line"}\n\tat pinned-b.Frame(X.java:1)\n',
      'text/plain',
    );
    expect(pinned.body).toMatchObject({ accepted: 2, rejected: 0 });
    const records = await find({ query: 'pinned*' });
    expect(records).toEqual([
      expect.objectContaining({
        body: '{"msg":"pinned-b stays a line"}\n\tat pinned-b.Frame(X.java:1)',
        format: 'text',
      }),
    ]);
    const unknown = await post('/api/v1/logs?format=no-such-format', 'x', 'text/plain');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/unknown format "no-such-format"/);
  });

  it('takes ES bulk documents whose message is a raw line, one item per action', async () => {
    const ts = '2026-11-26T10:00:00.000Z';
    const res = await post(
      '/es/_bulk',
      ndjson([
        { create: { _index: 'filebeat-files' } },
        {
          '@timestamp': ts,
          message: 'bulk-c worker 7 picked job 4411',
          host: { name: 'node-3' },
          log: { file: { path: '/var/log/worker.log' } },
          agent: { type: 'filebeat' },
        },
        { create: { _index: 'filebeat-files' } },
        {
          '@timestamp': ts,
          message: 'bulk-c worker 7 finished job 4411',
          host: { name: 'node-3' },
        },
      ]),
      'application/x-ndjson',
    );
    expect(res.status).toBe(200);
    const items = res.body.items as Array<{ create: { status: number; _id: string } }>;
    expect(items.map((i) => i.create.status)).toEqual([201, 201]);
    expect(new Set(items.map((i) => i.create._id)).size).toBe(2);
    const records = await find({ query: 'bulk-c' });
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r).toMatchObject({ format: 'json', host: 'node-3', timestamp: ts });
    }
    expect(records.find((r) => r.body.includes('picked'))?.attributes).toMatchObject({
      'log.file.path': '/var/log/worker.log',
      'agent.type': 'filebeat',
    });
  });

  it('lists the formats over GraphQL, for readers only', async () => {
    const query = '{ logFormats { name family description kind sample } }';
    const res = await sut.graphql<{
      logFormats: Array<{ name: string; family: string; kind: string; sample: string }>;
    }>(tenant.adminKey, query);
    expect(res.errors).toBeUndefined();
    const names = res.data!.logFormats.map((f) => f.name);
    expect(names.slice(-2)).toEqual(['json', 'text']);
    expect(res.data!.logFormats.find((f) => f.name === 'text')).toMatchObject({
      family: 'text',
      kind: 'line',
      sample: expect.any(String) as unknown,
    });
    const anonymous = await sut.graphql(null, query);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('counts records per format in the metrics', async () => {
    const text = await (await fetch(`${sut.url}/metrics`)).text();
    expect(text).toMatch(/^vigil_format_lines_total\{format="text"\} [1-9]/m);
    expect(text).toMatch(/^vigil_format_streams [1-9]/m);
  });
});
