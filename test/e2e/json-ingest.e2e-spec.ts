import { type TestTenant, TestVigil } from '../support/test-vigil';

interface IngestReply {
  accepted: number;
  rejected: number;
  errors: Array<{ index: number; line?: number; error: string }>;
}

describe('POST /api/v1/logs', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('jsonapi');
  });
  afterAll(() => sut.close());

  const post = async (body: string, contentType: string, query = '') => {
    const res = await fetch(`${sut.url}/api/v1/logs${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.ingestKey}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as IngestReply };
  };
  const bodies = async (query: string) =>
    (
      await sut.graphql<{
        logs: {
          edges: Array<{
            node: { body: string; service: string; dataset: string; format: string };
          }>;
        };
      }>(
        tenant.adminKey,
        `query($q: String) { logs(filter: { query: $q }, first: 100) { edges { node { body service dataset format } } } }`,
        { q: query },
      )
    ).data!.logs.edges.map((e) => e.node);

  it('takes a JSON array, NDJSON and concatenated objects', async () => {
    expect(
      await post(
        JSON.stringify([{ msg: 'shape-array one' }, { msg: 'shape-array two' }]),
        'application/json',
      ),
    ).toEqual({
      status: 200,
      body: { accepted: 2, rejected: 0, errors: [] },
    });
    expect(
      (
        await post(
          '{"msg":"shape-ndjson one"}\n{"msg":"shape-ndjson two"}\n',
          'application/x-ndjson',
        )
      ).body.accepted,
    ).toBe(2);
    expect(
      (await post('{"msg":"shape-stream one"}{"msg":"shape-stream two"}', 'application/json')).body
        .accepted,
    ).toBe(2);
    expect(await bodies('shape*')).toHaveLength(6);
  });

  it('takes raw text lines with a service and dataset from the query string', async () => {
    const res = await post(
      'plain line alpha\r\nplain line beta\n\n',
      'text/plain',
      '?service=legacy&dataset=files',
    );
    expect(res).toEqual({ status: 200, body: { accepted: 2, rejected: 0, errors: [] } });
    expect(await bodies('plain')).toEqual([
      expect.objectContaining({
        body: expect.stringMatching(/plain line/),
        service: 'legacy',
        dataset: 'files',
        format: 'text',
      }),
      expect.objectContaining({ service: 'legacy' }),
    ]);
  });

  it('rejects a malformed line alone, and answers 400 when nothing is valid', async () => {
    const partial = await post(
      '{"msg":"mixed good"}\n{"msg": oops}\n{"msg":"mixed also good"}\n',
      'application/x-ndjson',
    );
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      accepted: 2,
      rejected: 1,
      errors: [{ index: 1, line: 2 }],
    });
    const none = await post('{nope', 'application/json');
    expect(none.status).toBe(400);
    expect(none.body.rejected).toBe(1);
    const unknownFormat = await post('x', 'text/plain', '?format=klingon');
    expect(unknownFormat.status).toBe(400);
  });

  it('requires an ingest key', async () => {
    const res = await fetch(`${sut.url}/api/v1/logs`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(401);
  });
});
