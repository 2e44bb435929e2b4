import { Client } from '@elastic/elasticsearch';

import { type TestTenant, TestVigil } from '../support/test-vigil';

/** The official Elasticsearch client checks `X-Elastic-Product` on every 2xx and speaks compatible-with=9. */
describe('@elastic/elasticsearch 9 against the ES API', () => {
  let sut: TestVigil;
  let tenant: TestTenant;
  let client: Client;

  beforeAll(async () => {
    sut = await TestVigil.start();
    tenant = await sut.createTenant('elastic-client');
    client = new Client({ node: sut.esUrl, auth: { apiKey: tenant.ingestKey } });
  });
  afterAll(async () => {
    await client.close();
    await sut.close();
  });

  it('passes the product check, bulk-indexes, and its helper reports every document', async () => {
    const info = await client.info();
    expect(info.version.number).toBe('8.17.0');

    const bulk = await client.bulk({
      operations: [
        { create: { _index: 'elastic-js' } },
        {
          '@timestamp': new Date().toISOString(),
          message: 'from the elastic client',
          level: 'info',
        },
        { index: { _index: 'elastic-js', _id: 'given-id' } },
        { message: 'second elastic document' },
      ],
    });
    expect(bulk.errors).toBe(false);
    expect(bulk.items.map((i) => Object.values(i)[0]?.status)).toEqual([201, 201]);
    expect(bulk.items[1]?.index?._id).toBe('given-id');

    const result = await client.helpers.bulk({
      datasource: Array.from({ length: 120 }, (_, i) => ({ message: `elastic helper doc ${i}` })),
      onDocument: () => ({ create: { _index: 'elastic-js' } }),
    });
    expect(result).toMatchObject({ total: 120, successful: 120, failed: 0 });

    const found = await sut.graphql<{ logs: { totalCount: number } }>(
      tenant.adminKey,
      '{ logs(filter: { query: "dataset:elastic-js" }) { totalCount } }',
    );
    expect(found.data?.logs.totalCount).toBe(122);
  });
});
