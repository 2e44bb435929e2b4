import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';

import { TenantDb, withTenant } from 'src/common/database/tenant-db';
import { PostgresLogStore } from 'src/modules/logs/postgres-log-store.adapter';
import { parseQuery } from 'src/modules/logs/query/query-parser';
import { ApiKeyEntity } from 'src/modules/tenancy/api-key.entity';
import { TenantEntity } from 'src/modules/tenancy/tenant.entity';

import { buildLogRecord } from '../../factories/log-record.factory';
import { createTestDatabase, testPool } from '../../support/test-database';

describe('row-level security', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let store: PostgresLogStore;
  let a: string;
  let b: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = testPool(db.url, 3);
    store = new PostgresLogStore(testPool(db.url, 3), {
      defaultRetentionDays: 7,
      partitionsAheadDays: 1,
      indexCleanIntervalMs: 0,
    });
    const tenants = await pool.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('rls-a', 'a'), ('rls-b', 'b') RETURNING id`,
    );
    [a, b] = tenants.rows.map((r) => r.id) as [string, string];
    await pool.query(
      `INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes)
       VALUES ($1, 'a-key', 'vgl_a', '\\x01', '{read}'), ($2, 'b-key', 'vgl_b', '\\x02', '{read}')`,
      [a, b],
    );
    const yesterday = Date.now() - 86_400_000;
    await store.append([
      buildLogRecord({ tenantId: a, body: 'alpha marker one' }),
      buildLogRecord({ tenantId: a, body: 'alpha marker two', timestamp: yesterday }),
      buildLogRecord({ tenantId: b, body: 'bravo marker one' }),
      buildLogRecord({ tenantId: b, body: 'bravo marker two', timestamp: yesterday }),
    ]);
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
    await db.drop();
  });

  /** As vigil_app with no tenant set, in a transaction that is rolled back. */
  const withoutTenant = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE vigil_app');
      return await work(client);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  };
  const bodies = async (client: PoolClient, sql: string, params: unknown[] = []) =>
    (await client.query<{ body: string }>(sql, params)).rows.map((r) => r.body).sort();

  it('shows a query without a tenant filter only the current tenant’s rows', async () => {
    for (const table of ['logs', 'tenant_logs']) {
      const seen = await withTenant(pool, a, (c) => bodies(c, `SELECT body FROM ${table}`));
      expect(seen).toEqual(['alpha marker one', 'alpha marker two']);
    }
    const keys = await withTenant(pool, b, async (c) => {
      const { rows } = await c.query<{ name: string }>('SELECT name FROM api_keys');
      return rows.map((r) => r.name);
    });
    expect(keys).toEqual(['b-key']);
    const tenants = await withTenant(pool, a, async (c) => {
      const { rows } = await c.query<{ slug: string }>('SELECT slug FROM tenants');
      return rows.map((r) => r.slug);
    });
    expect(tenants).toEqual(['rls-a']);
  });

  it('shows nothing when no tenant is set', async () => {
    await withoutTenant(async (c) => {
      for (const table of ['logs', 'tenant_logs', 'api_keys', 'tenants']) {
        const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        expect({ table, n: Number(rows[0]?.n) }).toEqual({ table, n: 0 });
      }
    });
  });

  it('does not let vigil_app read another tenant’s rows even by naming it', async () => {
    const seen = await withTenant(pool, a, async (c) => [
      ...(await bodies(c, 'SELECT body FROM logs WHERE tenant_id = $1', [b])),
      ...(await bodies(c, 'SELECT body FROM tenant_logs WHERE tenant_id = $1', [b])),
      ...(await bodies(c, 'SELECT name AS body FROM api_keys WHERE tenant_id = $1', [b])),
    ]);
    expect(seen).toEqual([]);
  });

  it('refuses partitions named directly, and every partition has the policy forced', async () => {
    const { rows } = await pool.query<{ name: string; rls: boolean; forced: boolean }>(
      `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'logs'::regclass`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(2); // yesterday and today, created by the store
    for (const row of rows) expect(row).toMatchObject({ rls: true, forced: true });
    const partition = (rows[0] as { name: string }).name;
    await expect(
      withTenant(pool, a, (c) => c.query(`SELECT body FROM ${partition}`)),
    ).rejects.toMatchObject({ code: '42501' }); // insufficient_privilege
  });

  it('refuses writes that name another tenant, and log writes as vigil_app', async () => {
    await expect(
      withTenant(pool, a, (c) =>
        c.query(
          `INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash, scopes)
           VALUES ($1, 'smuggled', 'vgl_x', '\\x03', '{read}')`,
          [b],
        ),
      ),
    ).rejects.toMatchObject({ code: '42501' }); // new row violates row-level security policy
    await expect(
      withTenant(pool, a, (c) => c.query(`DELETE FROM logs WHERE tenant_id = $1`, [b])),
    ).rejects.toMatchObject({ code: '42501' });
    const counts = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM logs`);
    expect(Number(counts.rows[0]?.n)).toBe(4);
  });

  it('rolls back and returns the connection as the owner role', async () => {
    await expect(
      withTenant(pool, a, async (c) => {
        await c.query(`UPDATE api_keys SET name = 'renamed'`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await pool.query<{ name: string; owner: boolean }>(
      `SELECT name, current_user = session_user AS owner FROM api_keys ORDER BY name`,
    );
    expect(after.rows.map((r) => r.name)).toEqual(['a-key', 'b-key']);
    expect(after.rows[0]?.owner).toBe(true);
    await expect(withTenant(pool, 'not-a-uuid', async () => 1)).rejects.toThrow(TypeError);
  });

  it('runs TypeORM reads through the same mechanism', async () => {
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [TenantEntity, ApiKeyEntity],
      logging: ['error'],
    });
    await ds.initialize();
    try {
      const sut = new TenantDb(ds);
      const names = await sut.withTenant(a, async (m) =>
        (await m.getRepository(ApiKeyEntity).find()).map((k) => k.name),
      );
      expect(names).toEqual(['a-key']);
      const other = await sut.withTenant(a, (m) =>
        m.getRepository(ApiKeyEntity).findBy({ tenantId: b }),
      );
      expect(other).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('lets the log store search through the full-text index, still one tenant only', async () => {
    // Last: it adds a third tenant with enough rows for the planner to prefer the GIN index.
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('rls-c', 'c') RETURNING id`,
    );
    const c = (rows[0] as { id: string }).id;
    await store.append([
      ...Array.from({ length: 3000 }, (_, i) =>
        buildLogRecord({ tenantId: c, body: `filler ${i}` }),
      ),
      buildLogRecord({ tenantId: c, body: 'charlie needle' }),
    ]);
    await pool.query('ANALYZE logs');
    const plan = (table: string) =>
      withTenant(pool, c, async (client) => {
        const explained = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT body FROM ${table} WHERE tenant_id = $1
              AND to_tsvector('simple'::regconfig, body) @@ to_tsquery('simple'::regconfig, 'needle')`,
          [c],
        );
        return explained.rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    // Through the view the full-text match is an index condition...
    expect(await plan('tenant_logs')).toMatch(/(Index|Recheck) Cond: \(to_tsvector/);
    // ...whereas the policy on the table keeps it a filter (ts_match_vq is not LEAKPROOF).
    expect(await plan('logs')).not.toMatch(/(Index|Recheck) Cond: \(to_tsvector/);

    const page = await store.search({ tenantId: c, query: parseQuery('needle OR marker') }, 10);
    expect(page.records.map((r) => r.body)).toEqual(['charlie needle']);
  });
});
