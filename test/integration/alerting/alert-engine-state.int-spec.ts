import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

import { AlertRepository, EngineStateCache } from 'src/modules/alerting/alert.repository';

import { createTestDatabase, testPool } from '../../support/test-database';

describe('AlertRepository engine state', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let pool: Pool;
  let repo: AlertRepository;
  let tenant: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = testPool(db.url, 2);
    ds = new DataSource({ type: 'postgres', url: db.url, logging: ['error'] });
    await ds.initialize();
    repo = new AlertRepository(ds);
    const rows = await pool.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('engine-state', 'e') RETURNING id`,
    );
    tenant = rows.rows[0]!.id;
  });
  afterAll(async () => {
    await ds?.destroy();
    await pool?.end();
    await db?.drop();
  });

  /** One run: records the state it was given, then stores `next`. */
  const run = async (next: unknown, cache?: EngineStateCache, fail = false) => {
    let seen: unknown;
    await repo.withEngineState(
      tenant,
      (_tx, state) => {
        seen = state;
        if (fail) return Promise.reject(new Error('run failed'));
        return Promise.resolve({ state: next, result: undefined });
      },
      cache,
    );
    return seen;
  };

  it('reuses the state this process wrote, and reads it again once another writer changed it', async () => {
    const mine = new EngineStateCache();
    expect(await run({ n: 1 }, mine)).toBeUndefined();
    const written = mine.get(tenant);
    expect(written?.state).toEqual({ n: 1 });

    // Same revision: the very object this process wrote comes back, not a parsed copy.
    let seen: unknown;
    await repo.withEngineState(
      tenant,
      (_tx, state) => {
        seen = state;
        return Promise.resolve({ state: { n: 2 }, result: undefined });
      },
      mine,
    );
    expect(seen).toBe(written?.state);

    // Another replica (its own cache) writes: this process must see its state, not the cached one.
    const other = new EngineStateCache();
    expect(await run({ n: 3 }, other)).toEqual({ n: 2 });
    expect(await run({ n: 4 }, mine)).toEqual({ n: 3 });

    // A writer without a cache (erasure) also changes the revision.
    expect(await run({ n: 5 })).toEqual({ n: 4 });
    expect(await run({ n: 6 }, mine)).toEqual({ n: 5 });
  });

  it('drops the cached state when a run fails, and keeps the stored one', async () => {
    const cache = new EngineStateCache();
    await run({ n: 10 }, cache);
    await expect(run({ n: 11 }, cache, true)).rejects.toThrow('run failed');
    expect(cache.get(tenant)).toBeUndefined();
    expect(await run({ n: 12 }, cache)).toEqual({ n: 10 });
  });
});
