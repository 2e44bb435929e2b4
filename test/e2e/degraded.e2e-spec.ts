import { ndjson, TestVigil } from '../support/test-vigil';

describe('with Redis unreachable', () => {
  let sut: TestVigil;

  beforeAll(async () => {
    sut = await TestVigil.start({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => sut.close());

  it('still ingests and searches, and reports itself not ready', async () => {
    const res = await fetch(`${sut.esUrl}/_bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sut.adminKey}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([{ create: { _index: 'x' } }, { message: 'stored without redis' }]),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors: boolean }).errors).toBe(false);
    const found = await sut.graphql<{ logs: { totalCount: number } }>(
      sut.adminKey,
      '{ logs(filter: { query: "redis" }) { totalCount } }',
    );
    expect(found.data?.logs.totalCount).toBe(1);

    const ready = await fetch(`${sut.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      checks: { postgres: 'ok', redis: expect.stringMatching(/^failed/) },
    });
  });
});
