import { Client } from 'pg';

import { uuidv7 } from 'src/common/ids/uuidv7';

import { createTestDatabase } from '../../support/test-database';

/** The audit_log table's guarantees, straight in SQL: privileges, the trigger, row-level security. */
describe('audit_log in Postgres', () => {
  let db: { url: string; drop: () => Promise<void> };
  let owner: Client;
  let tenantA: string;
  let tenantB: string;

  const insertEntry = (client: Client, tenantId: string, action = 'secret.set') =>
    client.query(
      `INSERT INTO audit_log (id, tenant_id, actor_kind, action) VALUES ($1, $2, 'system', $3)`,
      [uuidv7(), tenantId, action],
    );

  /** Runs `work` as vigil_app scoped to `tenantId`, then rolls back. */
  async function asApp<T>(tenantId: string | null, work: () => Promise<T>): Promise<T> {
    await owner.query('BEGIN');
    try {
      await owner.query('SET LOCAL ROLE vigil_app');
      if (tenantId) await owner.query(`SELECT set_config('vigil.tenant_id', $1, true)`, [tenantId]);
      return await work();
    } finally {
      await owner.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    const rows = await owner.query<{ id: string }>(
      `INSERT INTO tenants (slug, name) VALUES ('a', 'a'), ('b', 'b') RETURNING id`,
    );
    [tenantA, tenantB] = rows.rows.map((r) => r.id) as [string, string];
    await insertEntry(owner, tenantA, 'auth.login');
    await insertEntry(owner, tenantB, 'auth.login');
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
  });

  it('lets vigil_app insert and read its own tenant only', async () => {
    await asApp(tenantA, async () => {
      await insertEntry(owner, tenantA, 'api_key.created');
      const seen = await owner.query<{ tenant_id: string }>('SELECT tenant_id FROM audit_log');
      expect(seen.rows.length).toBe(2);
      expect(new Set(seen.rows.map((r) => r.tenant_id))).toEqual(new Set([tenantA]));
    });
    await expect(asApp(tenantA, () => insertEntry(owner, tenantB))).rejects.toMatchObject({
      message: expect.stringMatching(/row-level security/),
    });
  });

  it('shows vigil_app nothing when no tenant is set', async () => {
    const seen = await asApp(null, () => owner.query('SELECT * FROM audit_log'));
    expect(seen.rowCount).toBe(0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE to vigil_app: it holds no such privilege', async () => {
    for (const sql of [
      `UPDATE audit_log SET action = 'auth.logout'`,
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
    ]) {
      await expect(asApp(tenantA, () => owner.query(sql))).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/),
      });
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE to the owner too, through the trigger', async () => {
    for (const sql of [
      `UPDATE audit_log SET details = '{"forged": true}'`,
      `DELETE FROM audit_log WHERE tenant_id = '${tenantA}'`,
      'TRUNCATE audit_log',
    ]) {
      await expect(owner.query(sql)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/audit_log is append-only/),
      });
    }
    const left = await owner.query('SELECT 1 FROM audit_log');
    expect(left.rowCount).toBe(2);
  });

  it('still refuses vigil_app when it sets the maintenance flag itself', async () => {
    await expect(
      asApp(tenantA, async () => {
        await owner.query(`SELECT set_config('vigil.audit_maintenance', 'on', true)`);
        return owner.query('DELETE FROM audit_log');
      }),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses to delete a tenant (cascading to its entries) unless in maintenance', async () => {
    const [doomed] = (
      await owner.query<{ id: string }>(
        `INSERT INTO tenants (slug, name) VALUES ('doomed', 'd') RETURNING id`,
      )
    ).rows as [{ id: string }];
    await insertEntry(owner, doomed.id, 'tenant.exported');
    await expect(
      owner.query('DELETE FROM tenants WHERE id = $1', [doomed.id]),
    ).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });

    await owner.query('BEGIN');
    await owner.query(`SELECT set_config('vigil.audit_maintenance', 'on', true)`);
    await owner.query('DELETE FROM tenants WHERE id = $1', [doomed.id]);
    await owner.query('COMMIT');
    const left = await owner.query('SELECT 1 FROM audit_log WHERE tenant_id = $1', [doomed.id]);
    expect(left.rowCount).toBe(0);

    // The flag was transaction-local: the next statement is refused again.
    await expect(owner.query('DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
  });

  it('rejects malformed action names', async () => {
    await expect(insertEntry(owner, tenantA, 'Login')).rejects.toMatchObject({ code: '23514' });
  });
});
