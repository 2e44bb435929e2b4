import { gzipSync } from 'node:zlib';

import { parse } from 'protobufjs';
import { compressSync } from 'snappy';

import { type TestTenant, TestVigil } from '../support/test-vigil';

/** Loki's pkg/push/push.proto, as Promtail and Alloy compile it (gogoproto options left out). */
const PUSH_PROTO = `
syntax = "proto3";
package logproto;
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter {
  string labels = 1;
  repeated EntryAdapter entries = 2;
  uint64 hash = 3;
}
message EntryAdapter {
  google.protobuf.Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
}
message LabelPairAdapter { string name = 1; string value = 2; }
`;
// google/protobuf/timestamp.proto, which push.proto imports.
const TIMESTAMP_PROTO = `
syntax = "proto3";
package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;
const protoRoot = parse(TIMESTAMP_PROTO, { keepCase: true }).root;
parse(PUSH_PROTO, protoRoot, { keepCase: true });
const PushRequest = protoRoot.lookupType('logproto.PushRequest');

const LOGS = `query($filter: LogFilter!) {
  logs(filter: $filter, first: 100) { edges { node {
    body service host dataset severityText attributes traceId spanId timestamp
  } } }
}`;

interface LogNode {
  body: string;
  service: string;
  host: string;
  dataset: string;
  severityText: string;
  attributes: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  timestamp: string;
}

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('Loki push (POST /loki/api/v1/push)', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let other: TestTenant;
  const now = Date.now() - 60_000;
  const nanos = (ms: number) => `${ms}000000`;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('loki');
    other = await sut.createTenant('loki-other');
  });
  afterAll(() => sut.close());

  const find = async (query: string, key = tenant.adminKey): Promise<LogNode[]> => {
    const res = await sut.graphql<{ logs: { edges: Array<{ node: LogNode }> } }>(key, LOGS, {
      filter: { query },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.logs.edges.map((e) => e.node);
  };

  const push = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${sut.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, ...headers },
      body,
    });

  const protoBody = (streams: unknown[]) =>
    compressSync(Buffer.from(PushRequest.encode(PushRequest.fromObject({ streams })).finish()));

  it('takes a JSON push with labels and structured metadata', async () => {
    const body = {
      streams: [
        {
          stream: {
            job: 'checkout-logs',
            app: 'checkout',
            host: 'web-3',
            env: 'prod',
            tenant: other.slug,
          },
          values: [
            [nanos(now), 'loki-json first line', { trace_id: TRACE_ID, user: 'u-42' }],
            [nanos(now + 1), 'loki-json second line'],
          ],
        },
      ],
    };
    const res = await push(JSON.stringify(body), {
      'content-type': 'application/json',
      'x-scope-orgid': other.slug,
    });
    expect(res.status).toBe(204);

    const records = await find('"loki-json"');
    expect(records).toHaveLength(2);
    expect(records.find((r) => r.body === 'loki-json first line')).toEqual({
      body: 'loki-json first line',
      service: 'checkout',
      host: 'web-3',
      dataset: 'checkout-logs',
      severityText: '',
      traceId: TRACE_ID,
      spanId: null,
      timestamp: new Date(now).toISOString(),
      attributes: {
        'labels.job': 'checkout-logs',
        'labels.app': 'checkout',
        'labels.host': 'web-3',
        'labels.env': 'prod',
        'labels.tenant': other.slug,
        'metadata.user': 'u-42',
      },
    });
    // Neither the label nor X-Scope-OrgID moved anything into the other tenant.
    expect(await find('"loki-json"', other.adminKey)).toEqual([]);
  });

  it('takes a gzip JSON push', async () => {
    const body = gzipSync(
      JSON.stringify({
        streams: [{ stream: { service_name: 'gz' }, values: [[nanos(now), 'loki-gzip line']] }],
      }),
    );
    const res = await push(body, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(204);
    expect(await find('"loki-gzip line"')).toEqual([
      expect.objectContaining({ service: 'gz', dataset: 'loki' }),
    ]);
  });

  it('takes a snappy protobuf push, as Promtail and Alloy send it', async () => {
    const body = protoBody([
      {
        labels: '{job="varlogs", service_name="api", instance="node-1", level="warn", tenant="x"}',
        entries: [
          {
            timestamp: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 + 789 },
            line: 'loki-proto GET /health 200',
            structuredMetadata: [
              { name: 'traceID', value: TRACE_ID },
              { name: 'pod', value: 'api-7f9c' },
            ],
          },
        ],
      },
      {
        labels: '{dataset="audit", app="gate", msg="say \\"hi\\"\\n"}',
        entries: [
          { timestamp: { seconds: Math.floor(now / 1000) }, line: 'loki-proto audit line' },
        ],
      },
    ]);
    const res = await push(body, { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(204);

    const [api] = await find('"loki-proto GET"');
    expect(api).toMatchObject({
      service: 'api',
      host: 'node-1',
      dataset: 'varlogs',
      severityText: 'warn',
      traceId: TRACE_ID,
      timestamp: new Date(now).toISOString(),
      attributes: expect.objectContaining({ 'labels.tenant': 'x', 'metadata.pod': 'api-7f9c' }),
    });
    const [audit] = await find('"loki-proto audit"');
    expect(audit).toMatchObject({
      service: 'gate',
      dataset: 'audit',
      attributes: expect.objectContaining({ 'labels.msg': 'say "hi"\n' }),
    });
  });

  it('treats a body without Content-Type as snappy protobuf, as Loki does', async () => {
    const body = protoBody([
      {
        labels: '{job="bare"}',
        entries: [{ timestamp: { seconds: Math.floor(now / 1000) }, line: 'loki-bare line' }],
      },
    ]);
    const res = await fetch(`${sut.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}` },
      body,
    });
    expect(res.status).toBe(204);
    expect(await find('"loki-bare line"')).toHaveLength(1);
  });

  it('stores the good entries and answers 400 listing the bad ones', async () => {
    const json = await push(
      JSON.stringify({
        streams: [
          {
            stream: { job: 'mixed' },
            values: [
              [nanos(now), 'loki-mixed good'],
              ['yesterday', 'loki-mixed bad time'],
              [nanos(now), 42],
            ],
          },
          { stream: {}, values: [[nanos(now), 'loki-mixed no labels']] },
        ],
      }),
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(400);
    const text = await json.text();
    expect(text).toMatch(/^3 of 4 entries rejected/);
    expect(text).toContain(
      'streams[0].values[1]: the timestamp must be a string of Unix nanoseconds',
    );
    expect(text).toContain('streams[0].values[2]: the line must be a string');
    expect(text).toContain('streams[1].values[0]: at least one label pair is required');
    expect((await find('"loki-mixed"')).map((r) => r.body)).toEqual(['loki-mixed good']);

    const proto = await push(
      protoBody([
        { labels: '{job="ok"}', entries: [{ line: 'loki-labels good stream' }] },
        { labels: '{job=unquoted}', entries: [{ line: 'loki-labels bad stream' }] },
      ]),
      { 'content-type': 'application/x-protobuf' },
    );
    expect(proto.status).toBe(400);
    expect(await proto.text()).toContain('streams[1].entries[0]: invalid labels');
    expect((await find('"loki-labels"')).map((r) => r.body)).toEqual(['loki-labels good stream']);
  });

  it('answers 400 to undecodable bodies and stays healthy', async () => {
    const badSnappy = await push(Buffer.from('definitely not snappy'), {
      'content-type': 'application/x-protobuf',
    });
    expect(badSnappy.status).toBe(400);
    expect(await badSnappy.text()).toMatch(/snappy/);

    const garbageProto = await push(compressSync(Buffer.from([0x0a, 0xff, 0xff, 0x03])), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbageProto.status).toBe(400);
    expect(await garbageProto.text()).toMatch(/PushRequest/);

    // A snappy header claiming a huge body is refused before decompressing.
    const bomb = await push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), {
      'content-type': 'application/x-protobuf',
    });
    expect(bomb.status).toBe(413);

    const badJson = await push('{"streams": [', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(await badJson.text()).toMatch(/not valid JSON/);

    const noStreams = await push('{"values": []}', { 'content-type': 'application/json' });
    expect(noStreams.status).toBe(400);

    expect((await fetch(`${sut.url}/healthz`)).status).toBe(200);
  });

  it('requires an ingest credential', async () => {
    const res = await fetch(`${sut.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-scope-orgid': tenant.slug },
      body: '{"streams":[]}',
    });
    expect(res.status).toBe(401);
  });
});
