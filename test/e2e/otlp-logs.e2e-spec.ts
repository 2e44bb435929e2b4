import { gzipSync } from 'node:zlib';

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { SeverityNumber } from '@opentelemetry/api-logs';

import {
  ExportLogsServiceRequest,
  ExportLogsServiceResponse,
  RpcStatus,
} from 'src/modules/ingest/parsing/otlp-logs.schema';

import { type TestTenant, TestVigil } from '../support/test-vigil';

const LOGS = `query($filter: LogFilter!) {
  logs(filter: $filter, first: 100) { edges { node {
    body service host dataset format severityNumber severityText attributes traceId spanId timestamp
  } } }
}`;

interface LogNode {
  body: string;
  service: string;
  host: string;
  dataset: string;
  format: string;
  severityNumber: number;
  severityText: string;
  attributes: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  timestamp: string;
}

const run = promisify(execFile);
const EMITTER = join(__dirname, '..', 'support', 'otel-log-emitter.js');
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
/** An hour ago, to the millisecond, well inside the retention. */
const AN_HOUR_AGO = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000 + 123);
const AN_HOUR_AGO_NS = `${AN_HOUR_AGO.getTime() - 123}000000`;
const CREATE_KEY = `mutation($name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(name: $name, scopes: $scopes) { secret }
}`;
const SPAN_ID = 'eee19b7ec3c1b174';

