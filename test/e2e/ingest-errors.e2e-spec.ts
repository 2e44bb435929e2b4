import { gzipSync } from 'node:zlib';

import { ndjson, type TestTenant, TestVigil } from '../support/test-vigil';

type BulkItem = Record<string, { status: number; error?: { type: string; reason: string } }>;

describe('bad ingest input is rejected alone', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    sut = await TestVigil.start({ INGEST_MAX_BODY_BYTES: String(64 * 1024) });
    tenant = await sut.createTenant('errors');
  });
  afterAll(() => sut.close());

  const bulk = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.ingestKey}`,
        'content-type': 'application/x-ndjson',
        ...headers,
      },
      body,
    });
  const total = async (query: string) =>
    (
      await sut.graphql<{ logs: { totalCount: number } }>(
        tenant.adminKey,
        `query($q: String) { logs(filter: { query: $q }, first: 0) { totalCount } }`,
        { q: query },
      )
    ).data!.logs.totalCount;

  it('fails only the malformed line, invalid record, unknown action and unsupported action', async () => {
    const body = [
      JSON.stringify({ index: { _index: 'bad' } }),
      JSON.stringify({ message: 'badbatch good one' }),
      '{"index": {"_index": "bad"', // malformed action line; its next line is a valid action, so nothing else is consumed
      JSON.stringify({ create: { _index: 'bad' } }),
      '{"message": "unterminated',
      JSON.stringify({ upsert: { _index: 'bad' } }),
      JSON.stringify({ message: 'swallowed as the unknown action document' }),
      JSON.stringify({ delete: { _index: 'bad', _id: '1' } }),
      JSON.stringify({ create: { _index: 'bad' } }),
      JSON.stringify(['not', 'an', 'object']),
      JSON.stringify({ create: {} }),
      JSON.stringify({ message: 'no index anywhere' }),
      JSON.stringify({ create: { _index: 'bad' } }),
      JSON.stringify({ message: 'badbatch good two', '@timestamp': '1999-01-01T00:00:00Z' }),
      JSON.stringify({ create: { _index: 'bad' } }),
      JSON.stringify({ message: 'badbatch good three' }),
    ].join('\n');
    const res = await bulk(body);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { errors: boolean; items: BulkItem[] };
    expect(json.errors).toBe(true);
    const statuses = json.items.map((i) => Object.values(i)[0]!.status);
    expect(statuses).toEqual([201, 400, 400, 400, 400, 400, 400, 400, 201]);
    expect(Object.values(json.items[2]!)[0]!.error!.type).toBe('mapper_parsing_exception');
    expect(Object.values(json.items[7]!)[0]!.error!.reason).toMatch(/older than the retention/);
    expect(await total('badbatch')).toBe(2);
  });

  it('answers 413 for a body over the limit, compressed or not', async () => {
    const big = ndjson(
      Array.from({ length: 2000 }, (_, i) =>
        i % 2 ? { message: 'x'.repeat(100) } : { index: { _index: 'big' } },
      ),
    );
    expect((await bulk(big)).status).toBe(413);
    const gz = await bulk(gzipSync(big), { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(413);
    expect(((await gz.json()) as { error: { type: string } }).error.type).toBe(
      'content_too_long_exception',
    );
  });

  it('answers 400 for a body that is not the gzip it claims', async () => {
    const res = await bulk('plainly not gzip', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
  });

  it('answers 401 with the product header for a wrong key, and 403 without the ingest scope', async () => {
    const wrong = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: 'ApiKey definitely-wrong', 'content-type': 'application/x-ndjson' },
      body: ndjson([{ index: { _index: 'x' } }, { message: 'never stored' }]),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe(
      'security_exception',
    );
    const missing = await fetch(`${sut.esUrl}/`);
    expect(missing.status).toBe(401);
    expect(await total('never')).toBe(0);
  });
});

describe('ingest backpressure', () => {
  let sut: TestVigil;
  let tenant: TestTenant;

  beforeAll(async () => {
    // Commits wait a full second for company, so a second request arrives while the first is pending.
    sut = await TestVigil.start({
      INGEST_MAX_PENDING_RECORDS: '10',
      INGEST_FLUSH_DELAY_MS: '1000',
    });
    tenant = await sut.createTenant('busy');
  });
  afterAll(() => sut.close());

  it('answers 429 with Retry-After while the write pipeline is full, then accepts again', async () => {
    const send = (n: number) =>
      fetch(`${sut.esUrl}/_bulk`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tenant.ingestKey}`,
          'content-type': 'application/x-ndjson',
        },
        body: ndjson(
          Array.from({ length: n }, (_, i) => [
            { index: { _index: 'busy' } },
            { message: `busy ${i}` },
          ]).flat(),
        ),
      });
    const first = send(8);
    await new Promise((r) => setTimeout(r, 200));
    const second = await send(5);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(((await second.json()) as { error: { type: string } }).error.type).toBe(
      'es_rejected_execution_exception',
    );
    expect((await first).status).toBe(200);
    expect((await send(5)).status).toBe(200);
  });
});
