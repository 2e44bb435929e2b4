import { gzipSync } from 'node:zlib';

import { basicAuth, type TestTenant, TestVigil } from '../support/test-vigil';

const LOGS = `query($q: String) {
  logs(filter: { query: $q }, first: 100) { edges { node { body service host severityText timestamp attributes } } }
}`;

interface LogNode {
  body: string;
  service: string;
  host: string;
  severityText: string;
  timestamp: string;
  attributes: Record<string, unknown>;
}

/**
 * Bodies exactly as Fluent Bit's `http` output (plugins/out_http, src/flb_pack.c) writes them:
 * `json` is an array, `json_lines` one object per line, `json_stream` objects with no separator,
 * `gelf` one GELF object per line; the record time is under `date` as epoch seconds (a double)
 * unless `json_date_format` says otherwise.
 */
describe('Fluent Bit http output on POST /api/v1/logs', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  // Whole microseconds, as flb_time_to_double prints them.
  const seconds = Math.floor(Date.now() / 1000) - 120 + 0.123456;
  const expectedTime = new Date(Math.floor(seconds * 1000)).toISOString();

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('fluentbit');
  });
  afterAll(() => sut.close());

  const find = async (q: string): Promise<LogNode[]> => {
    const res = await sut.graphql<{ logs: { edges: Array<{ node: LogNode }> } }>(
      tenant.adminKey,
      LOGS,
      { q },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.logs.edges.map((e) => e.node);
  };

  /** The headers out_http sends: its User-Agent, HTTP_User/HTTP_Passwd as Basic, the format's type. */
  const send = async (
    body: string | Buffer,
    contentType: string,
    extra: Record<string, string> = {},
  ) => {
    const res = await fetch(`${sut.url}/api/v1/logs?service=fb-node`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'user-agent': 'Fluent-Bit',
        authorization: basicAuth(tenant.ingestKey, 'fluent'),
        ...extra,
      },
      body,
    });
    return {
      status: res.status,
      body: (await res.json()) as { accepted: number; rejected: number },
    };
  };

  it('takes `format json` (an array) with the date as epoch seconds', async () => {
    const body =
      `[{"date":${seconds.toFixed(6)},"log":"fb-json first line","stream":"stdout"},` +
      `{"date":${seconds.toFixed(6)},"log":"fb-json second line","level":"error"}]`;
    expect(await send(body, 'application/json')).toEqual({
      status: 200,
      body: { accepted: 2, rejected: 0, errors: [] },
    });
    const found = await find('"fb-json"');
    expect(found).toHaveLength(2);
    for (const r of found) expect(r.timestamp).toBe(expectedTime);
    expect(found.find((r) => r.body === 'fb-json second line')).toMatchObject({
      severityText: 'error',
      service: 'fb-node',
    });
  });

  it('takes `format json_lines` (application/x-ndjson)', async () => {
    const body =
      `{"date":${seconds.toFixed(6)},"log":"fb-lines one"}\n` +
      `{"date":${seconds.toFixed(6)},"log":"fb-lines two"}\n`;
    expect((await send(body, 'application/x-ndjson')).body.accepted).toBe(2);
    expect((await find('"fb-lines"')).map((r) => r.timestamp)).toEqual([
      expectedTime,
      expectedTime,
    ]);
  });

  it('takes `format json_stream` (objects with no separator) and `Compress gzip`', async () => {
    const body = gzipSync(
      `{"date":${seconds.toFixed(6)},"log":"fb-stream one"}{"date":${seconds.toFixed(6)},"log":"fb-stream two"}`,
    );
    expect(
      (await send(body, 'application/json', { 'content-encoding': 'gzip' })).body.accepted,
    ).toBe(2);
    expect(await find('"fb-stream"')).toHaveLength(2);
  });

  it('takes `format gelf` lines', async () => {
    const body = `{"version":"1.1","host":"node-9","short_message":"fb-gelf disk almost full","level":4,"timestamp":${seconds.toFixed(6)},"_mount":"/var"}\n`;
    expect((await send(body, 'application/json')).body.accepted).toBe(1);
    expect(await find('"fb-gelf disk"')).toEqual([
      expect.objectContaining({
        host: 'node-9',
        severityText: 'warn',
        timestamp: expectedTime,
        attributes: expect.objectContaining({ _mount: '/var', version: '1.1' }),
      }),
    ]);
  });

  it.each([
    ['iso8601', `"${new Date(Math.floor(seconds * 1000)).toISOString().replace('Z', '000Z')}"`],
    [
      'java_sql_timestamp',
      `"${new Date(Math.floor(seconds * 1000)).toISOString().replace('T', ' ').replace('Z', '000')}"`,
    ],
    ['epoch_ms', String(Math.floor(seconds * 1000))],
  ])('reads the date in json_date_format %s', async (format, date) => {
    const body = `[{"date":${date},"log":"fb-date-${format} line"}]`;
    expect((await send(body, 'application/json')).body.accepted).toBe(1);
    expect((await find(`"fb-date-${format} line"`)).map((r) => r.timestamp)).toEqual([
      expectedTime,
    ]);
  });

  it('answers 400 to a malformed chunk, which Fluent Bit drops instead of retrying', async () => {
    const res = await send('[{"date":1700000000.5,"log":"fb-bad" ', 'application/json');
    expect(res.status).toBe(400);
  });
});
