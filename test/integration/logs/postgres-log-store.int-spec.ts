import { PostgresLogStore } from 'src/modules/logs/postgres-log-store.adapter';
import { parseQuery } from 'src/modules/logs/query/query-parser';

import { describeLogStoreContract } from '../../contracts/log-store.contract';
import { buildLogRecord } from '../../factories/log-record.factory';
import { createTestDatabase, testPool } from '../../support/test-database';

describeLogStoreContract('Postgres', async () => {
  const db = await createTestDatabase();
  const store = new PostgresLogStore(testPool(db.url, 4), {
    defaultRetentionDays: 7,
    partitionsAheadDays: 2,
  });
  await store.maintain(new Map(), Date.now());
  return { store, cleanup: db.drop };
});

describe('PostgresLogStore, Postgres-specific behaviour', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sut: PostgresLogStore;
  const tenantId = '00000000-0000-4000-8000-0000000000cc';

  beforeAll(async () => {
    db = await createTestDatabase();
    sut = new PostgresLogStore(testPool(db.url, 3), {
      defaultRetentionDays: 7,
      partitionsAheadDays: 1,
      indexCleanIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await sut.close();
    await db.drop();
  });

  it('isolates a row Postgres refuses mid-COPY and stores the rest of the group', async () => {
    // A lone surrogate is valid in a JS string and in JSON text, but jsonb refuses it.
    const records = Array.from({ length: 9 }, (_, i) =>
      buildLogRecord({
        tenantId,
        body: `grouped row ${i}`,
        attributes: i === 5 ? { bad: '\ud800' } : {},
      }),
    );
    const [first, second] = await sut.appendEncoded([
      sut.encode(records.slice(0, 4)),
      sut.encode(records.slice(4)),
    ]);
    expect([...(first ?? new Map()).keys()]).toEqual([]);
    expect([...(second ?? new Map()).keys()]).toEqual([1]);
    expect(second?.get(1)).toMatch(/rejected by the log store/);
    expect(await sut.count({ tenantId, query: parseQuery('grouped') })).toBe(8);
  });

  it('stores a request whose encoding spans several chunks, isolating a bad row in a later one', async () => {
    const filler = 'x'.repeat(400);
    const encoder = sut.encoder();
    for (let i = 0; i < 300; i++) {
      encoder.add(
        buildLogRecord({
          tenantId,
          body: `chunked row ${i} ${filler}`,
          attributes: i === 250 ? { bad: '\udc00' } : { i },
        }),
      );
    }
    const [rejected] = await sut.appendEncoded([encoder.finish()]);
    expect([...(rejected ?? new Map()).keys()]).toEqual([250]);
    expect(await sut.count({ tenantId, query: parseQuery('chunked') })).toBe(299);
    const page = await sut.search({ tenantId, query: parseQuery('chunked AND 299') }, 5);
    expect(page.records.map((r) => r.attributes)).toEqual([{ i: 299 }]);
  });

  it('creates day partitions on demand and keeps them ahead of time', async () => {
    const yesterday = Date.now() - 86_400_000;
    await sut.append([buildLogRecord({ tenantId, timestamp: yesterday, body: 'from yesterday' })]);
    await sut.maintain(new Map(), Date.now());
    const pool = testPool(db.url, 1);
    const { rows } = await pool
      .query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'logs'::regclass`,
      )
      .finally(() => pool.end());
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(3); // yesterday, today, tomorrow
    expect(await sut.count({ tenantId, query: parseQuery('yesterday') })).toBe(1);
  });

  it('merges the full-text pending list on request, and search still finds everything', async () => {
    await sut.cleanPendingIndexes();
    expect(await sut.count({ tenantId, query: parseQuery('"grouped row"') })).toBe(8);
  });
});
