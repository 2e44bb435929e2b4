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
      '{"severity":"warn","message":"mixed-a slow payment provider","provider":"acme","ms":1200}',
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

  it('parses real formats: raw lines, raw Filebeat messages, CRI partials and syslog programs', async () => {
    const nginx = (path: string, status: number) =>
      `203.0.113.7 - - [26/Nov/2026:10:11:12 +0000] "GET ${path} HTTP/1.1" ${status} 512 "-" "curl/8.5.0"`;
    const text = [nginx('/real-a/cart', 200), nginx('/real-a/pay', 502), nginx('/real-a/x', 404)];
    const res = await post('/api/v1/logs?dataset=edge', text.join('\n'), 'text/plain');
    expect(res.body).toMatchObject({ accepted: 3, rejected: 0 });
    const access = await find({ query: 'url.path:"/real-a/pay"' });
    expect(access).toEqual([
      expect.objectContaining({
        format: 'combined',
        severityText: 'error',
        timestamp: '2026-11-26T10:11:12.000Z',
        attributes: expect.objectContaining({
          'http.response.status_code': 502,
          'source.ip': '203.0.113.7',
        }) as unknown,
      }),
    ]);

    // Filebeat tailing the same file: its own @timestamp and fields, the line in `message`.
    const bulk = await fetch(`${sut.url}/es/_bulk`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.ingestKey}`,
        'content-type': 'application/x-ndjson',
      },
      body: ndjson([
        { create: { _index: 'filebeat-nginx' } },
        {
          '@timestamp': '2026-11-26T10:20:00.000Z',
          message: nginx('/real-b/beat', 200),
          host: { name: 'web-1' },
          log: { file: { path: '/var/log/nginx/access.log' } },
        },
      ]),
    });
    expect(bulk.status).toBe(200);
    expect(await find({ query: 'url.path:"/real-b/beat"' })).toEqual([
      expect.objectContaining({
        format: 'combined',
        host: 'web-1',
        timestamp: '2026-11-26T10:11:12.000Z',
        attributes: expect.objectContaining({
          'log.file.path': '/var/log/nginx/access.log',
        }) as unknown,
      }),
    ]);

    // CRI lines, the first one split by the runtime (P), holding an app's logfmt line.
    const cri = [
      '2026-11-26T10:30:00.000000001Z stdout P level=error msg="real-c payment ',
      '2026-11-26T10:30:00.000000002Z stdout F failed" order=77',
      '2026-11-26T10:30:01.000000000Z stderr F level=info msg="real-c retry scheduled" order=77',
    ];
    const criRes = await post('/api/v1/logs?dataset=k8s', cri.join('\n'), 'text/plain');
    expect(criRes.body).toMatchObject({ accepted: 3, rejected: 0 });
    const joined = await find({ query: '"real-c payment failed"' });
    expect(joined).toEqual([
      expect.objectContaining({
        severityText: 'error',
        attributes: expect.objectContaining({ 'log.wrapper': 'cri', order: 77 }) as unknown,
      }),
    ]);

    // A BSD syslog line from sshd: header taken apart, the message read by the sshd sub-parser.
    const sshd =
      '<38>Nov 26 10:40:00 bastion sshd[4242]: Failed password for invalid user admin from 198.51.100.9 port 52211 ssh2';
    await post('/api/v1/logs?dataset=auth', sshd, 'text/plain');
    expect(await find({ query: '"invalid user admin"' })).toEqual([
      expect.objectContaining({
        format: 'syslog-rfc3164',
        service: 'sshd',
        host: 'bastion',
        attributes: expect.objectContaining({
          'event.dataset': 'sshd',
          'source.ip': '198.51.100.9',
          'user.name': 'admin',
        }) as unknown,
      }),
    ]);
  });

  it('lists the formats over GraphQL, for readers only', async () => {
    const query = '{ logFormats { name family description kind sample } }';
    const res = await sut.graphql<{
      logFormats: Array<{ name: string; family: string; kind: string; sample: string }>;
    }>(tenant.adminKey, query);
    expect(res.errors).toBeUndefined();
    const names = res.data!.logFormats.map((f) => f.name);
    expect(names.at(-1)).toBe('text');
    expect(names).toEqual(expect.arrayContaining(['json', 'combined', 'syslog-rfc5424', 'cri']));
    expect(names.length).toBeGreaterThanOrEqual(57);
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
