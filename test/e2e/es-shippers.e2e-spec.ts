import { gzipSync } from 'node:zlib';

import { Client } from '@opensearch-project/opensearch';

import { basicAuth, ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

const LOGS = `query($filter: LogFilter!, $first: Int) {
  logs(filter: $filter, first: $first) { totalCount edges { node { body service host dataset severityText attributes traceId timestamp } } }
}`;

interface LogsData {
  logs: {
    totalCount: number;
    edges: Array<{
      node: {
        body: string;
        service: string;
        host: string;
        dataset: string;
        severityText: string;
        attributes: Record<string, unknown>;
        traceId: string | null;
        timestamp: string;
      };
    }>;
  };
}

describe('Elasticsearch-compatible ingest, as shippers call it', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('shippers');
  });
  afterAll(() => sut.close());

  const find = async (query: string) => {
    const res = await sut.graphql<LogsData>(tenant.adminKey, LOGS, {
      filter: { query },
      first: 100,
    });
    expect(res.errors).toBeUndefined();
    return res.data!.logs;
  };

  it('takes documents from the official OpenSearch client helpers.bulk', async () => {
    const client = new Client({
      node: sut.esUrl,
      auth: { username: 'vigil', password: tenant.ingestKey },
    });
    const docs = Array.from({ length: 250 }, (_, i) => ({
      '@timestamp': new Date(Date.now() - i * 1000).toISOString(),
      message: `helpers bulk document number ${i}`,
      level: i % 10 === 0 ? 'ERROR' : 'info',
      service: { name: 'checkout' },
      host: { name: 'web-1' },
    }));
    const result = await client.helpers.bulk({
      datasource: docs,
      onDocument: () => ({ create: { _index: 'app-logs' } }),
      flushBytes: 10_000,
    });
    expect(result.failed).toBe(0);
    expect(result.successful).toBe(250);

    const logs = await find('helpers AND bulk');
    expect(logs.totalCount).toBe(250);
    const node = logs.edges[0]!.node;
    expect(node).toMatchObject({ service: 'checkout', host: 'web-1', dataset: 'app-logs' });
  });

  it('answers a Fluent Bit es output: gzip NDJSON create with _type, Basic auth, compact items', async () => {
    const body = ndjson([
      { create: { _index: 'fluent-bit', _type: '_doc' } },
      {
        '@timestamp': '2026-11-26T08:00:00.000Z',
        log: 'fluentbit line one',
        stream: 'stdout',
        kubernetes: { pod_name: 'api-7f9c', namespace_name: 'prod' },
      },
      { create: { _index: 'fluent-bit', _type: '_doc' } },
      { '@timestamp': '2026-11-26T08:00:01.000Z', log: 'fluentbit line two', stream: 'stderr' },
    ]);
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'content-encoding': 'gzip',
        'user-agent': 'Fluent-Bit',
        authorization: basicAuth(tenant.ingestKey, 'fluent'),
      },
      body: gzipSync(body),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const text = await res.text();
    const json = JSON.parse(text) as {
      errors: boolean;
      items: Array<Record<string, { status: number }>>;
    };
    expect(json.errors).toBe(false);
    expect(json.items).toHaveLength(2);
    for (const item of json.items) {
      expect(Object.keys(item)).toEqual(['create']);
      expect(item.create!.status).toBe(201);
    }
    // Compact items: a 5,000-record chunk's response must fit Fluent Bit's default 512 KiB buffer.
    for (const item of json.items) expect(JSON.stringify(item).length).toBeLessThanOrEqual(100);

    const logs = await find('fluentbit');
    expect(logs.totalCount).toBe(2);
    const one = logs.edges.find((e) => e.node.body === 'fluentbit line one')!.node;
    expect(one.attributes).toMatchObject({ 'kubernetes.pod_name': 'api-7f9c', stream: 'stdout' });
    expect(one.timestamp).toBe('2026-11-26T08:00:00.000Z');
  });

  it('walks Logstash through its start-up probes and takes its gzip bulk', async () => {
    const auth = `ApiKey ${Buffer.from(`logstash-id:${tenant.ingestKey}`).toString('base64')}`;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${sut.esUrl}${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    expect((await call('HEAD', '/')).status).toBe(200);
    const root = await call('GET', '/');
    expect(root.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const info = (await root.json()) as {
      version: { number: string; build_flavor: string };
      tagline: string;
    };
    expect(Number(info.version.number.split('.')[0])).toBeGreaterThanOrEqual(8);
    expect(info.version.build_flavor).toBe('default');
    expect(info.tagline).toBe('You Know, for Search');
    const license = (await (await call('GET', '/_license')).json()) as {
      license: { status: string };
    };
    expect(license.license.status).toBe('active');
    expect((await call('HEAD', '/_index_template/ecs-logstash')).status).toBe(404);
    expect(
      await (
        await call('PUT', '/_index_template/ecs-logstash', { index_patterns: ['ecs-logstash-*'] })
      ).json(),
    ).toEqual({ acknowledged: true });
    expect((await call('HEAD', '/ecs-logstash')).status).toBe(404);
    expect(
      (
        await call('PUT', '/%3Cecs-logstash-%7Bnow%2Fd%7D-000001%3E', {
          aliases: { 'ecs-logstash': { is_write_index: true } },
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', '/_ilm/policy/logstash-policy')).status).toBe(404);
    expect((await call('PUT', '/_ilm/policy/logstash-policy', { policy: {} })).status).toBe(200);
    expect((await call('GET', '/_cluster/health')).status).toBe(200);

    const body = ndjson([
      { index: { _index: 'ecs-logstash' } },
      {
        '@timestamp': '2026-11-26T09:00:00.000Z',
        message: 'logstash shipped event',
        log: { level: 'warn' },
        event: { original: 'x' },
        '@version': '1',
      },
    ]);
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-elastic-event-count': '1',
        'x-elastic-uncompressed-request-length': String(body.length),
      },
      body: gzipSync(body),
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { errors: boolean; items: unknown[] };
    expect(json).toMatchObject({ errors: false });
    expect(json.items).toHaveLength(1);

    const logs = await find('"logstash shipped event"');
    expect(logs.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ dataset: 'ecs-logstash', severityText: 'warn' }),
    ]);
  });

  it('honours Filebeat filter_path and its start-up calls, under /es on the main port too', async () => {
    const auth = `ApiKey ${Buffer.from(`fb:${tenant.ingestKey}`).toString('base64')}`;
    for (const base of [sut.esUrl, `${sut.url}/es`]) {
      const call = (method: string, path: string) =>
        fetch(`${base}${path}`, {
          method,
          headers: { authorization: auth, accept: 'application/json' },
        });
      expect((await call('GET', '/')).status).toBe(200);
      expect((await call('GET', '/_ilm/policy/filebeat')).status).toBe(404);
      expect((await call('PUT', '/_ilm/policy/filebeat')).status).toBe(200);
      expect((await call('HEAD', '/_index_template/filebeat-8.17.0')).status).toBe(404);
      expect((await call('PUT', '/_index_template/filebeat-8.17.0')).status).toBe(200);
      expect((await call('GET', '/_data_stream/filebeat-8.17.0')).status).toBe(404);
      expect((await call('PUT', '/_data_stream/filebeat-8.17.0')).status).toBe(200);
    }
    const res = await fetch(`${sut.url}/es/_bulk?filter_path=errors,items.*.error,items.*.status`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json; charset=UTF-8' },
      body: ndjson([
        { create: { _index: 'filebeat-8.17.0' } },
        {
          '@timestamp': '2026-11-26T10:00:00.000Z',
          message: 'filebeat harvested line',
          host: { name: 'fb-host' },
        },
        { create: { _index: 'filebeat-8.17.0' } },
        '{"message": broken json',
      ]),
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as {
      errors: boolean;
      items: Array<{ create: Record<string, unknown> }>;
    };
    expect(json.errors).toBe(true);
    expect(json.items[0]).toEqual({ create: { status: 201 } });
    expect(json.items[1]!.create).toMatchObject({
      status: 400,
      error: { type: 'mapper_parsing_exception' },
    });
    expect((await find('harvested')).totalCount).toBe(1);
  });

  it('serves an OpenSearch-flavoured root to OpenSearch shippers', async () => {
    const res = await fetch(`${sut.esUrl}/`, {
      headers: {
        authorization: `Bearer ${tenant.ingestKey}`,
        'user-agent': 'logstash-output-opensearch/2.0.2',
      },
    });
    const info = (await res.json()) as { version: { distribution?: string; number: string } };
    expect(info.version.distribution).toBe('opensearch');
    expect(info.version.number.startsWith('2.')).toBe(true);
  });
});