describe('OTLP/HTTP logs (POST /v1/logs)', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let other: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('otlp');
    other = await sut.createTenant('otlp-other');
  });
  afterAll(() => sut.close());

  const find = async (query: string, key = tenant.adminKey): Promise<LogNode[]> => {
    const res = await sut.graphql<{ logs: { edges: Array<{ node: LogNode }> } }>(key, LOGS, {
      filter: { query },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.logs.edges.map((e) => e.node);
  };

  const post = (body: Buffer | string, headers: Record<string, string>, key = tenant.ingestKey) =>
    fetch(`${sut.url}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, ...headers },
      body,
    });

  /** Sends records through the real SDK and exporter, in a Node process of their own. */
  async function emitWith(protocol: 'json' | 'protobuf', body: string): Promise<void> {
    const input = {
      url: `${sut.url}/v1/logs`,
      key: tenant.ingestKey,
      protocol,
      resource: {
        'service.name': 'checkout',
        'host.name': 'web-7',
        'deployment.environment': 'prod',
        tenant: other.slug,
        'tenant.id': other.id,
      },
      scope: { name: 'payments', version: '1.4.2' },
      records: [
        {
          severityNumber: SeverityNumber.WARN2,
          severityText: 'WARN',
          body,
          attributes: { 'http.method': 'POST', attempt: 3, retry: true, cart: { items: 2 } },
          timestamp: AN_HOUR_AGO.getTime(),
          traceId: TRACE_ID,
          spanId: SPAN_ID,
        },
        {
          severityNumber: SeverityNumber.ERROR,
          body: { event: 'refund', amount: 12.5 },
          attributes: { 'order.id': `${body}-structured` },
        },
      ],
    };
    const { stdout } = await run(process.execPath, [EMITTER, JSON.stringify(input)]);
    // ExportResultCode.SUCCESS is 0, one result per record (SimpleLogRecordProcessor).
    expect(JSON.parse(stdout)).toEqual([{ code: 0 }, { code: 0 }]);
  }

  it.each(['json', 'protobuf'] as const)(
    'takes records from the OpenTelemetry JS SDK exporter over %s',
    async (protocol) => {
      const body = `otel-sdk-${protocol} card declined`;
      await emitWith(protocol, body);

      const [warn] = await find(`"${body}"`);
      expect(warn).toEqual({
        body,
        service: 'checkout',
        host: 'web-7',
        dataset: 'otlp',
        format: 'otlp',
        severityNumber: 14,
        severityText: 'warn',
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        timestamp: AN_HOUR_AGO.toISOString(),
        attributes: expect.objectContaining({
          'http.method': 'POST',
          attempt: 3,
          retry: true,
          'cart.items': 2,
          'otel.flags': 1,
          'resource.deployment.environment': 'prod',
          'resource.tenant': other.slug,
          'resource.tenant.id': other.id,
          'scope.name': 'payments',
          'scope.version': '1.4.2',
        }),
      });
      expect(warn!.attributes).not.toHaveProperty('service.name');

      const [structured] = await find(`order.id:"${body}-structured"`);
      expect(structured).toMatchObject({ severityText: 'error', service: 'checkout' });
      expect(JSON.parse(structured!.body)).toEqual({ event: 'refund', amount: 12.5 });

      // The resource attributes named the other tenant: nothing landed there.
      expect(await find(`"${body}"`, other.adminKey)).toEqual([]);
    },
  );

  it('rejects a record with a bad field alone, with partialSuccess in JSON', async () => {
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
          scopeLogs: [
            {
              scope: { name: 'raw-json' },
              logRecords: [
                {
                  timeUnixNano: AN_HOUR_AGO_NS,
                  severityNumber: 9,
                  body: { stringValue: 'partial-json good one' },
                  attributes: [{ key: 'n', value: { intValue: '12' } }],
                  traceId: TRACE_ID.toUpperCase(),
                  unknownField: 'ignored',
                },
                { body: { stringValue: 'partial-json bad trace' }, traceId: 'xyz' },
                {
                  timeUnixNano: Number(AN_HOUR_AGO_NS),
                  severityText: 'warning',
                  body: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } },
                  attributes: [{ key: 'marker', value: { stringValue: 'partial-json third' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post(JSON.stringify(request), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage: expect.stringContaining(
          'resourceLogs[0].scopeLogs[0].logRecords[1]: traceId must be 32 hex digits',
        ),
      },
    });
    const [good] = await find('"partial-json good one"');
    expect(good).toMatchObject({
      service: 'billing',
      severityText: 'info',
      traceId: TRACE_ID,
      timestamp: new Date(AN_HOUR_AGO.getTime() - 123).toISOString(),
      attributes: { n: 12, 'scope.name': 'raw-json' },
    });
    const [third] = await find('marker:"partial-json third"');
    expect(third).toMatchObject({ severityText: 'warn', body: '{"k":false}' });
    expect(await find('"partial-json bad trace"')).toEqual([]);
  });

  it('answers partialSuccess in protobuf for a protobuf request, and gzip is accepted', async () => {
    const message = ExportLogsServiceRequest.fromObject({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'partial-proto kept' }, severityNumber: 17 },
                { body: { stringValue: 'partial-proto dropped' }, spanId: Buffer.alloc(3, 1) },
              ],
            },
          ],
        },
      ],
    });
    const bytes = Buffer.from(ExportLogsServiceRequest.encode(message).finish());
    const res = await post(gzipSync(bytes), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    const reply = ExportLogsServiceResponse.toObject(
      ExportLogsServiceResponse.decode(Buffer.from(await res.arrayBuffer())),
      { longs: Number },
    );
    expect(reply).toEqual({
      partialSuccess: {
        rejectedLogRecords: 1,
        errorMessage: expect.stringContaining('spanId must be 8 bytes, got 3'),
      },
    });
    expect(await find('"partial-proto kept"')).toEqual([
      expect.objectContaining({ severityText: 'error' }),
    ]);
  });

  it('answers an empty request with an empty response', async () => {
    const proto = await post(Buffer.alloc(0), { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(200);
    expect((await proto.arrayBuffer()).byteLength).toBe(0);
    const json = await post('{}', { 'content-type': 'application/json' });
    expect(await json.json()).toEqual({});
  });

  it('answers 400 with a google.rpc.Status for undecodable bodies and stays healthy', async () => {
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    const status = RpcStatus.toObject(RpcStatus.decode(Buffer.from(await garbage.arrayBuffer())));
    expect(status).toMatchObject({
      code: 3,
      message: expect.stringMatching(/ExportLogsServiceRequest/),
    });

    const badJson = await post('{"resourceLogs": [', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ code: 3, message: expect.stringMatching(/JSON/) });

    const wrongShape = await post('{"resourceLogs": {"a": 1}}', {
      'content-type': 'application/json',
    });
    expect(wrongShape.status).toBe(400);

    const badGzip = await post('not gzip', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(badGzip.status).toBe(400);

    const unsupported = await post('x', { 'content-type': 'text/plain' });
    expect(unsupported.status).toBe(415);

    const health = await fetch(`${sut.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('answers 401 without a credential and 403 without the ingest permission', async () => {
    const anonymous = await fetch(`${sut.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 16 });
    const created = await sut.graphql<{ createApiKey: { secret: string } }>(
      tenant.adminKey,
      CREATE_KEY,
      { name: 'reader', scopes: ['READ'] },
    );
    const readOnly = await post(
      '{}',
      { 'content-type': 'application/json' },
      created.data!.createApiKey.secret,
    );
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ code: 7 });
  });
});

describe('OTLP/HTTP logs under throttling', () => {
  it('answers 429 with Retry-After and a RESOURCE_EXHAUSTED status in the request encoding', async () => {
    const sut = await TestVigil.start({ RATE_LIMIT_INGEST_REQUESTS_PER_SECOND: '1' });
    try {
      const tenant = await sut.createTenant('otlp-throttled');
      const post = () =>
        fetch(`${sut.url}/v1/logs`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tenant.ingestKey}`,
            'content-type': 'application/x-protobuf',
          },
          body: Buffer.alloc(0),
        });
      let res = await post();
      // The burst holds 5 requests; the next ones are over the limit.
      for (let i = 0; i < 10 && res.status === 200; i++) res = await post();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const status = RpcStatus.toObject(RpcStatus.decode(Buffer.from(await res.arrayBuffer())));
      expect(status).toMatchObject({ code: 8, message: expect.stringMatching(/rate limit/) });
    } finally {
      await sut.close();
    }
  });
});
