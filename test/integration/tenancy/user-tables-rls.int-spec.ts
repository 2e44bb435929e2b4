import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { dropDatabase, ensureDatabase, migrateDatabase } from 'src/common/database/database-setup';

const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

describe('row-level security on memberships and refresh_tokens', () => {
  const url = `${PG}/vigil_test_${randomBytes(5).toString('hex')}`;
  const client = new Client({ connectionString: url });
  let tenantA: string;

  beforeAll(async () => {
    await ensureDatabase(url);
    await migrateDatabase(url);
    await client.connect();
    const tenants = await client.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('a', 'a'), ('b', 'b') RETURNING id`,
    );
    const [a, b] = tenants.rows.map((r) => r.id) as [string, string];
    tenantA = a;
    const user = await client.query<{ id: string }>(
      `INSERT INTO users (email) VALUES ('u@example.com') RETURNING id`,
    );
    const userId = user.rows[0]!.id;
    for (const tenant of [a, b]) {
      await client.query(
        `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'viewer')`,
        [tenant, userId],
      );
      await client.query(
        `INSERT INTO refresh_tokens (family_id, tenant_id, user_id, token_hash, expires_at)
         VALUES (gen_random_uuid(), $1, $2, decode(md5(random()::text), 'hex'), now() + interval '1 day')`,
        [tenant, userId],
      );
    }
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(url);
  });

  it('shows the application role nothing without a tenant, and only that tenant’s rows with one', async () => {
    for (const table of ['memberships', 'refresh_tokens']) {
      await client.query('BEGIN');
      try {
        await client.query('SET LOCAL ROLE vigil_app');
        const none = await client.query(`SELECT tenant_id FROM ${table}`);
        expect(none.rows).toEqual([]);
        await client.query(`SELECT set_config('vigil.tenant_id', $1, true)`, [tenantA]);
        const own = await client.query<{ tenant_id: string }>(`SELECT tenant_id FROM ${table}`);
        expect(own.rows).toEqual([{ tenant_id: tenantA }]);
      } finally {
        await client.query('ROLLBACK');
      }
    }
  });
});
