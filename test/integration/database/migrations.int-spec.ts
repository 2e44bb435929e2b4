import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { dropDatabase, ensureDatabase, migrateDatabase } from 'src/common/database/database-setup';

import { MIGRATIONS } from '../../../migrations';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

describe('database setup', () => {
  const url = `${PG}/vigil_test_${randomBytes(5).toString('hex')}`;
  afterAll(() => dropDatabase(url));

  it('creates the database and applies migrations once, even when replicas start together', async () => {
    await Promise.all([ensureDatabase(url), ensureDatabase(url)]);
    await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    await migrateDatabase(url); // and again later: nothing left to do

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
      );
      expect(tables.rows.map((r) => r.name)).toEqual(
        expect.arrayContaining(['api_keys', 'logs', 'migrations', 'tenants']),
      );
      const applied = await client.query<{ n: string }>('SELECT count(*) AS n FROM migrations');
      expect(Number(applied.rows[0]?.n)).toBe(MIGRATIONS.length);
    } finally {
      await client.end();
    }
  });
});
